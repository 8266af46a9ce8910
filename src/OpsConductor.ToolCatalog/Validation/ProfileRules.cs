using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Yaml;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Validation;

/// <summary>
/// The rules of the single-file optimisation-profiles format: the original's pydantic models
/// (<c>OptimizationProfilesConfig</c>, <c>ToolProfile</c>, <c>CapabilityProfile</c>, <c>PatternProfile</c>,
/// <c>PolicyConfig</c>, <c>PreferenceMatchScores</c>; ORIGINAL-BEHAVIOUR §2.3), plus this catalog's own rules on
/// names, scores, policy values and expressions. The same in strict and lenient mode: the original validator
/// never read this format. Free-text fields (scope, completeness, accuracy_level, …) have no vocabulary here.
/// </summary>
internal sealed class ProfileRules
{
    private static readonly string[] OptionalTextFields = [ToolFields.AccuracyLevel, ToolFields.Freshness, ToolFields.DataSource, ToolFields.Scope, ToolFields.Completeness];
    private static readonly IReadOnlyList<string> PreferenceKeys = ToolFields.PreferencesLevel.Names;

    private readonly FindingSink _sink;

    /// <summary>The per-tool file rules, applied to the entries a profiles file shares with tool files (policy, preference scores, expression variables).</summary>
    private readonly ToolRules _toolRules;

    public ProfileRules(ValidationOptions options, FindingSink sink)
    {
        _sink = sink;
        _toolRules = new ToolRules(options with { Strict = false }, sink);
    }

    public void Run(YamlMapping root)
    {
        if (root.Get("version") is { } version and not YamlScalar { IsString: true })
        {
            _sink.Error(ValidationCodes.ProfileVersion, "version", version,
                $"version is {version.Describe()}; it must be a quoted string such as \"1.1\" (it becomes every tool's version)");
        }

        if (root.Get("tools") is not YamlMapping tools)
        {
            _sink.Error(ValidationCodes.ProfileTools, "tools", root.Get("tools") ?? root,
                "a profiles file needs tools: a mapping of tool name to {description, defaults, capabilities}");
            return;
        }

        foreach (var entry in tools.Entries)
        {
            Tool(entry.Key, entry.Value);
        }
    }

    private void Tool(YamlScalar key, YamlNode node)
    {
        var name = key.Text;
        var path = FieldPath.Child("tools", name);
        if (!NamePatterns.IsValidName(name))
        {
            _sink.Error(ValidationCodes.ToolName, path, key, $"the tool name '{name}' does not follow the name pattern: {NamePatterns.NameRule}");
        }

        if (node is not YamlMapping tool)
        {
            _sink.Error(ValidationCodes.ProfileToolNotMapping, path, node, $"tool '{name}' is {node.Describe()}; it must be a mapping {{description, defaults, capabilities}}");
            return;
        }

        if (tool.Get("description") is not YamlScalar { IsString: true } description || description.Text.Length == 0)
        {
            _sink.Error(ValidationCodes.ProfileToolDescription, FieldPath.Child(path, "description"), tool.Get("description") ?? tool,
                $"tool '{name}' needs a description (text); the original's ToolProfile requires it");
        }

        if (tool.Get("defaults") is { } defaultsNode and not YamlScalar { IsNull: true })
        {
            if (defaultsNode is not YamlMapping defaults)
            {
                _sink.Error(ValidationCodes.ProfileDefaultsNotMapping, FieldPath.Child(path, "defaults"), defaultsNode,
                    $"defaults of tool '{name}' is {defaultsNode.Describe()}; it must be a mapping of accuracy_level, freshness, data_source, scope, completeness");
            }
            else
            {
                OptionalText(defaults, FieldPath.Child(path, "defaults"), $"the defaults of tool '{name}'");
            }
        }

        if (tool.Get("capabilities") is not YamlMapping capabilities)
        {
            _sink.Error(ValidationCodes.ProfileCapabilities, FieldPath.Child(path, "capabilities"), tool.Get("capabilities") ?? tool,
                $"tool '{name}' needs capabilities: a mapping of capability name to {{patterns}}");
            return;
        }

        foreach (var entry in capabilities.Entries)
        {
            Capability(name, entry.Key, entry.Value, FieldPath.Child(FieldPath.Child(path, "capabilities"), entry.Key.Text));
        }
    }

    private void Capability(string tool, YamlScalar key, YamlNode node, string path)
    {
        var name = key.Text;
        if (!NamePatterns.IsValidName(name))
        {
            _sink.Error(ValidationCodes.CapabilityName, path, key, $"the capability name '{name}' does not follow the name pattern: {NamePatterns.NameRule}");
        }

        if (node is not YamlMapping capability || capability.Get("patterns") is not YamlMapping patterns)
        {
            _sink.Error(ValidationCodes.ProfileCapabilityPatterns, path, node,
                $"capability '{name}' of tool '{tool}' must be a mapping with patterns: a mapping of pattern name to pattern");
            return;
        }

        if (patterns.Count > 5)
        {
            _sink.Error(ValidationCodes.ProfileTooManyPatterns, FieldPath.Child(path, "patterns"), patterns,
                $"Too many patterns ({patterns.Count}). Max 5 per capability. (capability '{name}' of tool '{tool}'; the original refused the whole file)");
        }

        foreach (var entry in patterns.Entries)
        {
            Pattern($"pattern '{entry.Key.Text}' of capability '{name}' of tool '{tool}'", entry.Key, entry.Value,
                FieldPath.Child(FieldPath.Child(path, "patterns"), entry.Key.Text));
        }
    }

    private void Pattern(string where, YamlScalar key, YamlNode node, string path)
    {
        if (!NamePatterns.IsValidName(key.Text))
        {
            _sink.Error(ValidationCodes.PatternName, path, key, $"the pattern name '{key.Text}' does not follow the name pattern: {NamePatterns.NameRule}");
        }

        if (node is not YamlMapping pattern)
        {
            _sink.Error(ValidationCodes.ProfilePatternNotMapping, path, node, $"{where} is {node.Describe()}; it must be a mapping");
            return;
        }

        if (pattern.Get("description") is not YamlScalar { IsString: true })
        {
            _sink.Error(ValidationCodes.ProfilePatternDescription, FieldPath.Child(path, "description"), pattern.Get("description") ?? pattern,
                $"{where} needs a description (text); the original's PatternProfile requires it");
        }

        if (!pattern.Contains(ToolFields.TimeEstimateMs))
        {
            _sink.Error(ValidationCodes.ProfileTimeEstimateMissing, FieldPath.Child(path, ToolFields.TimeEstimateMs), pattern,
                $"{where} has no time_estimate_ms; the original's PatternProfile requires it (an expression such as \"120 + 0.02 * N\", or a number)");
        }

        foreach (var field in new[] { ToolFields.TypicalUseCases, ToolFields.Limitations, "requires_inputs" })
        {
            if (pattern.Get(field) is { } list &&
                !(list is YamlSequence seq && seq.Items.All(i => i is YamlScalar { IsString: true })))
            {
                _sink.Error(ValidationCodes.ProfileFieldType, FieldPath.Child(path, field), list, $"{field} of {where} is {list.Describe()}; it must be a list of strings");
            }
        }

        OptionalText(pattern, path, where);
        var fields = new YamlMapping(
            [.. pattern.Entries.Where(e => e.Key.Text is ToolFields.TimeEstimateMs or ToolFields.CostEstimate or ToolFields.ComplexityScore)], pattern.Start);
        ScoresAndExpressions(fields, path, where);

        if (pattern.Get("policy") is { } policyNode)
        {
            if (policyNode is YamlMapping policy)
            {
                _toolRules.PolicyEntries(policy, FieldPath.Child(path, "policy"), where);
            }
            else
            {
                _sink.Error(ValidationCodes.PatternPolicyNotMapping, FieldPath.Child(path, "policy"), policyNode,
                    $"the policy of {where} is {policyNode.Describe()}; it must be a mapping");
            }
        }

        if (pattern.Get(ToolFields.PreferenceMatch) is { } preferenceNode)
        {
            if (preferenceNode is YamlMapping preferences)
            {
                foreach (var scoreKey in PreferenceKeys)
                {
                    if (preferences.Get(scoreKey) is { } score)
                    {
                        _toolRules.PreferenceScore(score, FieldPath.Child(FieldPath.Child(path, ToolFields.PreferenceMatch), scoreKey), scoreKey, "", where);
                    }
                }
            }
            else
            {
                _sink.Error(ValidationCodes.PatternPreferenceNotMapping, FieldPath.Child(path, ToolFields.PreferenceMatch), preferenceNode,
                    $"preference_match of {where} is {preferenceNode.Describe()}; it must be a mapping of scores");
            }
        }

        _toolRules.CheckExpressionVariables(RequiresInputs(pattern), where);
    }

    private void ScoresAndExpressions(YamlMapping fields, string path, string where)
    {
        _toolRules.Expression(fields.Get(ToolFields.TimeEstimateMs), FieldPath.Child(path, ToolFields.TimeEstimateMs), ExpressionRole.TimeEstimate, where);
        _toolRules.Expression(fields.Get(ToolFields.CostEstimate), FieldPath.Child(path, ToolFields.CostEstimate), ExpressionRole.CostEstimate, where);

        if (fields.Get(ToolFields.ComplexityScore) is { } complexity)
        {
            if (complexity is not YamlScalar { IsNumber: true } number)
            {
                _sink.Error(ValidationCodes.PatternComplexityNotNumber, FieldPath.Child(path, ToolFields.ComplexityScore), complexity,
                    $"complexity_score of {where} is {complexity.Describe()}; it must be a number between 0.0 and 1.0");
            }
            else if (!(number.AsDouble() >= 0 && number.AsDouble() <= 1))
            {
                _sink.Error(ValidationCodes.PatternComplexityRange, FieldPath.Child(path, ToolFields.ComplexityScore), complexity,
                    $"complexity_score of {where} is {number.Text}; it must be between 0.0 and 1.0");
            }
        }
    }

    private void OptionalText(YamlMapping map, string path, string where)
    {
        foreach (var field in OptionalTextFields)
        {
            if (map.Get(field) is { } value and not YamlScalar { IsString: true } and not YamlScalar { IsNull: true })
            {
                _sink.Error(ValidationCodes.ProfileFieldType, FieldPath.Child(path, field), value, $"{field} of {where} is {value.Describe()}; it must be text or absent");
            }
        }
    }

    /// <summary>The names a profiles pattern declares in <c>requires_inputs</c> (a list of names).</summary>
    private static IEnumerable<string> RequiresInputs(YamlMapping fields) =>
        fields.Get("requires_inputs") is YamlSequence names
            ? names.Items.OfType<YamlScalar>().Where(n => n.IsString).Select(n => n.Text)
            : [];
}
