using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Compatibility;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Validation;

/// <summary>
/// The rule set for the per-tool format (canonical, and list form once normalised). Each rule exists once;
/// in strict mode the rules the original <c>validate_tool.py</c> had keep its severity and carry its message
/// verbatim, and the rules it did not have apply too (as errors, except the few listed in
/// <see cref="StrictWarningCodes"/>, which would otherwise fail files the original accepted).
/// </summary>
internal sealed partial class ToolRules
{
    /// <summary>Rules beyond the original that are warnings in strict mode because files the original accepted break them.</summary>
    internal static readonly IReadOnlySet<string> StrictWarningCodes = new HashSet<string>(StringComparer.Ordinal);

    private static readonly string[] BasicFields = ["tool_name", "version", "description", "platform", "category"];
    private static readonly string[] RecommendedDefaults = ["accuracy_level", "freshness", "data_source"];
    private static readonly string[] PatternFields =
    [
        "description", "typical_use_cases", "time_estimate_ms", "cost_estimate", "complexity_score", "scope",
        "completeness", "policy", "preference_match", "required_inputs", "expected_outputs",
    ];

    private static readonly string[] PreferenceKeys = ["speed", "accuracy", "cost", "complexity", "completeness"];

    private static readonly HashSet<string> KnownTopLevel = new(StringComparer.Ordinal)
    {
        "tool_name", "version", "description", "platform", "category", "status", "enabled", "execution_location",
        "defaults", "capabilities", "dependencies", "metadata", "examples", "created_by",
    };

    private static readonly HashSet<string> KnownPattern = new(StringComparer.Ordinal)
    {
        "description", "typical_use_cases", "time_estimate_ms", "cost_estimate", "complexity_score", "scope",
        "completeness", "accuracy_level", "freshness", "data_source", "limitations", "policy", "preference_match",
        "required_inputs", "optional_inputs", "expected_outputs", "examples",

        // Known to the original corpus but not interpreted: kept as extension data without a warning.
        "output_schema", "api_parameters", "example_request",
    };

    private static readonly HashSet<string> KnownPolicy = new(StringComparer.Ordinal)
    {
        "max_cost", "requires_approval", "production_safe", "max_execution_time", "requires_background_if",
        "max_N_immediate", "allowed_environments",
    };

    private static readonly HashSet<string> KnownInput = new(StringComparer.Ordinal)
    {
        "name", "type", "description", "validation", "examples", "allowed_values", "default", "required",
    };

    private static readonly HashSet<string> KnownOutput = new(StringComparer.Ordinal) { "name", "type", "description", "required" };

    private static readonly HashSet<string> KnownDependency = new(StringComparer.Ordinal) { "name", "type", "required", "version" };

    private readonly ValidationOptions _options;
    private readonly FindingSink _sink;
    private readonly bool _strict;

    public ToolRules(ValidationOptions options, FindingSink sink)
    {
        _options = options;
        _sink = sink;
        _strict = options.Strict;
    }

    /// <summary>Validates one per-tool document. <paramref name="listForm"/> when <paramref name="root"/> is a normalised list-form tool.</summary>
    public void Run(YamlNode root, bool listForm = false)
    {
        if (root is not YamlMapping map)
        {
            if (_strict)
            {
                // The original's `'x' not in data` on a list or a string finds nothing.
                foreach (var field in BasicFields)
                {
                    _sink.Error(ValidationCodes.ToolMissingField, field, root, $"Missing required field: '{field}'");
                }

                _sink.Error(ValidationCodes.ToolDefaultsMissing, "defaults", root, "Missing required section: 'defaults'");
                _sink.Error(ValidationCodes.ToolCapabilitiesMissing, "capabilities", root, "Missing required section: 'capabilities'");
            }

            return;
        }

        BasicInfo(map);
        Defaults(map);
        Capabilities(map, listForm);
        Dependencies(map);
        Metadata(map);
        Lifecycle(map);
        ToolExamples(map);
        UnknownKeys(map, "", KnownTopLevel, ValidationCodes.ToolUnknownKey, "top-level");
    }

    /// <summary>The list-form items' own rules (names present and unique), on the raw list before normalisation.</summary>
    public void RunListItems(YamlMapping root)
    {
        if (root.Get("capabilities") is not YamlSequence capabilities)
        {
            return;
        }

        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        for (var i = 0; i < capabilities.Items.Count; i++)
        {
            var path = FieldPath.Item("capabilities", i);
            if (capabilities.Items[i] is not YamlMapping item)
            {
                _sink.Error(ValidationCodes.CapabilityNotMapping, path, capabilities.Items[i],
                    $"capability item {i} is {capabilities.Items[i].Describe()}; each item of a list-form capabilities list is a mapping {{capability_name, description, patterns}}");
                continue;
            }

            if (ListFormNormalizer.ItemName(item, ListFormNormalizer.CapabilityNameKey) is not { } name)
            {
                _sink.Error(ValidationCodes.CapabilityItemName, path, item,
                    $"capability item {i} has no capability_name (or name); give it one, e.g. capability_name: \"text_search\"");
                continue;
            }

            if (seen.TryGetValue(name.Text, out var first))
            {
                _sink.Error(ValidationCodes.CapabilityDuplicate, path, item,
                    $"the capability '{name.Text}' is defined twice (line {first.Start.Line} and line {item.Start.Line}); capability names must be unique within a tool");
                continue;
            }

            seen.Add(name.Text, item);
            if (item.Get("patterns") is YamlSequence patterns)
            {
                PatternItems(patterns, FieldPath.Child(path, "patterns"), name.Text);
            }
        }
    }

    private void PatternItems(YamlSequence patterns, string listPath, string capability)
    {
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        for (var i = 0; i < patterns.Items.Count; i++)
        {
            var path = FieldPath.Item(listPath, i);
            if (patterns.Items[i] is not YamlMapping item)
            {
                _sink.Error(ValidationCodes.PatternNotMapping, path, patterns.Items[i],
                    $"pattern item {i} of capability '{capability}' is {patterns.Items[i].Describe()}; each item is a mapping {{pattern_name, description, …}}");
                continue;
            }

            if (ListFormNormalizer.ItemName(item, ListFormNormalizer.PatternNameKey) is not { } name)
            {
                _sink.Error(ValidationCodes.PatternItemName, path, item,
                    $"pattern item {i} of capability '{capability}' has no pattern_name (or name); give it one, e.g. pattern_name: \"search_files\"");
                continue;
            }

            if (seen.TryGetValue(name.Text, out var first))
            {
                _sink.Error(ValidationCodes.PatternDuplicate, path, item,
                    $"the pattern '{name.Text}' of capability '{capability}' is defined twice (line {first.Start.Line} and line {item.Start.Line}); pattern names must be unique within a capability");
                continue;
            }

            seen.Add(name.Text, item);
        }
    }

    private void BasicInfo(YamlMapping map)
    {
        foreach (var field in BasicFields)
        {
            var value = map.Get(field);
            if (value is null)
            {
                _sink.Error(ValidationCodes.ToolMissingField, field, map, _strict
                    ? $"Missing required field: '{field}'"
                    : $"the required field '{field}' is missing; a tool needs tool_name, version, description, platform and category");
            }
            else if (_strict ? !PythonSemantics.IsTruthy(value) : IsBlank(value))
            {
                _sink.Error(ValidationCodes.ToolEmptyField, field, value, _strict
                    ? $"Field '{field}' cannot be empty"
                    : $"'{field}' is empty ({value.Describe()}); give it a value");
            }
            else if (field != "version" && value is not YamlScalar { IsString: true })
            {
                ReportAddedRule(ValidationCodes.ToolNotAString, field, value,
                    $"'{field}' is {value.Describe()}; it must be text (quote it)");
            }
        }

        VocabularyRule(map, "platform", _options.Platforms, ValidationCodes.ToolPlatform, originalIsError: true, unknownIsError: true,
            v => $"Invalid platform '{v}'. Must be one of: {_options.Platforms}");
        VocabularyRule(map, "category", _options.Categories, ValidationCodes.ToolCategory, originalIsError: true, unknownIsError: true,
            v => $"Invalid category '{v}'. Must be one of: {_options.Categories}");

        if (map.Get("version") is { } version)
        {
            var text = version is YamlScalar s ? (_strict ? PythonSemantics.Str(s) : s.Text) : null;
            if ((_strict && (text is "" or "<VERSION>")) || (!_strict && text == "<VERSION>"))
            {
                _sink.Error(ValidationCodes.ToolVersionUnset, "version", version, _strict
                    ? "Version must be specified (e.g., '1.0', '2.1')"
                    : "version is still the template's '<VERSION>'; write a version such as \"1.0\"");
            }
            else if (!IsBlank(version))
            {
                if (version is not YamlScalar { IsString: true } versionText)
                {
                    ReportAddedRule(ValidationCodes.ToolVersionNotString, "version", version,
                        $"version is {version.Describe()}; write it as a quoted string (version: \"{(version as YamlScalar)?.Text ?? "1.0"}\"), since an unquoted 1.10 is the number 1.1");
                }
                else if (!NamePatterns.IsValidVersion(versionText.Text))
                {
                    ReportAddedRule(ValidationCodes.ToolVersionForm, "version", version,
                        $"version '{versionText.Text}' is not of the form {NamePatterns.VersionRule}");
                }
            }
        }

        MaxLength(map, "platform", "", Storage.StorageRules.PlatformLength);
        MaxLength(map, "category", "", Storage.StorageRules.CategoryLength);

        if (map.Get("tool_name") is YamlScalar { IsString: true } name && name.Text.Length > 0 && !NamePatterns.IsValidName(name.Text))
        {
            ReportAddedRule(ValidationCodes.ToolName, "tool_name", name,
                $"tool_name '{name.Text}' does not follow the name pattern: {NamePatterns.NameRule}");
        }
    }

    private void Defaults(YamlMapping map)
    {
        var node = map.Get("defaults");
        if (node is null)
        {
            _sink.Error(ValidationCodes.ToolDefaultsMissing, "defaults", map, _strict
                ? "Missing required section: 'defaults'"
                : "the 'defaults' section is missing; give defaults: {accuracy_level, freshness, data_source} (an empty mapping {} is allowed)");
            return;
        }

        if (node is not YamlMapping defaults)
        {
            _sink.Error(ValidationCodes.ToolDefaultsNotMapping, "defaults", node, _strict
                ? "'defaults' must be a dictionary"
                : $"defaults is {node.Describe()}; it must be a mapping of accuracy_level, freshness and data_source");
            return;
        }

        foreach (var field in RecommendedDefaults)
        {
            if (!defaults.Contains(field))
            {
                _sink.Warning(ValidationCodes.ToolDefaultMissing, FieldPath.Child("defaults", field), defaults, _strict
                    ? $"Missing recommended default: '{field}'"
                    : $"the recommended default '{field}' is missing");
            }
        }

        VocabularyRule(defaults, "accuracy_level", _options.AccuracyLevels, ValidationCodes.ToolAccuracyLevel, originalIsError: false, unknownIsError: false,
            v => $"Unusual accuracy_level '{v}'. Recommended: {_options.AccuracyLevels}", "defaults");
        VocabularyRule(defaults, "freshness", _options.FreshnessValues, ValidationCodes.ToolFreshness, originalIsError: false, unknownIsError: false,
            v => $"Unusual freshness '{v}'. Recommended: {_options.FreshnessValues}", "defaults");
        VocabularyRule(defaults, "data_source", _options.DataSources, ValidationCodes.ToolDataSource, originalIsError: null, unknownIsError: false,
            null, "defaults");

        foreach (var entry in defaults.Entries)
        {
            if (entry.Key.Text is "accuracy_level" or "freshness" or "data_source" or "scope" or "completeness" &&
                entry.Value is not YamlScalar { IsString: true } and not YamlScalar { IsNull: true })
            {
                ReportAddedRule(ValidationCodes.ToolNotAString, FieldPath.Child("defaults", entry.Key.Text), entry.Value,
                    $"defaults.{entry.Key.Text} is {entry.Value.Describe()}; it must be text");
            }
        }
    }

    private void Capabilities(YamlMapping map, bool listForm)
    {
        var node = map.Get("capabilities");
        if (node is null)
        {
            _sink.Error(ValidationCodes.ToolCapabilitiesMissing, "capabilities", map, _strict
                ? "Missing required section: 'capabilities'"
                : "the 'capabilities' section is missing; a tool needs at least one capability with at least one pattern");
            return;
        }

        if (node is not YamlMapping capabilities)
        {
            _sink.Error(ValidationCodes.ToolCapabilitiesNotMapping, "capabilities", node, _strict
                ? "'capabilities' must be a dictionary"
                : $"capabilities is {node.Describe()}; it must be a mapping of capability name to {{description, patterns}} (or, in list form, a list of {{capability_name, description, patterns}})");
            return;
        }

        if (capabilities.Count == 0)
        {
            _sink.Error(ValidationCodes.ToolNoCapabilities, "capabilities", capabilities, _strict
                ? "At least one capability must be defined"
                : "capabilities is empty; define at least one capability with at least one pattern");
            return;
        }

        foreach (var entry in capabilities.Entries)
        {
            Capability(entry.Key, entry.Value, listForm);
        }
    }

    private void Capability(YamlScalar key, YamlNode node, bool listForm)
    {
        var name = key.Text;
        var path = FieldPath.Child("capabilities", name);
        if (!NamePatterns.IsValidName(name))
        {
            ReportAddedRule(ValidationCodes.CapabilityName, path, key, $"the capability name '{name}' does not follow the name pattern: {NamePatterns.NameRule}");
        }

        if (node is not YamlMapping capability)
        {
            _sink.Error(ValidationCodes.CapabilityNotMapping, path, node, _strict
                ? $"Capability '{name}' must be a dictionary"
                : $"capability '{name}' is {node.Describe()}; it must be a mapping with description and patterns");
            return;
        }

        if (!capability.Contains("description"))
        {
            _sink.Warning(ValidationCodes.CapabilityMissingDescription, FieldPath.Child(path, "description"), capability, _strict
                ? $"Capability '{name}' missing description"
                : $"capability '{name}' has no description; describe what it does");
        }
        else if (capability.Get("description") is not YamlScalar { IsString: true } description || description.Text.Length == 0)
        {
            ReportAddedRule(ValidationCodes.ToolNotAString, FieldPath.Child(path, "description"), capability.Get("description"),
                $"the description of capability '{name}' is {capability.Get("description")!.Describe()}; it must be non-empty text");
        }

        var patternsNode = capability.Get("patterns");
        if (patternsNode is null)
        {
            _sink.Error(ValidationCodes.CapabilityPatternsMissing, FieldPath.Child(path, "patterns"), capability, _strict
                ? $"Capability '{name}' missing 'patterns' section"
                : $"capability '{name}' has no patterns section; give it at least one pattern");
            return;
        }

        if (patternsNode is not YamlMapping patterns)
        {
            _sink.Error(ValidationCodes.CapabilityPatternsNotMapping, FieldPath.Child(path, "patterns"), patternsNode, _strict
                ? $"Capability '{name}' patterns must be a dictionary"
                : $"the patterns of capability '{name}' are {patternsNode.Describe()}; they must be a mapping of pattern name to pattern{(listForm ? " (in list form, a list of {pattern_name, …})" : "")}");
            return;
        }

        if (patterns.Count == 0)
        {
            _sink.Error(ValidationCodes.CapabilityNoPatterns, FieldPath.Child(path, "patterns"), patterns, _strict
                ? $"Capability '{name}' must have at least one pattern"
                : $"capability '{name}' has no patterns; give it at least one");
            return;
        }

        if (patterns.Count > _options.MaxPatternsPerCapability)
        {
            _sink.Warning(ValidationCodes.CapabilityTooManyPatterns, FieldPath.Child(path, "patterns"), patterns,
                $"capability '{name}' has {patterns.Count} patterns; at most {_options.MaxPatternsPerCapability} are recommended (the original ProfileLoader refused the whole catalog with more: \"Too many patterns ({patterns.Count}). Max 5 per capability.\")");
        }

        foreach (var entry in patterns.Entries)
        {
            Pattern(name, entry.Key, entry.Value, FieldPath.Child(FieldPath.Child(path, "patterns"), entry.Key.Text));
        }

        UnknownKeys(capability, path, new HashSet<string>(StringComparer.Ordinal) { "description", "patterns" },
            ValidationCodes.CapabilityUnknownKey, $"capability '{name}'");
    }

    private void Pattern(string capability, YamlScalar key, YamlNode node, string path)
    {
        var name = key.Text;
        var prefix = $"Capability '{capability}', Pattern '{name}'";
        var where = $"pattern '{name}' of capability '{capability}'";
        if (!NamePatterns.IsValidName(name))
        {
            ReportAddedRule(ValidationCodes.PatternName, path, key, $"the pattern name '{name}' does not follow the name pattern: {NamePatterns.NameRule}");
        }

        if (node is not YamlMapping pattern)
        {
            _sink.Error(ValidationCodes.PatternNotMapping, path, node, _strict
                ? $"{prefix} must be a dictionary"
                : $"{where} is {node.Describe()}; it must be a mapping of the pattern's fields");
            return;
        }

        foreach (var field in PatternFields)
        {
            if (pattern.Contains(field))
            {
                continue;
            }

            if (_strict || field is "description" or "time_estimate_ms")
            {
                _sink.Error(ValidationCodes.PatternMissingField, FieldPath.Child(path, field), pattern, _strict
                    ? $"{prefix}: Missing required field '{field}'"
                    : $"{where} has no '{field}'; it is required");
            }
            else
            {
                _sink.Warning(ValidationCodes.PatternMissingField, FieldPath.Child(path, field), pattern,
                    $"{where} has no '{field}', which the original validator required; {AssumedWhenMissing(field)}");
            }
        }

        TextField(pattern, "description", path, where);
        ComplexityScore(pattern, path, prefix, where);
        VocabularyRule(pattern, "scope", _options.Scopes, ValidationCodes.PatternScope, originalIsError: true, unknownIsError: true,
            v => $"{prefix}: Invalid scope '{v}'. Must be one of: {_options.Scopes}", path, where);
        VocabularyRule(pattern, "completeness", _options.CompletenessValues, ValidationCodes.PatternCompleteness, originalIsError: true, unknownIsError: true,
            v => $"{prefix}: Invalid completeness '{v}'. Must be one of: {_options.CompletenessValues}", path, where);
        foreach (var field in new[] { "accuracy_level", "freshness", "data_source" })
        {
            TextField(pattern, field, path, where);
        }

        foreach (var field in new[] { "scope", "completeness", "accuracy_level", "freshness" })
        {
            MaxLength(pattern, field, path, Storage.StorageRules.VocabularyLength);
        }

        MaxLength(pattern, "data_source", path, Storage.StorageRules.DataSourceLength);

        Expression(pattern.Get("time_estimate_ms"), FieldPath.Child(path, "time_estimate_ms"), ExpressionRole.TimeEstimate, where);
        Expression(pattern.Get("cost_estimate"), FieldPath.Child(path, "cost_estimate"), ExpressionRole.CostEstimate, where);
        StringList(pattern, "typical_use_cases", path, where);
        StringList(pattern, "limitations", path, where);
        Policy(pattern, path, prefix, where);
        Preferences(pattern, path, prefix, where);

        var inputNames = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (pattern.Get("required_inputs") is { } required)
        {
            if (required is YamlSequence list)
            {
                Inputs(list, FieldPath.Child(path, "required_inputs"), where, inputNames);
            }
            else
            {
                _sink.Error(ValidationCodes.PatternRequiredInputsNotList, FieldPath.Child(path, "required_inputs"), required, _strict
                    ? $"{prefix}: 'required_inputs' must be a list"
                    : $"required_inputs of {where} is {required.Describe()}; it must be a list of {{name, type, description, …}}");
            }
        }

        if (pattern.Get("optional_inputs") is { } optional)
        {
            if (optional is YamlSequence list)
            {
                Inputs(list, FieldPath.Child(path, "optional_inputs"), where, inputNames);
            }
            else
            {
                ReportAddedRule(ValidationCodes.PatternListField, FieldPath.Child(path, "optional_inputs"), optional,
                    $"optional_inputs of {where} is {optional.Describe()}; it must be a list of {{name, type, description, default, …}}");
            }
        }

        if (pattern.Get("expected_outputs") is { } outputs)
        {
            if (outputs is YamlSequence list)
            {
                Outputs(list, FieldPath.Child(path, "expected_outputs"), where);
            }
            else
            {
                _sink.Error(ValidationCodes.PatternExpectedOutputsNotList, FieldPath.Child(path, "expected_outputs"), outputs, _strict
                    ? $"{prefix}: 'expected_outputs' must be a list"
                    : $"expected_outputs of {where} is {outputs.Describe()}; it must be a list of {{name, type, description}}");
            }
        }

        if (pattern.Get("examples") is { } examples and not YamlSequence)
        {
            ReportAddedRule(ValidationCodes.PatternListField, FieldPath.Child(path, "examples"), examples,
                $"examples of {where} is {examples.Describe()}; it must be a list");
        }

        CheckExpressionVariables(inputNames.Keys, where);
        UnknownKeys(pattern, path, KnownPattern, ValidationCodes.PatternUnknownKey, where);
    }

    private static string AssumedWhenMissing(string field) => field switch
    {
        "typical_use_cases" => "no use cases are assumed",
        "cost_estimate" => "a cost of \"1\" is assumed",
        "complexity_score" => "0.5 is assumed",
        "scope" or "completeness" => "the tool's default, if any, is used",
        "policy" => "production-safe, no approval and no limits are assumed",
        "preference_match" => "0.5 is assumed for every score",
        "required_inputs" => "no inputs are assumed",
        _ => "callers will not know what the pattern returns",
    };

    private void ComplexityScore(YamlMapping pattern, string path, string prefix, string where)
    {
        if (pattern.Get("complexity_score") is not { } score)
        {
            return;
        }

        var scorePath = FieldPath.Child(path, "complexity_score");
        if (_strict)
        {
            if (!PythonSemantics.TryFloat(score, out var value))
            {
                _sink.Error(ValidationCodes.PatternComplexityNotNumber, scorePath, score, $"{prefix}: complexity_score must be a number");
                return;
            }

            if (!(value >= 0.0 && value <= 1.0))
            {
                _sink.Error(ValidationCodes.PatternComplexityRange, scorePath, score, $"{prefix}: complexity_score must be between 0.0 and 1.0");
                return;
            }
        }

        if (score is not YamlScalar { IsNumber: true } number)
        {
            ReportAddedRule(ValidationCodes.PatternComplexityNotNumber, scorePath, score,
                $"complexity_score of {where} is {score.Describe()}; it must be a number between 0.0 and 1.0 (not a string or a boolean)");
        }
        else if (!_strict && !(number.AsDouble() >= 0.0 && number.AsDouble() <= 1.0))
        {
            _sink.Error(ValidationCodes.PatternComplexityRange, scorePath, score,
                $"complexity_score of {where} is {number.Text}; it must be between 0.0 (simple) and 1.0 (complex)");
        }
    }

    private void Policy(YamlMapping pattern, string path, string prefix, string where)
    {
        if (pattern.Get("policy") is not { } node)
        {
            return;
        }

        var policyPath = FieldPath.Child(path, "policy");
        if (node is not YamlMapping policy)
        {
            _sink.Error(ValidationCodes.PatternPolicyNotMapping, policyPath, node, _strict
                ? $"{prefix}: 'policy' must be a dictionary"
                : $"the policy of {where} is {node.Describe()}; it must be a mapping (max_cost, requires_approval, production_safe, …)");
            return;
        }

        foreach (var key in new[] { "max_cost", "requires_approval", "production_safe" })
        {
            if (!policy.Contains(key))
            {
                _sink.Warning(ValidationCodes.PatternPolicyKeyMissing, FieldPath.Child(policyPath, key), policy, _strict
                    ? $"{prefix}: policy missing '{key}'"
                    : $"the policy of {where} does not say '{key}'; {(key == "max_cost" ? "no cost limit is assumed" : key == "requires_approval" ? "no approval is assumed" : "production-safe is assumed")}");
            }
        }

        PolicyEntries(policy, policyPath, where);
    }

    /// <summary>The policy rules beyond the original (shared with the profiles rules).</summary>
    internal void PolicyEntries(YamlMapping policy, string policyPath, string where)
    {
        foreach (var key in new[] { "requires_approval", "production_safe" })
        {
            if (policy.Get(key) is { } flag and not YamlScalar { IsBoolean: true })
            {
                ReportAddedRule(ValidationCodes.PatternPolicyBoolean, FieldPath.Child(policyPath, key), flag,
                    $"policy.{key} of {where} is {flag.Describe()}; it must be true or false (unquoted)");
            }
        }

        foreach (var key in new[] { "max_cost", "max_execution_time" })
        {
            if (policy.Get(key) is { } limit and not YamlScalar { IsNull: true } &&
                !(limit is YamlScalar { IsNumber: true } n && n.AsDouble() >= 0 && double.IsFinite(n.AsDouble())))
            {
                ReportAddedRule(ValidationCodes.PatternPolicyNumber, FieldPath.Child(policyPath, key), limit,
                    $"policy.{key} of {where} is {limit.Describe()}; it must be a non-negative number{(key == "max_execution_time" ? " of seconds" : "")}");
            }
        }

        if (policy.Get("max_N_immediate") is { } maxN and not YamlScalar { IsNull: true } &&
            !(maxN is YamlScalar { Kind: ScalarKind.Integer } i && (long)i.Value! >= 0))
        {
            ReportAddedRule(ValidationCodes.PatternPolicyNumber, FieldPath.Child(policyPath, "max_N_immediate"), maxN,
                $"policy.max_N_immediate of {where} is {maxN.Describe()}; it must be a non-negative whole number");
        }

        if (policy.Get("requires_background_if") is { } condition and not YamlScalar { IsNull: true })
        {
            if (condition is YamlScalar { IsString: true } text)
            {
                Expression(text, FieldPath.Child(policyPath, "requires_background_if"), ExpressionRole.BackgroundCondition, where);
            }
            else
            {
                ReportAddedRule(ValidationCodes.PatternExpression, FieldPath.Child(policyPath, "requires_background_if"), condition,
                    $"policy.requires_background_if of {where} is {condition.Describe()}; it must be a condition string such as \"N > 50\"");
            }
        }

        StringList(policy, "allowed_environments", policyPath, where);
        UnknownKeys(policy, policyPath, KnownPolicy, ValidationCodes.PatternUnknownKey, $"the policy of {where}");
    }

    private void Preferences(YamlMapping pattern, string path, string prefix, string where)
    {
        if (pattern.Get("preference_match") is not { } node)
        {
            return;
        }

        var prefPath = FieldPath.Child(path, "preference_match");
        if (node is not YamlMapping preferences)
        {
            _sink.Error(ValidationCodes.PatternPreferenceNotMapping, prefPath, node, _strict
                ? $"{prefix}: 'preference_match' must be a dictionary"
                : $"preference_match of {where} is {node.Describe()}; it must be a mapping of speed, accuracy, cost, complexity and completeness scores");
            return;
        }

        foreach (var key in PreferenceKeys)
        {
            if (preferences.Get(key) is not { } score)
            {
                _sink.Warning(ValidationCodes.PatternPreferenceKeyMissing, FieldPath.Child(prefPath, key), preferences, _strict
                    ? $"{prefix}: preference_match missing '{key}'"
                    : $"preference_match of {where} has no '{key}' score; 0.5 is assumed");
                continue;
            }

            PreferenceScore(score, FieldPath.Child(prefPath, key), key, prefix, where);
        }

        UnknownKeys(preferences, prefPath, new HashSet<string>(PreferenceKeys, StringComparer.Ordinal), ValidationCodes.PatternUnknownKey,
            $"preference_match of {where}");
    }

    /// <summary>One preference score (shared with the profiles rules).</summary>
    internal void PreferenceScore(YamlNode score, string path, string key, string prefix, string where)
    {
        if (_strict)
        {
            if (!PythonSemantics.TryFloat(score, out var value))
            {
                _sink.Error(ValidationCodes.PatternPreferenceNotNumber, path, score, $"{prefix}: preference_match.{key} must be a number");
                return;
            }

            if (!(value >= 0.0 && value <= 1.0))
            {
                _sink.Error(ValidationCodes.PatternPreferenceRange, path, score, $"{prefix}: preference_match.{key} must be between 0.0 and 1.0");
                return;
            }
        }

        if (score is not YamlScalar { IsNumber: true } number)
        {
            ReportAddedRule(ValidationCodes.PatternPreferenceNotNumber, path, score,
                $"preference_match.{key} of {where} is {score.Describe()}; it must be a number between 0.0 and 1.0 (not a string or a boolean)");
        }
        else if (!_strict && !(number.AsDouble() >= 0.0 && number.AsDouble() <= 1.0))
        {
            _sink.Error(ValidationCodes.PatternPreferenceRange, path, score,
                $"preference_match.{key} of {where} is {number.Text}; it must be between 0.0 and 1.0");
        }
    }

    private void Inputs(YamlSequence list, string listPath, string where, Dictionary<string, YamlNode> seen)
    {
        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = FieldPath.Item(listPath, i);
            if (list.Items[i] is not YamlMapping input)
            {
                ReportAddedRule(ValidationCodes.InputNotMapping, path, list.Items[i],
                    $"input {i} of {where} is {list.Items[i].Describe()}; each input is a mapping {{name, type, description, …}}");
                continue;
            }

            var name = input.Get("name") is YamlScalar { IsString: true } n && n.Text.Length > 0 ? n.Text : null;
            if (name is null)
            {
                ReportAddedRule(ValidationCodes.InputName, FieldPath.Child(path, "name"), input.Get("name") ?? input,
                    $"input {i} of {where} has no name; give it name: \"...\" (text)");
            }
            else if (seen.TryGetValue(name, out var first))
            {
                ReportAddedRule(ValidationCodes.PatternDuplicateInput, FieldPath.Child(path, "name"), input,
                    $"the input '{name}' of {where} is declared twice (line {first.Start.Line} and line {input.Start.Line}); input names must be unique across required_inputs and optional_inputs");
            }
            else
            {
                seen.Add(name, input);
            }

            var label = name is null ? $"input {i} of {where}" : $"input '{name}' of {where}";
            if (input.Get("type") is not { } type)
            {
                ReportAddedRule(ValidationCodes.InputType, FieldPath.Child(path, "type"), input,
                    $"{label} has no type; allowed: {_options.InputTypes}");
            }
            else if (type is not YamlScalar { IsString: true } typeText)
            {
                ReportAddedRule(ValidationCodes.InputType, FieldPath.Child(path, "type"), type, $"the type of {label} is {type.Describe()}; allowed: {_options.InputTypes}");
            }
            else
            {
                VocabularyValue(typeText, _options.InputTypes, ValidationCodes.InputType, FieldPath.Child(path, "type"), $"the type of {label}", unknownIsError: true);
            }

            if (input.Get("validation") is { } validation and not YamlScalar { IsNull: true })
            {
                if (validation is not YamlScalar { IsString: true } regex)
                {
                    _sink.Warning(ValidationCodes.InputValidation, FieldPath.Child(path, "validation"), validation,
                        $"the validation of {label} is {validation.Describe()}; it should be a regular expression string");
                }
                else if (RegexError(regex.Text) is { } error)
                {
                    _sink.Warning(ValidationCodes.InputValidation, FieldPath.Child(path, "validation"), validation,
                        $"the validation of {label} is not a valid regular expression: {error}");
                }
            }

            foreach (var key in new[] { "examples", "allowed_values" })
            {
                if (input.Get(key) is { } values and not YamlSequence)
                {
                    ReportAddedRule(ValidationCodes.InputLists, FieldPath.Child(path, key), values, $"{key} of {label} is {values.Describe()}; it must be a list");
                }
            }

            if (input.Get("required") is { } requiredFlag and not YamlScalar { IsBoolean: true })
            {
                ReportAddedRule(ValidationCodes.RequiredFlag, FieldPath.Child(path, "required"), requiredFlag, $"required of {label} is {requiredFlag.Describe()}; it must be true or false");
            }

            AllowedValues(input, path, label);
            UnknownKeys(input, path, KnownInput, ValidationCodes.ItemUnknownKey, label);
        }
    }

    private void AllowedValues(YamlMapping input, string path, string label)
    {
        if (input.Get("allowed_values") is not YamlSequence { Items.Count: > 0 } allowed)
        {
            return;
        }

        var values = allowed.Items.OfType<YamlScalar>().Select(s => s.Text).ToHashSet(StringComparer.Ordinal);
        if (input.Get("default") is YamlScalar { IsNull: false } d && !values.Contains(d.Text) && d.Text.Length > 0)
        {
            _sink.Warning(ValidationCodes.NotAllowedValue, FieldPath.Child(path, "default"), d,
                $"the default '{d.Text}' of {label} is not among its allowed_values ({string.Join(", ", values)})");
        }

        if (input.Get("examples") is YamlSequence examples)
        {
            foreach (var example in examples.Items.OfType<YamlScalar>().Where(e => !values.Contains(e.Text)))
            {
                _sink.Warning(ValidationCodes.NotAllowedValue, FieldPath.Child(path, "examples"), example,
                    $"the example '{example.Text}' of {label} is not among its allowed_values ({string.Join(", ", values)})");
            }
        }
    }

    private void Outputs(YamlSequence list, string listPath, string where)
    {
        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = FieldPath.Item(listPath, i);
            if (list.Items[i] is not YamlMapping output || output.Get("name") is not YamlScalar { IsString: true, Text.Length: > 0 } name)
            {
                ReportAddedRule(ValidationCodes.OutputItem, path, list.Items[i],
                    $"output {i} of {where} is not a mapping with a name; each output is {{name, type, description}}");
                continue;
            }

            var label = $"output '{name.Text}' of {where}";
            if (output.Get("required") is { } requiredFlag and not YamlScalar { IsBoolean: true })
            {
                ReportAddedRule(ValidationCodes.RequiredFlag, FieldPath.Child(path, "required"), requiredFlag, $"required of {label} is {requiredFlag.Describe()}; it must be true or false");
            }

            UnknownKeys(output, path, KnownOutput, ValidationCodes.ItemUnknownKey, label);
        }
    }

    private void Dependencies(YamlMapping map)
    {
        if (map.Get("dependencies") is not { } node)
        {
            return;
        }

        if (node is not YamlSequence list)
        {
            _sink.Error(ValidationCodes.ToolDependenciesNotList, "dependencies", node, _strict
                ? "'dependencies' must be a list"
                : $"dependencies is {node.Describe()}; it must be a list of {{name, type, required, version}}");
            return;
        }

        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = FieldPath.Item("dependencies", i);
            if (list.Items[i] is not YamlMapping dependency || dependency.Get("name") is not YamlScalar { IsString: true, Text.Length: > 0 } name)
            {
                ReportAddedRule(ValidationCodes.DependencyItem, path, list.Items[i],
                    $"dependency {i} is not a mapping with a name; each dependency is {{name, type, required, version}}");
                continue;
            }

            var label = $"dependency '{name.Text}'";
            if (dependency.Get("type") is not YamlScalar { IsString: true } type)
            {
                ReportAddedRule(ValidationCodes.DependencyType, FieldPath.Child(path, "type"), dependency.Get("type") ?? dependency,
                    $"{label} has no type; allowed: {_options.DependencyTypes}");
            }
            else
            {
                VocabularyValue(type, _options.DependencyTypes, ValidationCodes.DependencyType, FieldPath.Child(path, "type"), $"the type of {label}", unknownIsError: true);
            }

            if (dependency.Get("required") is { } requiredFlag and not YamlScalar { IsBoolean: true })
            {
                ReportAddedRule(ValidationCodes.DependencyRequired, FieldPath.Child(path, "required"), requiredFlag, $"required of {label} is {requiredFlag.Describe()}; it must be true or false");
            }

            UnknownKeys(dependency, path, KnownDependency, ValidationCodes.ItemUnknownKey, label);
        }
    }

    private void Metadata(YamlMapping map)
    {
        if (map.Get("metadata") is { } node and not YamlMapping)
        {
            _sink.Error(ValidationCodes.ToolMetadataNotMapping, "metadata", node, _strict
                ? "'metadata' must be a dictionary"
                : $"metadata is {node.Describe()}; it must be a mapping (author, tags, documentation_url, …)");
        }
    }

    private void Lifecycle(YamlMapping map)
    {
        if (map.Get("status") is { } status &&
            !(status is YamlScalar { IsString: true } s && Model.ToolStatusNames.All.Contains(s.Text)))
        {
            ReportAddedRule(ValidationCodes.ToolStatus, "status", status,
                $"status is {status.Describe()}; it must be one of {string.Join(", ", Model.ToolStatusNames.All)}");
        }

        if (map.Get("enabled") is { } enabled and not YamlScalar { IsBoolean: true })
        {
            ReportAddedRule(ValidationCodes.ToolEnabled, "enabled", enabled, $"enabled is {enabled.Describe()}; it must be true or false");
        }

        if (map.Get("execution_location") is { } location && location is not YamlScalar { IsString: true, Text.Length: > 0 })
        {
            ReportAddedRule(ValidationCodes.ToolExecutionLocation, "execution_location", location,
                $"execution_location is {location.Describe()}; it must name the executing service, e.g. automation-service");
        }

        MaxLength(map, "execution_location", "", Storage.StorageRules.ExecutionLocationLength);
    }

    private void ToolExamples(YamlMapping map)
    {
        if (map.Get("examples") is not { } node)
        {
            return;
        }

        if (node is not YamlSequence list)
        {
            ReportAddedRule(ValidationCodes.ToolExamples, "examples", node, $"examples is {node.Describe()}; it must be a list of {{name, description, inputs, expected_time_ms, expected_cost}}");
            return;
        }

        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = FieldPath.Item("examples", i);
            if (list.Items[i] is not YamlMapping example)
            {
                ReportAddedRule(ValidationCodes.ToolExamples, path, list.Items[i], $"example {i} is {list.Items[i].Describe()}; it must be a mapping");
                continue;
            }

            foreach (var key in new[] { "expected_time_ms", "expected_cost" })
            {
                if (example.Get(key) is { } value and not YamlScalar { IsNull: true } &&
                    !(value is YamlScalar { IsNumber: true } n && n.AsDouble() >= 0))
                {
                    ReportAddedRule(ValidationCodes.ToolExamples, FieldPath.Child(path, key), value, $"{key} of example {i} is {value.Describe()}; it must be a non-negative number");
                }
            }

            if (example.Get("inputs") is { } inputs and not YamlMapping and not YamlScalar { IsNull: true })
            {
                ReportAddedRule(ValidationCodes.ToolExamples, FieldPath.Child(path, "inputs"), inputs, $"inputs of example {i} is {inputs.Describe()}; it must be a mapping of input name to value");
            }
        }
    }

    /// <summary>
    /// A vocabulary field. Strict mode, for the original's own vocabularies, reports the original's message
    /// (<paramref name="originalMessage"/>) when the value is not allowed; otherwise allowed values pass,
    /// tolerated ones warn, and unknown ones are errors or warnings per <paramref name="unknownIsError"/>.
    /// <paramref name="originalIsError"/>: true/false when the original checked the field (error/warning), null when it did not.
    /// </summary>
    private void VocabularyRule(YamlMapping map, string key, Vocabulary vocabulary, string code, bool? originalIsError, bool unknownIsError,
        Func<string, string>? originalMessage, string parentPath = "", string? where = null)
    {
        if (map.Get(key) is not { } value)
        {
            return;
        }

        var path = FieldPath.Child(parentPath, key);
        if (_strict && originalIsError is { } isError)
        {
            if (!(value is YamlScalar { IsString: true } s && vocabulary.IsAllowed(s.Text)))
            {
                _sink.Report(code, isError ? ValidationSeverity.Error : ValidationSeverity.Warning, path, value,
                    originalMessage!(PythonSemantics.Str(value)));
            }

            return;
        }

        if (value is YamlScalar { IsString: true } text && text.Text.Length > 0)
        {
            VocabularyValue(text, vocabulary, code, path, where is null ? key : $"the {key} of {where}", unknownIsError);
        }
        else if (!_strict && where is not null && !IsBlank(value))
        {
            _sink.Error(ValidationCodes.PatternNotAString, path, value, $"the {key} of {where} is {value.Describe()}; it must be text, one of: {vocabulary}");
        }
    }

    private void VocabularyValue(YamlScalar value, Vocabulary vocabulary, string code, string path, string what, bool unknownIsError)
    {
        if (vocabulary.IsAllowed(value.Text))
        {
            return;
        }

        if (vocabulary.IsTolerated(value.Text))
        {
            _sink.Warning(code, path, value,
                $"{what} is '{value.Text}', outside the vocabulary ({vocabulary}); accepted because the original system used it");
        }
        else
        {
            _sink.Report(code, unknownIsError ? Severity(code) : ValidationSeverity.Warning, path, value,
                $"{what} is '{value.Text}', which is not allowed; allowed: {vocabulary}{(vocabulary.Tolerated.Count > 0 ? $" (also accepted, with a warning: {string.Join(", ", vocabulary.Tolerated)})" : "")}; more values can be configured in ValidationOptions");
        }
    }

    private void TextField(YamlMapping map, string key, string path, string where)
    {
        if (map.Get(key) is { } value and not YamlScalar { IsString: true } and not YamlScalar { IsNull: true })
        {
            ReportAddedRule(ValidationCodes.PatternNotAString, FieldPath.Child(path, key), value, $"the {key} of {where} is {value.Describe()}; it must be text");
        }
    }

    /// <summary>A text field stored in a column of <paramref name="max"/> characters (the limits the store checks too: <see cref="Storage.StorageRules"/>).</summary>
    private void MaxLength(YamlMapping map, string key, string parentPath, int max)
    {
        if (map.Get(key) is YamlScalar { IsString: true } value && value.Text.Length > max)
        {
            var path = FieldPath.Child(parentPath, key);
            ReportAddedRule(ValidationCodes.ToolTooLongForStore, path, value,
                $"{path} is {value.Text.Length} characters long; the catalog database stores at most {max} (its column is VARCHAR({max}))");
        }
    }

    private void StringList(YamlMapping map, string key, string path, string where)
    {
        if (map.Get(key) is not { } value || value is YamlScalar { IsNull: true })
        {
            return;
        }

        if (value is not YamlSequence list)
        {
            ReportAddedRule(ValidationCodes.PatternStringList, FieldPath.Child(path, key), value, $"{key} of {where} is {value.Describe()}; it must be a list of strings");
        }
        else if (list.Items.FirstOrDefault(i => i is not YamlScalar { IsString: true }) is { } item)
        {
            ReportAddedRule(ValidationCodes.PatternStringList, FieldPath.Child(path, key), item, $"{key} of {where} has an item that is {item.Describe()}; it must be a list of strings");
        }
    }

    /// <summary>Checks an estimate expression or a policy condition: type and length here, syntax through <see cref="CheckExpressionSyntax"/>.</summary>
    internal void Expression(YamlNode? node, string path, ExpressionRole role, string where)
    {
        if (node is null)
        {
            return;
        }

        var field = role switch
        {
            ExpressionRole.TimeEstimate => "time_estimate_ms",
            ExpressionRole.CostEstimate => "cost_estimate",
            _ => "policy.requires_background_if",
        };
        if (node is YamlScalar { IsNumber: true } number && role != ExpressionRole.BackgroundCondition)
        {
            if (!double.IsFinite(number.AsDouble()))
            {
                ReportAddedRule(ValidationCodes.PatternExpressionAlwaysFails, path, node,
                    $"{field} of {where} is {number.Text}, which is not a finite number; every selection would exclude the pattern, so give a number or an expression such as \"1500 + 350 * N\"");
            }

            return;
        }

        if (node is not YamlScalar { IsString: true } text)
        {
            ReportAddedRule(ValidationCodes.PatternExpression, path, node,
                $"{field} of {where} is {node.Describe()}; it must be an expression string such as \"1500 + 350 * N\"{(role == ExpressionRole.BackgroundCondition ? "" : " (or a number)")}");
            return;
        }

        if (string.IsNullOrWhiteSpace(text.Text))
        {
            ReportAddedRule(ValidationCodes.PatternExpression, path, node, $"{field} of {where} is empty; write an expression such as \"1500 + 350 * N\"");
            return;
        }

        if (text.Text.Length > 500)
        {
            ReportAddedRule(ValidationCodes.PatternExpression, path, node, $"{field} of {where} is {text.Text.Length} characters long; at most 500 are allowed (the database column's size)");
            return;
        }

        CheckExpressionSyntax(text, path, role, field, where);
    }

    private void UnknownKeys(YamlMapping map, string path, HashSet<string> known, string code, string what)
    {
        foreach (var entry in map.Entries)
        {
            if (!known.Contains(entry.Key.Text))
            {
                _sink.Warning(code, FieldPath.Child(path, entry.Key.Text), entry.Key,
                    $"'{entry.Key.Text}' is not a known key of {what}; it is kept as extension data but not interpreted");
            }
        }
    }

    /// <summary>Reports a rule beyond the original at a position inside a scalar (for expression errors).</summary>
    private void ReportAddedRuleAt(string code, string path, SourceMark position, string message) =>
        _sink.Report(code, Severity(code), path, position, message);

    /// <summary>A rule the original did not have: an error in both modes, unless strict mode demotes it (see <see cref="StrictWarningCodes"/>).</summary>
    private void ReportAddedRule(string code, string path, YamlNode? at, string message) => _sink.Report(code, Severity(code), path, at, message);

    private ValidationSeverity Severity(string code) =>
        _strict && StrictWarningCodes.Contains(code) ? ValidationSeverity.Warning : ValidationSeverity.Error;

    private static bool IsBlank(YamlNode value) => value switch
    {
        YamlScalar { IsNull: true } => true,
        YamlScalar { IsString: true } s => string.IsNullOrWhiteSpace(s.Text),
        YamlSequence seq => seq.Items.Count == 0,
        YamlMapping map => map.Count == 0,
        _ => false,
    };

    /// <summary>Whether a validation regex compiles; results are cached (bounded) because files repeat the same few patterns.</summary>
    private static string? RegexError(string pattern)
    {
        if (RegexVerdicts.TryGetValue(pattern, out var cached))
        {
            return cached.Length == 0 ? null : cached;
        }

        string verdict;
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            verdict = "";
        }
        catch (ArgumentException e)
        {
            verdict = e.Message;
        }

        if (RegexVerdicts.Count < 4096 && pattern.Length <= 1024)
        {
            RegexVerdicts.TryAdd(pattern, verdict);
        }

        return verdict.Length == 0 ? null : verdict;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> RegexVerdicts = new(StringComparer.Ordinal);
}

/// <summary>What an expression is for.</summary>
internal enum ExpressionRole
{
    TimeEstimate,
    CostEstimate,
    BackgroundCondition,
}
