-- 0005_telemetry_recording: what an execution record links to, and a cheaper insert, for the recorder (issue 15).
--
-- An execution links to the selection that chose it (the orchestrator's id for that decision) and to the catalog
-- revision the decision was made on. (0002 already indexes the records by tool and by pattern over time.)

ALTER TABLE tool_catalog.tool_telemetry
    ADD COLUMN selection_id     varchar(100),
    ADD COLUMN catalog_revision bigint;

-- Only the version's key stays a foreign key (decision 1501). A version's capabilities and patterns are immutable (0003)
-- and, with the trigger below, deleted only with their version (by its cascade), so the version's key guards them too;
-- the two other keys' triggers took more than half of a telemetry batch's insert.
ALTER TABLE tool_catalog.tool_telemetry
    DROP CONSTRAINT tool_telemetry_capability_id_fkey,
    DROP CONSTRAINT tool_telemetry_pattern_id_fkey;

CREATE FUNCTION tool_catalog.refuse_direct_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Rows of % are deleted only with their tool version', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'Delete the version (a hard delete); its capabilities and patterns go with it.';
END
$$;

-- A cascade from tools runs inside the foreign key's trigger (depth 1 or more); a statement of its own runs at depth 0.
CREATE TRIGGER tool_capabilities_go_with_their_version
    BEFORE DELETE ON tool_catalog.tool_capabilities
    FOR EACH STATEMENT WHEN (pg_trigger_depth() = 0)
    EXECUTE FUNCTION tool_catalog.refuse_direct_delete();

CREATE TRIGGER tool_patterns_go_with_their_version
    BEFORE DELETE ON tool_catalog.tool_patterns
    FOR EACH STATEMENT WHEN (pg_trigger_depth() = 0)
    EXECUTE FUNCTION tool_catalog.refuse_direct_delete();
