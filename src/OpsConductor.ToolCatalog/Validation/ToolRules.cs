using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Compatibility;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Yaml;
using OpsConductor.ToolCatalog.Model;

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

    // The fields each level requires or recommends, and the keys it knows, come from the format's field table.
    private static readonly IReadOnlyList<string> BasicFields = ToolFields.ToolLevel.RequiredNames;
    private static readonly IReadOnlyList<string> RecommendedDefaults = ToolFields.DefaultsLevel.RecommendedNames;
    private static readonly IReadOnlyList<string> PatternFields = ToolFields.PatternLevel.RequiredNames;
    private static readonly IReadOnlyList<string> PreferenceKeys = ToolFields.PreferencesLevel.Names;

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

                _sink.Error(ValidationCodes.ToolDefaultsMissing, ToolFields.Defaults, root, "Missing required section: 'defaults'");
                _sink.Error(ValidationCodes.ToolCapabilitiesMissing, ToolFields.Capabilities, root, "Missing required section: 'capabilities'");
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
        UnknownKeys(map, "", ToolFields.ToolLevel, ValidationCodes.ToolUnknownKey, "top-level");
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
            ExpressionRole.TimeEstimate => ToolFields.TimeEstimateMs,
            ExpressionRole.CostEstimate => ToolFields.CostEstimate,
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

    private void UnknownKeys(YamlMapping map, string path, FieldLevel level, string code, string what)
    {
        foreach (var entry in map.Entries)
        {
            if (!level.Known.Contains(entry.Key.Text))
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
