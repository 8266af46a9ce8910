-- 0010_experiment_telemetry: execution records that say which experiment and arm they ran in (issue 16).
--
-- An enrolled execution carries the experiment's id and its arm ('a' or 'b'); both or neither (user_id exists since
-- 0002). The columns are added on the partitioned parent, so every monthly partition (and the default one) gets them,
-- and partitions created later by ensure_telemetry_partition() copy them with LIKE. experiment_id is not a foreign key:
-- the COPY stays as cheap as decision 1501 made it, and a forced hard delete of a version may delete an experiment
-- while its records stay (they then match no experiment). The ingest resolves the experiment's name to its id and
-- refuses (reports unmatched) a record naming no stored experiment, as it does for a tool it does not know.
ALTER TABLE tool_catalog.tool_telemetry
    ADD COLUMN experiment_id bigint,
    ADD COLUMN arm           char(1),
    ADD CONSTRAINT tool_telemetry_arm_known CHECK (arm IN ('a', 'b')),
    ADD CONSTRAINT tool_telemetry_experiment_with_arm CHECK ((experiment_id IS NULL) = (arm IS NULL));

-- Per-experiment analysis reads one experiment's records by arm; records without an experiment are not indexed here
-- (analysis by version reads them through tool_telemetry_tool, by version row and time).
CREATE INDEX tool_telemetry_experiment ON tool_catalog.tool_telemetry (experiment_id, arm, executed_at)
    WHERE experiment_id IS NOT NULL;
