-- 0005_telemetry_recording: what an execution record links to, for the recorder (issue 15).
--
-- An execution links to the selection that chose it (the orchestrator's id for that decision) and to the catalog
-- revision the decision was made on; the records of one pattern are read by time, so they are indexed that way.

ALTER TABLE tool_catalog.tool_telemetry
    ADD COLUMN selection_id     varchar(100),
    ADD COLUMN catalog_revision bigint;

CREATE INDEX tool_telemetry_pattern_time ON tool_catalog.tool_telemetry (pattern_id, executed_at);
CREATE INDEX tool_telemetry_tool_time ON tool_catalog.tool_telemetry (tool_id, executed_at);
