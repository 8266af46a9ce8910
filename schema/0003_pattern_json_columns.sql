-- 0003_pattern_json_columns: the nine document columns of tool_patterns become json instead of jsonb.
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
