namespace OpsConductor.ToolCatalog.Findings;

/// <summary>
/// The stable codes of every validation rule, grouped by what they check. Codes never change meaning;
/// retired codes are not reused. <c>docs/validation.md</c> describes each one.
/// </summary>
public static class ValidationCodes
{
    /// <summary>YAML001: The text is not well-formed YAML.</summary>
    public const string YamlSyntax = "YAML001";

    /// <summary>YAML002: The file is larger than YamlReadOptions.MaxFileBytes; it is refused before being read.</summary>
    public const string FileTooLarge = "YAML002";

    /// <summary>YAML003: Sequences and mappings are nested deeper than YamlReadOptions.MaxDepth.</summary>
    public const string NestingTooDeep = "YAML003";

    /// <summary>YAML004: Too many aliases, or the document would expand to more than YamlReadOptions.MaxNodes nodes ("billion laughs").</summary>
    public const string AliasLimit = "YAML004";

    /// <summary>YAML005: A mapping has the same key twice (the message names both lines).</summary>
    public const string DuplicateKey = "YAML005";

    /// <summary>YAML006: An explicit tag outside the YAML 1.2 core schema (!!python/object, !foo, …); no type is ever constructed from a tag.</summary>
    public const string ForbiddenTag = "YAML006";

    /// <summary>YAML007: The bytes are not valid UTF-8 (or use an encoding other than UTF-8).</summary>
    public const string InvalidEncoding = "YAML007";

    /// <summary>YAML008: Binary content: a NUL or other control character YAML does not allow.</summary>
    public const string ControlCharacter = "YAML008";

    /// <summary>YAML009: A single scalar is longer than YamlReadOptions.MaxScalarLength characters.</summary>
    public const string ScalarTooLong = "YAML009";

    /// <summary>YAML010: The file holds more than one YAML document (`---`); a tool file holds exactly one.</summary>
    public const string MultipleDocuments = "YAML010";

    /// <summary>YAML011: The file holds no data (the original: "Empty YAML file").</summary>
    public const string EmptyDocument = "YAML011";

    /// <summary>YAML012: A mapping key is a sequence or mapping; keys must be scalars.</summary>
    public const string ComplexKey = "YAML012";

    /// <summary>YAML013: An alias refers to an anchor that is not defined before it, or to the node that contains it.</summary>
    public const string UnknownAlias = "YAML013";

    /// <summary>YAML014: A `&lt;&lt;` merge key (YAML 1.1 only); write the keys out instead.</summary>
    public const string MergeKey = "YAML014";

    /// <summary>YAML015: A core-schema tag whose value does not fit it (`!!int abc`) or is on the wrong kind of node.</summary>
    public const string TagMismatch = "YAML015";

    /// <summary>YAML016: Warning: a plain scalar that YAML 1.1 (PyYAML, the original) would read differently (`yes`, `0777`, `1_000`, `1:30`, unquoted dates).</summary>
    public const string Yaml11Difference = "YAML016";

    /// <summary>YAML017: The file does not exist or cannot be read.</summary>
    public const string FileUnreadable = "YAML017";

    /// <summary>YAML018: The !secret tag is on a mapping or list, or on a value that is not free-form data (only a string in an input's default or examples, an example's inputs, metadata or an unknown key's value may be secret).</summary>
    public const string SecretMisplaced = "YAML018";

    /// <summary>SHAPE001: A `tool:` wrapper (tool: {name, capability, pattern, inputs, policy}); not the catalog format.</summary>
    public const string ShapeToolWrapper = "SHAPE001";

    /// <summary>SHAPE002: A `name:` stub (name, version, description, platform, category, tags, metadata) with no capabilities.</summary>
    public const string ShapeNameStub = "SHAPE002";

    /// <summary>SHAPE003: The tool template, still holding `&lt;PLACEHOLDER&gt;` values.</summary>
    public const string ShapeTemplate = "SHAPE003";

    /// <summary>SHAPE004: A document that is none of the known tool formats.</summary>
    public const string ShapeUnknown = "SHAPE004";

    /// <summary>TOOL001: A required top-level field (tool_name, version, description, platform, category) is missing.</summary>
    public const string ToolMissingField = "TOOL001";

    /// <summary>TOOL002: A required top-level field is empty.</summary>
    public const string ToolEmptyField = "TOOL002";

    /// <summary>TOOL003: `platform` is outside the platform vocabulary.</summary>
    public const string ToolPlatform = "TOOL003";

    /// <summary>TOOL004: `category` is outside the category vocabulary.</summary>
    public const string ToolCategory = "TOOL004";

    /// <summary>TOOL005: `version` is empty or the template's `&lt;VERSION&gt;`.</summary>
    public const string ToolVersionUnset = "TOOL005";

    /// <summary>TOOL006: `version` is not a quoted string (`version: 1.0` is the number 1.0, not the version "1.0").</summary>
    public const string ToolVersionNotString = "TOOL006";

    /// <summary>TOOL007: `version` is not of the form MAJOR.MINOR[.PATCH][-PRERELEASE] (e.g. 1.0, 2.1.3, 1.0-rc.1), at most 20 characters.</summary>
    public const string ToolVersionForm = "TOOL007";

    /// <summary>TOOL008: `tool_name` does not follow the name pattern (a letter, then letters, digits, `_` or `-`; at most 100 characters).</summary>
    public const string ToolName = "TOOL008";

    /// <summary>TOOL009: The `defaults` section is missing.</summary>
    public const string ToolDefaultsMissing = "TOOL009";

    /// <summary>TOOL010: `defaults` is not a mapping.</summary>
    public const string ToolDefaultsNotMapping = "TOOL010";

    /// <summary>TOOL011: Warning: a recommended default (accuracy_level, freshness, data_source) is missing.</summary>
    public const string ToolDefaultMissing = "TOOL011";

    /// <summary>TOOL012: Warning: `defaults.accuracy_level` is outside the accuracy vocabulary.</summary>
    public const string ToolAccuracyLevel = "TOOL012";

    /// <summary>TOOL013: Warning: `defaults.freshness` is outside the freshness vocabulary.</summary>
    public const string ToolFreshness = "TOOL013";

    /// <summary>TOOL014: Warning: `defaults.data_source` is outside the data-source vocabulary.</summary>
    public const string ToolDataSource = "TOOL014";

    /// <summary>TOOL015: The `capabilities` section is missing.</summary>
    public const string ToolCapabilitiesMissing = "TOOL015";

    /// <summary>TOOL016: `capabilities` is not a mapping (strict mode) or neither a mapping nor a list (lenient mode).</summary>
    public const string ToolCapabilitiesNotMapping = "TOOL016";

    /// <summary>TOOL017: `capabilities` is empty.</summary>
    public const string ToolNoCapabilities = "TOOL017";

    /// <summary>TOOL018: `dependencies` is not a list.</summary>
    public const string ToolDependenciesNotList = "TOOL018";

    /// <summary>TOOL019: `metadata` is not a mapping.</summary>
    public const string ToolMetadataNotMapping = "TOOL019";

    /// <summary>TOOL020: `status` is not one of active, deprecated, disabled, testing, draft.</summary>
    public const string ToolStatus = "TOOL020";

    /// <summary>TOOL021: `enabled` is not a boolean.</summary>
    public const string ToolEnabled = "TOOL021";

    /// <summary>TOOL022: `execution_location` is not a non-empty string.</summary>
    public const string ToolExecutionLocation = "TOOL022";

    /// <summary>TOOL023: Tool-level `examples` is not a list of mappings, or an example's expected_time_ms / expected_cost is not a non-negative number.</summary>
    public const string ToolExamples = "TOOL023";

    /// <summary>TOOL024: Warning: a top-level key the catalog does not know; it is kept as extension data.</summary>
    public const string ToolUnknownKey = "TOOL024";

    /// <summary>TOOL025: A top-level field or default that must be text (tool_name, description, platform, category, accuracy_level, …) is a number, boolean, list or mapping.</summary>
    public const string ToolNotAString = "TOOL025";

    /// <summary>TOOL026: A value is longer than the catalog database's column for it (the message names the limit), or the tool as read could not be stored for another reason the store checks.</summary>
    public const string ToolTooLongForStore = "TOOL026";

    /// <summary>TOOL027: A string (a value or a key, anywhere in the file) holds a NUL or another control character (C0, C1 or DEL; tab, line feed and carriage return are allowed), usually written as an escape (\e, \x07, \0) in a double-quoted scalar.</summary>
    public const string ToolControlCharacter = "TOOL027";

    /// <summary>TOOL028: A value looks like a credential (a key ending in password/token/secret/api_key/private_key with a literal, or an AKIA…, ghp_…, xoxb-…, private-key block or JWT-shaped value) but is not marked !secret (a warning).</summary>
    public const string UnmarkedCredential = "TOOL028";

    /// <summary>TOOL029: a capability name contains a generic word of the catalog guide (management, control, monitoring, …). Checked when <see cref="Validation.ValidationOptions.ModellingRules"/> is on, and by <see cref="Quality.CatalogQuality"/>.</summary>
    public const string CapabilityGenericName = "TOOL029";

    /// <summary>TOOL030: a capability is not in the documented capability vocabulary (CatalogConventions.Capabilities). Checked when <see cref="Validation.ValidationOptions.ModellingRules"/> is on, and by <see cref="Quality.CatalogQuality"/>.</summary>
    public const string CapabilityNotInVocabulary = "TOOL030";

    /// <summary>TOOL031: an expression uses a variable that is neither a common request variable (N, pages, p95_latency, file_size_kb, lines, hours, size_mb, rows) nor an input of the pattern with a numeric default. Checked when <see cref="Validation.ValidationOptions.ModellingRules"/> is on, and by <see cref="Quality.CatalogQuality"/>.</summary>
    public const string PatternVariableNotProvided = "TOOL031";

    /// <summary>TOOL032: a pattern that acts on targets (scope single_item, a host or computer input, an input saying &quot;N is&quot;) has estimates that do not grow from N = 1 to N = 100. Checked when <see cref="Validation.ValidationOptions.ModellingRules"/> is on, and by <see cref="Quality.CatalogQuality"/>.</summary>
    public const string PatternEstimateIgnoresN = "TOOL032";

    /// <summary>TOOL033: a pattern is faster at the reference request than another pattern of its capability but declares the lower preference_match.speed. Checked when <see cref="Validation.ValidationOptions.ModellingRules"/> is on, and by <see cref="Quality.CatalogQuality"/>.</summary>
    public const string PatternSpeedScoreInconsistent = "TOOL033";

    /// <summary>TOOL034: a pattern is cheaper at the reference request than another pattern of its capability but declares the lower preference_match.cost. Checked when <see cref="Validation.ValidationOptions.ModellingRules"/> is on, and by <see cref="Quality.CatalogQuality"/>.</summary>
    public const string PatternCostScoreInconsistent = "TOOL034";

    /// <summary>TOOL035: a pattern lists no typical_use_cases. Checked when <see cref="Validation.ValidationOptions.ModellingRules"/> is on, and by <see cref="Quality.CatalogQuality"/>.</summary>
    public const string PatternMissingUseCases = "TOOL035";

    /// <summary>TOOL036: a pattern lists no limitations. Checked when <see cref="Validation.ValidationOptions.ModellingRules"/> is on, and by <see cref="Quality.CatalogQuality"/>.</summary>
    public const string PatternMissingLimitations = "TOOL036";

    /// <summary>TOOL037: a tool has no examples. Checked when <see cref="Validation.ValidationOptions.ModellingRules"/> is on, and by <see cref="Quality.CatalogQuality"/>.</summary>
    public const string ToolMissingExamples = "TOOL037";

    /// <summary>CAP001: A capability is not a mapping.</summary>
    public const string CapabilityNotMapping = "CAP001";

    /// <summary>CAP002: Warning: a capability has no `description`.</summary>
    public const string CapabilityMissingDescription = "CAP002";

    /// <summary>CAP003: A capability has no `patterns` section.</summary>
    public const string CapabilityPatternsMissing = "CAP003";

    /// <summary>CAP004: A capability's `patterns` is not a mapping (list form: not a list).</summary>
    public const string CapabilityPatternsNotMapping = "CAP004";

    /// <summary>CAP005: A capability has no patterns.</summary>
    public const string CapabilityNoPatterns = "CAP005";

    /// <summary>CAP006: A capability name does not follow the name pattern.</summary>
    public const string CapabilityName = "CAP006";

    /// <summary>CAP007: Warning: a capability has more than ValidationOptions.MaxPatternsPerCapability (5) patterns; the original ProfileLoader refused the whole catalog then.</summary>
    public const string CapabilityTooManyPatterns = "CAP007";

    /// <summary>CAP008: Two capabilities have the same name (list form).</summary>
    public const string CapabilityDuplicate = "CAP008";

    /// <summary>CAP009: A list-form capability has no `capability_name` (or `name`).</summary>
    public const string CapabilityItemName = "CAP009";

    /// <summary>CAP010: Warning: a capability key the catalog does not know; kept as extension data.</summary>
    public const string CapabilityUnknownKey = "CAP010";

    /// <summary>PAT001: A pattern is not a mapping.</summary>
    public const string PatternNotMapping = "PAT001";

    /// <summary>PAT002: A pattern field the original required is missing (description, typical_use_cases, time_estimate_ms, cost_estimate, complexity_score, scope, completeness, policy, preference_match, required_inputs, expected_outputs).</summary>
    public const string PatternMissingField = "PAT002";

    /// <summary>PAT003: `complexity_score` is outside [0, 1].</summary>
    public const string PatternComplexityRange = "PAT003";

    /// <summary>PAT004: `complexity_score` is not a number (strings and booleans are refused even where the original's float() accepted them).</summary>
    public const string PatternComplexityNotNumber = "PAT004";

    /// <summary>PAT005: `scope` is outside the scope vocabulary.</summary>
    public const string PatternScope = "PAT005";

    /// <summary>PAT006: `completeness` is outside the completeness vocabulary.</summary>
    public const string PatternCompleteness = "PAT006";

    /// <summary>PAT007: `policy` is not a mapping.</summary>
    public const string PatternPolicyNotMapping = "PAT007";

    /// <summary>PAT008: Warning: `policy` lacks max_cost, requires_approval or production_safe.</summary>
    public const string PatternPolicyKeyMissing = "PAT008";

    /// <summary>PAT009: `preference_match` is not a mapping.</summary>
    public const string PatternPreferenceNotMapping = "PAT009";

    /// <summary>PAT010: Warning: `preference_match` lacks one of speed, accuracy, cost, complexity, completeness (0.5 is assumed).</summary>
    public const string PatternPreferenceKeyMissing = "PAT010";

    /// <summary>PAT011: A preference score is outside [0, 1].</summary>
    public const string PatternPreferenceRange = "PAT011";

    /// <summary>PAT012: A preference score is not a number (strings and booleans are refused).</summary>
    public const string PatternPreferenceNotNumber = "PAT012";

    /// <summary>PAT013: `required_inputs` is not a list.</summary>
    public const string PatternRequiredInputsNotList = "PAT013";

    /// <summary>PAT014: `expected_outputs` is not a list.</summary>
    public const string PatternExpectedOutputsNotList = "PAT014";

    /// <summary>PAT015: A pattern name does not follow the name pattern.</summary>
    public const string PatternName = "PAT015";

    /// <summary>PAT016: `policy.requires_approval` or `policy.production_safe` is not a boolean.</summary>
    public const string PatternPolicyBoolean = "PAT016";

    /// <summary>PAT017: `policy.max_cost` / `max_execution_time` is not a non-negative number, or `max_N_immediate` not a non-negative integer.</summary>
    public const string PatternPolicyNumber = "PAT017";

    /// <summary>PAT018: An estimate expression (time_estimate_ms, cost_estimate) or condition (policy.requires_background_if) is not a string (estimates may be numbers), is empty, or is longer than 500 characters.</summary>
    public const string PatternExpression = "PAT018";

    /// <summary>PAT019: `typical_use_cases`, `limitations` or `policy.allowed_environments` is not a list of strings.</summary>
    public const string PatternStringList = "PAT019";

    /// <summary>PAT020: `optional_inputs` or pattern `examples` is not a list.</summary>
    public const string PatternListField = "PAT020";

    /// <summary>PAT021: Two inputs of a pattern (required and optional together) have the same name.</summary>
    public const string PatternDuplicateInput = "PAT021";

    /// <summary>PAT022: Two patterns of a capability have the same name (list form).</summary>
    public const string PatternDuplicate = "PAT022";

    /// <summary>PAT023: A list-form pattern has no `pattern_name` (or `name`).</summary>
    public const string PatternItemName = "PAT023";

    /// <summary>PAT024: Warning: a pattern key the catalog does not know; kept as extension data.</summary>
    public const string PatternUnknownKey = "PAT024";

    /// <summary>PAT025: A pattern field that must be text (description, scope, completeness, accuracy_level, freshness, data_source) is not.</summary>
    public const string PatternNotAString = "PAT025";

    /// <summary>PAT026: An estimate expression or policy condition does not compile (syntax, a construct outside the language, a wrong number of arguments, too deep); the message names the column.</summary>
    public const string PatternExpressionSyntax = "PAT026";

    /// <summary>PAT027: Warning: an expression uses a variable that neither the defaults (N, pages, p95_latency, cost, time_ms) nor the pattern's declared inputs provide; selection excludes the pattern unless the request gives it.</summary>
    public const string PatternExpressionVariable = "PAT027";

    /// <summary>PAT028: An estimate expression or condition compiles but fails for every input: a constant part of it (or all of it) can never be evaluated (1/0, 9**9**9**9, log(0)), or a numeric estimate is not a finite number; the message names the column.</summary>
    public const string PatternExpressionAlwaysFails = "PAT028";

    /// <summary>INP001: An item of required_inputs / optional_inputs is not a mapping.</summary>
    public const string InputNotMapping = "INP001";

    /// <summary>INP002: An input has no non-empty string `name`.</summary>
    public const string InputName = "INP002";

    /// <summary>INP003: An input's `type` is missing or outside the input-type vocabulary.</summary>
    public const string InputType = "INP003";

    /// <summary>INP004: Warning: an input's `validation` is not a valid regular expression.</summary>
    public const string InputValidation = "INP004";

    /// <summary>INP005: An input's `examples` or `allowed_values` is not a list.</summary>
    public const string InputLists = "INP005";

    /// <summary>INP006: An input's or output's `required` is not a boolean.</summary>
    public const string RequiredFlag = "INP006";

    /// <summary>INP007: An item of expected_outputs is not a mapping with a non-empty string `name`.</summary>
    public const string OutputItem = "INP007";

    /// <summary>INP008: An item of dependencies is not a mapping with a non-empty string `name`.</summary>
    public const string DependencyItem = "INP008";

    /// <summary>INP009: A dependency's `type` is missing or outside the dependency-type vocabulary.</summary>
    public const string DependencyType = "INP009";

    /// <summary>INP010: A dependency's `required` is not a boolean.</summary>
    public const string DependencyRequired = "INP010";

    /// <summary>INP011: Warning: an input's `default` or an example is not among its `allowed_values`.</summary>
    public const string NotAllowedValue = "INP011";

    /// <summary>INP012: Warning: an input, output or dependency key the catalog does not know; kept as extension data.</summary>
    public const string ItemUnknownKey = "INP012";

    /// <summary>PROF001: The profiles file's `version` is not a string.</summary>
    public const string ProfileVersion = "PROF001";

    /// <summary>PROF002: The profiles file's `tools` is missing or not a mapping.</summary>
    public const string ProfileTools = "PROF002";

    /// <summary>PROF003: A tool profile is not a mapping.</summary>
    public const string ProfileToolNotMapping = "PROF003";

    /// <summary>PROF004: A tool profile has no string `description` (required by the original's ToolProfile).</summary>
    public const string ProfileToolDescription = "PROF004";

    /// <summary>PROF005: A tool profile's `capabilities` is missing or not a mapping.</summary>
    public const string ProfileCapabilities = "PROF005";

    /// <summary>PROF006: A capability profile is not a mapping, or its `patterns` is missing or not a mapping.</summary>
    public const string ProfileCapabilityPatterns = "PROF006";

    /// <summary>PROF007: A capability profile has more than 5 patterns (the original: "Too many patterns (N). Max 5 per capability.").</summary>
    public const string ProfileTooManyPatterns = "PROF007";

    /// <summary>PROF008: A pattern profile is not a mapping.</summary>
    public const string ProfilePatternNotMapping = "PROF008";

    /// <summary>PROF009: A pattern profile has no string `description`.</summary>
    public const string ProfilePatternDescription = "PROF009";

    /// <summary>PROF010: A pattern profile has no `time_estimate_ms` (required by the original's PatternProfile).</summary>
    public const string ProfileTimeEstimateMissing = "PROF010";

    /// <summary>PROF011: A profile field has the wrong type for the original's pydantic model (lists of strings, optional strings, integers).</summary>
    public const string ProfileFieldType = "PROF011";

    /// <summary>PROF012: A tool profile's `defaults` is not a mapping.</summary>
    public const string ProfileDefaultsNotMapping = "PROF012";

    /// <summary>Every code with its one-line summary, in code order.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["YAML001"] = "The text is not well-formed YAML.",
        ["YAML002"] = "The file is larger than YamlReadOptions.MaxFileBytes; it is refused before being read.",
        ["YAML003"] = "Sequences and mappings are nested deeper than YamlReadOptions.MaxDepth.",
        ["YAML004"] = "Too many aliases, or the document would expand to more than YamlReadOptions.MaxNodes nodes (\"billion laughs\").",
        ["YAML005"] = "A mapping has the same key twice (the message names both lines).",
        ["YAML006"] = "An explicit tag outside the YAML 1.2 core schema (!!python/object, !foo, …); no type is ever constructed from a tag.",
        ["YAML007"] = "The bytes are not valid UTF-8 (or use an encoding other than UTF-8).",
        ["YAML008"] = "Binary content: a NUL or other control character YAML does not allow.",
        ["YAML009"] = "A single scalar is longer than YamlReadOptions.MaxScalarLength characters.",
        ["YAML010"] = "The file holds more than one YAML document (`---`); a tool file holds exactly one.",
        ["YAML011"] = "The file holds no data (the original: \"Empty YAML file\").",
        ["YAML012"] = "A mapping key is a sequence or mapping; keys must be scalars.",
        ["YAML013"] = "An alias refers to an anchor that is not defined before it, or to the node that contains it.",
        ["YAML014"] = "A `<<` merge key (YAML 1.1 only); write the keys out instead.",
        ["YAML015"] = "A core-schema tag whose value does not fit it (`!!int abc`) or is on the wrong kind of node.",
        ["YAML016"] = "Warning: a plain scalar that YAML 1.1 (PyYAML, the original) would read differently (`yes`, `0777`, `1_000`, `1:30`, unquoted dates).",
        ["YAML017"] = "The file does not exist or cannot be read.",
        ["YAML018"] = "The !secret tag is on a mapping or list, or on a value that is not free-form data (only a string in an input's default or examples, an example's inputs, metadata or an unknown key's value may be secret).",
        ["SHAPE001"] = "A `tool:` wrapper (tool: {name, capability, pattern, inputs, policy}); not the catalog format.",
        ["SHAPE002"] = "A `name:` stub (name, version, description, platform, category, tags, metadata) with no capabilities.",
        ["SHAPE003"] = "The tool template, still holding `<PLACEHOLDER>` values.",
        ["SHAPE004"] = "A document that is none of the known tool formats.",
        ["TOOL001"] = "A required top-level field (tool_name, version, description, platform, category) is missing.",
        ["TOOL002"] = "A required top-level field is empty.",
        ["TOOL003"] = "`platform` is outside the platform vocabulary.",
        ["TOOL004"] = "`category` is outside the category vocabulary.",
        ["TOOL005"] = "`version` is empty or the template's `<VERSION>`.",
        ["TOOL006"] = "`version` is not a quoted string (`version: 1.0` is the number 1.0, not the version \"1.0\").",
        ["TOOL007"] = "`version` is not of the form MAJOR.MINOR[.PATCH][-PRERELEASE] (e.g. 1.0, 2.1.3, 1.0-rc.1), at most 20 characters.",
        ["TOOL008"] = "`tool_name` does not follow the name pattern (a letter, then letters, digits, `_` or `-`; at most 100 characters).",
        ["TOOL009"] = "The `defaults` section is missing.",
        ["TOOL010"] = "`defaults` is not a mapping.",
        ["TOOL011"] = "Warning: a recommended default (accuracy_level, freshness, data_source) is missing.",
        ["TOOL012"] = "Warning: `defaults.accuracy_level` is outside the accuracy vocabulary.",
        ["TOOL013"] = "Warning: `defaults.freshness` is outside the freshness vocabulary.",
        ["TOOL014"] = "Warning: `defaults.data_source` is outside the data-source vocabulary.",
        ["TOOL015"] = "The `capabilities` section is missing.",
        ["TOOL016"] = "`capabilities` is not a mapping (strict mode) or neither a mapping nor a list (lenient mode).",
        ["TOOL017"] = "`capabilities` is empty.",
        ["TOOL018"] = "`dependencies` is not a list.",
        ["TOOL019"] = "`metadata` is not a mapping.",
        ["TOOL020"] = "`status` is not one of active, deprecated, disabled, testing, draft.",
        ["TOOL021"] = "`enabled` is not a boolean.",
        ["TOOL022"] = "`execution_location` is not a non-empty string.",
        ["TOOL023"] = "Tool-level `examples` is not a list of mappings, or an example's expected_time_ms / expected_cost is not a non-negative number.",
        ["TOOL024"] = "Warning: a top-level key the catalog does not know; it is kept as extension data.",
        ["TOOL025"] = "A top-level field or default that must be text (tool_name, description, platform, category, accuracy_level, …) is a number, boolean, list or mapping.",
        ["TOOL026"] = "A value is longer than the catalog database's column for it (tool_name and names 100, version 20, platform and category 50, execution_location 100, scope, completeness, accuracy_level and freshness 50, data_source 100), or the tool could not be stored for another reason the store checks.",
        ["TOOL027"] = "A string (value or key, anywhere) holds a NUL or another control character (C0, C1, DEL; tab, line feed, carriage return allowed), e.g. written as \\e, \\x07 or \\0 in a double-quoted scalar.",
        ["TOOL028"] = "A value looks like a credential (a key ending in password/token/secret/api_key/private_key with a literal, or an AKIA…, ghp_…, xoxb-…, private-key block or JWT-shaped value) but is not marked !secret (a warning).",
        ["TOOL029"] = "Warning (modelling rules): a capability name contains a generic word of the catalog guide (management, control, monitoring, …).",
        ["TOOL030"] = "Warning (modelling rules): a capability is not in the documented capability vocabulary (CatalogConventions.Capabilities).",
        ["TOOL031"] = "Warning (modelling rules): an expression uses a variable that is neither a common request variable (N, pages, p95_latency, file_size_kb, lines, hours, size_mb, rows) nor an input of the pattern with a numeric default.",
        ["TOOL032"] = "Warning (modelling rules): a pattern that acts on targets (scope single_item, a host or computer input, an input saying \"N is\") has estimates that do not grow from N = 1 to N = 100.",
        ["TOOL033"] = "Warning (modelling rules): a pattern is faster at the reference request than another pattern of its capability but declares the lower preference_match.speed.",
        ["TOOL034"] = "Warning (modelling rules): a pattern is cheaper at the reference request than another pattern of its capability but declares the lower preference_match.cost.",
        ["TOOL035"] = "Warning (modelling rules): a pattern lists no typical_use_cases.",
        ["TOOL036"] = "Warning (modelling rules): a pattern lists no limitations.",
        ["TOOL037"] = "Warning (modelling rules): a tool has no examples.",
        ["CAP001"] = "A capability is not a mapping.",
        ["CAP002"] = "Warning: a capability has no `description`.",
        ["CAP003"] = "A capability has no `patterns` section.",
        ["CAP004"] = "A capability's `patterns` is not a mapping (list form: not a list).",
        ["CAP005"] = "A capability has no patterns.",
        ["CAP006"] = "A capability name does not follow the name pattern.",
        ["CAP007"] = "Warning: a capability has more than ValidationOptions.MaxPatternsPerCapability (5) patterns; the original ProfileLoader refused the whole catalog then.",
        ["CAP008"] = "Two capabilities have the same name (list form).",
        ["CAP009"] = "A list-form capability has no `capability_name` (or `name`).",
        ["CAP010"] = "Warning: a capability key the catalog does not know; kept as extension data.",
        ["PAT001"] = "A pattern is not a mapping.",
        ["PAT002"] = "A pattern field the original required is missing (description, typical_use_cases, time_estimate_ms, cost_estimate, complexity_score, scope, completeness, policy, preference_match, required_inputs, expected_outputs).",
        ["PAT003"] = "`complexity_score` is outside [0, 1].",
        ["PAT004"] = "`complexity_score` is not a number (strings and booleans are refused even where the original's float() accepted them).",
        ["PAT005"] = "`scope` is outside the scope vocabulary.",
        ["PAT006"] = "`completeness` is outside the completeness vocabulary.",
        ["PAT007"] = "`policy` is not a mapping.",
        ["PAT008"] = "Warning: `policy` lacks max_cost, requires_approval or production_safe.",
        ["PAT009"] = "`preference_match` is not a mapping.",
        ["PAT010"] = "Warning: `preference_match` lacks one of speed, accuracy, cost, complexity, completeness (0.5 is assumed).",
        ["PAT011"] = "A preference score is outside [0, 1].",
        ["PAT012"] = "A preference score is not a number (strings and booleans are refused).",
        ["PAT013"] = "`required_inputs` is not a list.",
        ["PAT014"] = "`expected_outputs` is not a list.",
        ["PAT015"] = "A pattern name does not follow the name pattern.",
        ["PAT016"] = "`policy.requires_approval` or `policy.production_safe` is not a boolean.",
        ["PAT017"] = "`policy.max_cost` / `max_execution_time` is not a non-negative number, or `max_N_immediate` not a non-negative integer.",
        ["PAT018"] = "An estimate expression (time_estimate_ms, cost_estimate) or condition (policy.requires_background_if) is not a string (estimates may be numbers), is empty, or is longer than 500 characters.",
        ["PAT019"] = "`typical_use_cases`, `limitations` or `policy.allowed_environments` is not a list of strings.",
        ["PAT020"] = "`optional_inputs` or pattern `examples` is not a list.",
        ["PAT021"] = "Two inputs of a pattern (required and optional together) have the same name.",
        ["PAT022"] = "Two patterns of a capability have the same name (list form).",
        ["PAT023"] = "A list-form pattern has no `pattern_name` (or `name`).",
        ["PAT024"] = "Warning: a pattern key the catalog does not know; kept as extension data.",
        ["PAT025"] = "A pattern field that must be text (description, scope, completeness, accuracy_level, freshness, data_source) is not.",
        ["PAT026"] = "An estimate expression or policy condition does not compile (syntax, a construct outside the language, a wrong number of arguments, too deep); the message names the column.",
        ["PAT027"] = "Warning: an expression uses a variable that neither the defaults (N, pages, p95_latency, cost, time_ms) nor the pattern's declared inputs provide; selection excludes the pattern unless the request gives it.",
        ["PAT028"] = "An estimate expression or condition fails for every input: a constant part of it can never be evaluated (1/0, 9**9**9**9, log(0)), or a numeric estimate is not finite; the message names the column.",
        ["INP001"] = "An item of required_inputs / optional_inputs is not a mapping.",
        ["INP002"] = "An input has no non-empty string `name`.",
        ["INP003"] = "An input's `type` is missing or outside the input-type vocabulary.",
        ["INP004"] = "Warning: an input's `validation` is not a valid regular expression.",
        ["INP005"] = "An input's `examples` or `allowed_values` is not a list.",
        ["INP006"] = "An input's or output's `required` is not a boolean.",
        ["INP007"] = "An item of expected_outputs is not a mapping with a non-empty string `name`.",
        ["INP008"] = "An item of dependencies is not a mapping with a non-empty string `name`.",
        ["INP009"] = "A dependency's `type` is missing or outside the dependency-type vocabulary.",
        ["INP010"] = "A dependency's `required` is not a boolean.",
        ["INP011"] = "Warning: an input's `default` or an example is not among its `allowed_values`.",
        ["INP012"] = "Warning: an input, output or dependency key the catalog does not know; kept as extension data.",
        ["PROF001"] = "The profiles file's `version` is not a string.",
        ["PROF002"] = "The profiles file's `tools` is missing or not a mapping.",
        ["PROF003"] = "A tool profile is not a mapping.",
        ["PROF004"] = "A tool profile has no string `description` (required by the original's ToolProfile).",
        ["PROF005"] = "A tool profile's `capabilities` is missing or not a mapping.",
        ["PROF006"] = "A capability profile is not a mapping, or its `patterns` is missing or not a mapping.",
        ["PROF007"] = "A capability profile has more than 5 patterns (the original: \"Too many patterns (N). Max 5 per capability.\").",
        ["PROF008"] = "A pattern profile is not a mapping.",
        ["PROF009"] = "A pattern profile has no string `description`.",
        ["PROF010"] = "A pattern profile has no `time_estimate_ms` (required by the original's PatternProfile).",
        ["PROF011"] = "A profile field has the wrong type for the original's pydantic model (lists of strings, optional strings, integers).",
        ["PROF012"] = "A tool profile's `defaults` is not a mapping.",
    };
}
