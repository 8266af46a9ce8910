-- 0003_pattern_documents_and_immutable_versions: the nine document columns of tool_patterns become json instead of
-- jsonb, and the content of stored versions can no longer be changed in place.
--
-- Why: a bulk import writes 9 documents per pattern row (90,000 rows for 10,000 tools of 3 capabilities x 3
-- patterns). PostgreSQL parses every jsonb value into its binary form on the way in; for these columns that was about
-- a third of the server's work on the patterns table (measured: see docs/decisions/0403-bulk-import.md). json keeps
-- the text as sent, after checking that it is valid JSON, which is much cheaper. Nothing queries these columns with
-- jsonb operators or indexes: selection runs on the in-memory snapshot, and the one SQL use, search over typical use
-- cases, works the same with json_array_elements_text. The seed's column names and meanings are unchanged; json also
-- keeps key order, so a loaded pattern's maps list their keys as they were written.
--
-- Columns that SQL does query with jsonb operators stay jsonb: tools.metadata (tag filter, GIN index) and the audit
-- log's changes. The other jsonb columns of tools and tool_capabilities stay jsonb too: one row per tool or capability
-- makes their parsing cost negligible (measured under 2 % of an import).
--
-- Rewrites tool_patterns once (ACCESS EXCLUSIVE for its duration; the catalog is small).

ALTER TABLE tool_catalog.tool_patterns
    DROP CONSTRAINT tool_patterns_typical_use_cases_check,
    DROP CONSTRAINT tool_patterns_limitations_check,
    DROP CONSTRAINT tool_patterns_policy_check,
    DROP CONSTRAINT tool_patterns_preference_match_check,
    DROP CONSTRAINT tool_patterns_required_inputs_check,
    DROP CONSTRAINT tool_patterns_optional_inputs_check,
    DROP CONSTRAINT tool_patterns_expected_outputs_check,
    DROP CONSTRAINT tool_patterns_examples_check,
    DROP CONSTRAINT tool_patterns_extensions_check;

ALTER TABLE tool_catalog.tool_patterns
    ALTER COLUMN typical_use_cases DROP DEFAULT,
    ALTER COLUMN limitations DROP DEFAULT,
    ALTER COLUMN policy DROP DEFAULT,
    ALTER COLUMN preference_match DROP DEFAULT,
    ALTER COLUMN required_inputs DROP DEFAULT,
    ALTER COLUMN optional_inputs DROP DEFAULT,
    ALTER COLUMN expected_outputs DROP DEFAULT,
    ALTER COLUMN examples DROP DEFAULT,
    ALTER COLUMN extensions DROP DEFAULT,
    ALTER COLUMN typical_use_cases TYPE json USING typical_use_cases::json,
    ALTER COLUMN limitations TYPE json USING limitations::json,
    ALTER COLUMN policy TYPE json USING policy::json,
    ALTER COLUMN preference_match TYPE json USING preference_match::json,
    ALTER COLUMN required_inputs TYPE json USING required_inputs::json,
    ALTER COLUMN optional_inputs TYPE json USING optional_inputs::json,
    ALTER COLUMN expected_outputs TYPE json USING expected_outputs::json,
    ALTER COLUMN examples TYPE json USING examples::json,
    ALTER COLUMN extensions TYPE json USING extensions::json,
    ALTER COLUMN typical_use_cases SET DEFAULT '[]',
    ALTER COLUMN limitations SET DEFAULT '[]',
    ALTER COLUMN policy SET DEFAULT '{}',
    ALTER COLUMN preference_match SET DEFAULT '{}',
    ALTER COLUMN required_inputs SET DEFAULT '[]',
    ALTER COLUMN optional_inputs SET DEFAULT '[]',
    ALTER COLUMN expected_outputs SET DEFAULT '[]',
    ALTER COLUMN examples SET DEFAULT '[]',
    ALTER COLUMN extensions SET DEFAULT '{}',
    ADD CONSTRAINT tool_patterns_typical_use_cases_check CHECK (json_typeof(typical_use_cases) = 'array'),
    ADD CONSTRAINT tool_patterns_limitations_check CHECK (json_typeof(limitations) = 'array'),
    ADD CONSTRAINT tool_patterns_policy_check CHECK (json_typeof(policy) = 'object'),
    ADD CONSTRAINT tool_patterns_preference_match_check CHECK (json_typeof(preference_match) = 'object'),
    ADD CONSTRAINT tool_patterns_required_inputs_check CHECK (json_typeof(required_inputs) = 'array'),
    ADD CONSTRAINT tool_patterns_optional_inputs_check CHECK (json_typeof(optional_inputs) = 'array'),
    ADD CONSTRAINT tool_patterns_expected_outputs_check CHECK (json_typeof(expected_outputs) = 'array'),
    ADD CONSTRAINT tool_patterns_examples_check CHECK (json_typeof(examples) = 'array'),
    ADD CONSTRAINT tool_patterns_extensions_check CHECK (json_typeof(extensions) = 'object');

-- Versions are immutable (docs/decisions/0401): the content of a version never changes in place, and a change is
-- published as a new version. The library has always kept to that; from here on the database enforces it, because
-- the audit row of a created version now refers to the version rows (with a SHA-256 of their content) instead of
-- holding a second copy (docs/decisions/0403). State changes in place as before (status, enabled, is_latest,
-- deleted_at/deleted_by, updated_at/updated_by, and parent_version_id, which a hard delete relinks); rows are still
-- deleted by a hard delete, whose audit row keeps the content it removes. BEFORE UPDATE triggers cost nothing on
-- insert (COPY keeps its batched inserts). A migration that must rewrite content can disable them for its duration.

CREATE FUNCTION tool_catalog.refuse_version_content_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The content of a stored tool version cannot be changed (table %, row id %)', TG_TABLE_NAME, OLD.id
        USING ERRCODE = 'restrict_violation',
              HINT = 'Versions are immutable: publish the change as a new version. Only state (status, enabled, latest, deleted) changes in place.';
END;
$$;

CREATE TRIGGER tools_content_is_immutable
    BEFORE UPDATE ON tool_catalog.tools
    FOR EACH ROW
    WHEN ((OLD.id, OLD.tool_name, OLD.version, OLD.description, OLD.platform, OLD.category, OLD.defaults, OLD.dependencies,
           OLD.metadata, OLD.execution_location, OLD.examples, OLD.extensions, OLD.created_at, OLD.created_by)
          IS DISTINCT FROM
          (NEW.id, NEW.tool_name, NEW.version, NEW.description, NEW.platform, NEW.category, NEW.defaults, NEW.dependencies,
           NEW.metadata, NEW.execution_location, NEW.examples, NEW.extensions, NEW.created_at, NEW.created_by))
    EXECUTE FUNCTION tool_catalog.refuse_version_content_change();

CREATE TRIGGER tool_capabilities_are_immutable
    BEFORE UPDATE ON tool_catalog.tool_capabilities
    FOR EACH ROW EXECUTE FUNCTION tool_catalog.refuse_version_content_change();

CREATE TRIGGER tool_patterns_are_immutable
    BEFORE UPDATE ON tool_catalog.tool_patterns
    FOR EACH ROW EXECUTE FUNCTION tool_catalog.refuse_version_content_change();
