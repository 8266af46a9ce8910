using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Compatibility;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Yaml;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Validation;

/// <content>The rules of the pattern level: its fields, complexity score, policy and preference scores.</content>
internal sealed partial class ToolRules
{
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

            if (_strict || field is ToolFields.Description or ToolFields.TimeEstimateMs)
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

        TextField(pattern, ToolFields.Description, path, where);
        ComplexityScore(pattern, path, prefix, where);
        VocabularyRule(pattern, ToolFields.Scope, _options.Scopes, ValidationCodes.PatternScope, originalIsError: true, unknownIsError: true,
            v => $"{prefix}: Invalid scope '{v}'. Must be one of: {_options.Scopes}", path, where);
        VocabularyRule(pattern, ToolFields.Completeness, _options.CompletenessValues, ValidationCodes.PatternCompleteness, originalIsError: true, unknownIsError: true,
            v => $"{prefix}: Invalid completeness '{v}'. Must be one of: {_options.CompletenessValues}", path, where);
        foreach (var field in new[] { ToolFields.AccuracyLevel, ToolFields.Freshness, ToolFields.DataSource })
        {
            TextField(pattern, field, path, where);
        }

        foreach (var field in new[] { ToolFields.Scope, ToolFields.Completeness, ToolFields.AccuracyLevel, ToolFields.Freshness })
        {
            MaxLength(pattern, field, path, ToolFields.VocabularyLength);
        }

        MaxLength(pattern, ToolFields.DataSource, path, ToolFields.DataSourceLength);

        Expression(pattern.Get(ToolFields.TimeEstimateMs), FieldPath.Child(path, ToolFields.TimeEstimateMs), ExpressionRole.TimeEstimate, where);
        Expression(pattern.Get(ToolFields.CostEstimate), FieldPath.Child(path, ToolFields.CostEstimate), ExpressionRole.CostEstimate, where);
        StringList(pattern, ToolFields.TypicalUseCases, path, where);
        StringList(pattern, ToolFields.Limitations, path, where);
        Policy(pattern, path, prefix, where);
        Preferences(pattern, path, prefix, where);

        var inputNames = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (pattern.Get(ToolFields.RequiredInputs) is { } required)
        {
            if (required is YamlSequence list)
            {
                Inputs(list, FieldPath.Child(path, ToolFields.RequiredInputs), where, inputNames);
            }
            else
            {
                _sink.Error(ValidationCodes.PatternRequiredInputsNotList, FieldPath.Child(path, ToolFields.RequiredInputs), required, _strict
                    ? $"{prefix}: 'required_inputs' must be a list"
                    : $"required_inputs of {where} is {required.Describe()}; it must be a list of {{name, type, description, …}}");
            }
        }

        if (pattern.Get(ToolFields.OptionalInputs) is { } optional)
        {
            if (optional is YamlSequence list)
            {
                Inputs(list, FieldPath.Child(path, ToolFields.OptionalInputs), where, inputNames);
            }
            else
            {
                ReportAddedRule(ValidationCodes.PatternListField, FieldPath.Child(path, ToolFields.OptionalInputs), optional,
                    $"optional_inputs of {where} is {optional.Describe()}; it must be a list of {{name, type, description, default, …}}");
            }
        }

        if (pattern.Get(ToolFields.ExpectedOutputs) is { } outputs)
        {
            if (outputs is YamlSequence list)
            {
                Outputs(list, FieldPath.Child(path, ToolFields.ExpectedOutputs), where);
            }
            else
            {
                _sink.Error(ValidationCodes.PatternExpectedOutputsNotList, FieldPath.Child(path, ToolFields.ExpectedOutputs), outputs, _strict
                    ? $"{prefix}: 'expected_outputs' must be a list"
                    : $"expected_outputs of {where} is {outputs.Describe()}; it must be a list of {{name, type, description}}");
            }
        }

        if (pattern.Get(ToolFields.Examples) is { } examples and not YamlSequence)
        {
            ReportAddedRule(ValidationCodes.PatternListField, FieldPath.Child(path, ToolFields.Examples), examples,
                $"examples of {where} is {examples.Describe()}; it must be a list");
        }

        CheckExpressionVariables(inputNames.Keys, where);
        UnknownKeys(pattern, path, ToolFields.PatternLevel, ValidationCodes.PatternUnknownKey, where);
    }

    private static string AssumedWhenMissing(string field) => field switch
    {
        ToolFields.TypicalUseCases => "no use cases are assumed",
        ToolFields.CostEstimate => "a cost of \"1\" is assumed",
        ToolFields.ComplexityScore => "0.5 is assumed",
        ToolFields.Scope or ToolFields.Completeness => "the tool's default, if any, is used",
        ToolFields.Policy => "production-safe, no approval and no limits are assumed",
        ToolFields.PreferenceMatch => "0.5 is assumed for every score",
        ToolFields.RequiredInputs => "no inputs are assumed",
        _ => "callers will not know what the pattern returns",
    };

    private void ComplexityScore(YamlMapping pattern, string path, string prefix, string where)
    {
        if (pattern.Get(ToolFields.ComplexityScore) is not { } score)
        {
            return;
        }

        var scorePath = FieldPath.Child(path, ToolFields.ComplexityScore);
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
        if (pattern.Get(ToolFields.Policy) is not { } node)
        {
            return;
        }

        var policyPath = FieldPath.Child(path, ToolFields.Policy);
        if (node is not YamlMapping policy)
        {
            _sink.Error(ValidationCodes.PatternPolicyNotMapping, policyPath, node, _strict
                ? $"{prefix}: 'policy' must be a dictionary"
                : $"the policy of {where} is {node.Describe()}; it must be a mapping (max_cost, requires_approval, production_safe, …)");
            return;
        }

        foreach (var key in new[] { ToolFields.MaxCost, ToolFields.RequiresApproval, ToolFields.ProductionSafe })
        {
            if (!policy.Contains(key))
            {
                _sink.Warning(ValidationCodes.PatternPolicyKeyMissing, FieldPath.Child(policyPath, key), policy, _strict
                    ? $"{prefix}: policy missing '{key}'"
                    : $"the policy of {where} does not say '{key}'; {(key == ToolFields.MaxCost ? "no cost limit is assumed" : key == ToolFields.RequiresApproval ? "no approval is assumed" : "production-safe is assumed")}");
            }
        }

        PolicyEntries(policy, policyPath, where);
    }

    /// <summary>The policy rules beyond the original (shared with the profiles rules).</summary>
    internal void PolicyEntries(YamlMapping policy, string policyPath, string where)
    {
        foreach (var key in new[] { ToolFields.RequiresApproval, ToolFields.ProductionSafe })
        {
            if (policy.Get(key) is { } flag and not YamlScalar { IsBoolean: true })
            {
                ReportAddedRule(ValidationCodes.PatternPolicyBoolean, FieldPath.Child(policyPath, key), flag,
                    $"policy.{key} of {where} is {flag.Describe()}; it must be true or false (unquoted)");
            }
        }

        foreach (var key in new[] { ToolFields.MaxCost, ToolFields.MaxExecutionTime })
        {
            if (policy.Get(key) is { } limit and not YamlScalar { IsNull: true } &&
                !(limit is YamlScalar { IsNumber: true } n && n.AsDouble() >= 0 && double.IsFinite(n.AsDouble())))
            {
                ReportAddedRule(ValidationCodes.PatternPolicyNumber, FieldPath.Child(policyPath, key), limit,
                    $"policy.{key} of {where} is {limit.Describe()}; it must be a non-negative number{(key == ToolFields.MaxExecutionTime ? " of seconds" : "")}");
            }
        }

        if (policy.Get(ToolFields.MaxNImmediate) is { } maxN and not YamlScalar { IsNull: true } &&
            !(maxN is YamlScalar { Kind: ScalarKind.Integer } i && (long)i.Value! >= 0))
        {
            ReportAddedRule(ValidationCodes.PatternPolicyNumber, FieldPath.Child(policyPath, ToolFields.MaxNImmediate), maxN,
                $"policy.max_N_immediate of {where} is {maxN.Describe()}; it must be a non-negative whole number");
        }

        if (policy.Get(ToolFields.RequiresBackgroundIf) is { } condition and not YamlScalar { IsNull: true })
        {
            if (condition is YamlScalar { IsString: true } text)
            {
                Expression(text, FieldPath.Child(policyPath, ToolFields.RequiresBackgroundIf), ExpressionRole.BackgroundCondition, where);
            }
            else
            {
                ReportAddedRule(ValidationCodes.PatternExpression, FieldPath.Child(policyPath, ToolFields.RequiresBackgroundIf), condition,
                    $"policy.requires_background_if of {where} is {condition.Describe()}; it must be a condition string such as \"N > 50\"");
            }
        }

        StringList(policy, ToolFields.AllowedEnvironments, policyPath, where);
        UnknownKeys(policy, policyPath, ToolFields.PolicyLevel, ValidationCodes.PatternUnknownKey, $"the policy of {where}");
    }

    private void Preferences(YamlMapping pattern, string path, string prefix, string where)
    {
        if (pattern.Get(ToolFields.PreferenceMatch) is not { } node)
        {
            return;
        }

        var prefPath = FieldPath.Child(path, ToolFields.PreferenceMatch);
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

        UnknownKeys(preferences, prefPath, ToolFields.PreferencesLevel, ValidationCodes.PatternUnknownKey,
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
}
