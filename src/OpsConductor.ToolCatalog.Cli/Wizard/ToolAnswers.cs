using System.Globalization;
using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Cli.Wizard;

/// <summary>
/// The checks every answer of <c>toolcatalog new</c> goes through, the same for the wizard's prompts and for flags:
/// each returns null when the answer is usable, else what is wrong and what is allowed.
/// </summary>
internal static partial class ToolAnswers
{
    /// <summary>The sample context expressions are shown for: <c>N = 10</c>, any other variable the expression uses = 10.</summary>
    public const double SampleValue = 10;

    /// <summary>Tool names: letters, digits, <c>_</c> and <c>-</c> (the original generator's rule), at most 100 characters.</summary>
    public static string? CheckToolName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "a tool name is required"
        : name.Length > 100 ? "a tool name has at most 100 characters"
        : ToolName().IsMatch(name) ? null
        : $"'{name}' is not a tool name: use letters, digits, '_' and '-' (such as systemctl or Get-Service)";

    /// <summary>Capability, pattern, input and output names: a letter, then letters, digits and <c>_</c>.</summary>
    public static string? CheckName(string? name, string what) =>
        string.IsNullOrWhiteSpace(name) ? $"a {what} name is required"
        : name.Length > 100 ? $"a {what} name has at most 100 characters"
        : Identifier().IsMatch(name) ? null
        : $"'{name}' is not a {what} name: start with a letter, then letters, digits and '_' (such as service_restart)";

    public static string? CheckVersion(string? version) =>
        string.IsNullOrWhiteSpace(version) ? "a version is required (such as 1.0)"
        : version.Length > 20 ? "a version has at most 20 characters"
        : version.Any(char.IsWhiteSpace) ? "a version has no spaces (such as 1.0 or 2.1.3)"
        : null;

    public static string? CheckText(string? text, string what) =>
        string.IsNullOrWhiteSpace(text) ? $"{what} is required" : null;

    public static string? CheckScore(double value, string what) =>
        value is >= 0 and <= 1 ? null : $"{what} must be between 0 and 1, got {value.ToString(CultureInfo.InvariantCulture)}";

    public static string? CheckChoice(string? value, IReadOnlyList<string> allowed, string what) =>
        value is not null && allowed.Contains(value, StringComparer.Ordinal) ? null : $"{what} must be one of {string.Join(", ", allowed)}; got '{value}'";

    /// <summary>Compiles an estimate expression and evaluates it for the sample context.</summary>
    /// <returns>Null and the preview ("= 2500 for N = 10") when valid, else the error with its column.</returns>
    public static string? CheckEstimate(string? text, out string? preview)
    {
        preview = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "an expression is required, such as 1000 + 5 * N";
        }

        var table = VariableTable.CreateDefault();
        if (!EstimateExpression.TryCompile(text, table, out var expression, out var error))
        {
            return $"'{text}' is not a valid expression: {error.Message} (at column {error.Column.ToString(CultureInfo.InvariantCulture)}). Allowed: numbers, variables such as N, + - * / // % **, and log log10 log2 sqrt min max abs ceil floor exp";
        }

        var context = new ExpressionContext(table);
        foreach (var variable in expression.Variables)
        {
            if (variable == "N" || !VariableTable.IsDefaultVariable(variable))
            {
                context.Set(variable, SampleValue);
            }
        }

        if (!expression.TryEvaluate(context, out var value, out var evaluationError))
        {
            return $"'{text}' cannot be evaluated for {Sample(expression.Variables)}: {evaluationError.Message}";
        }

        if (value < 0)
        {
            return $"'{text}' is negative ({Number(value)}) for {Sample(expression.Variables)}; estimates must not be negative";
        }

        preview = $"= {Number(value)} for {Sample(expression.Variables)}";
        return null;
    }

    /// <summary>Compiles a <c>requires_background_if</c> condition (such as <c>N &gt; 50</c>) and evaluates it for the sample context.</summary>
    public static string? CheckCondition(string? text, out string? preview)
    {
        preview = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "a condition is required, such as N > 50";
        }

        var table = VariableTable.CreateDefault();
        if (!ConditionExpression.TryCompile(text, table, out var condition, out var error))
        {
            return $"'{text}' is not a valid condition: {error.Message} (at column {error.Column.ToString(CultureInfo.InvariantCulture)}). Write a comparison such as N > 50 or N >= 10 and pages > 2";
        }

        var context = new ExpressionContext(table);
        foreach (var variable in condition.Variables)
        {
            context.Set(variable, SampleValue);
        }

        preview = condition.TryEvaluate(context, out var value, out var evaluationError)
            ? $"= {(value ? "true" : "false")} for {Sample(condition.Variables)}"
            : $"(cannot be evaluated for {Sample(condition.Variables)}: {evaluationError.Message})";
        return null;
    }

    /// <summary>Parses <c>name:type[:description]</c> (a flag's input or output); the type must be one of <paramref name="types"/>.</summary>
    public static string? ParseField(string text, IReadOnlyList<string> types, string what, out string name, out string type, out string? description)
    {
        var parts = text.Split(':', 3);
        name = parts[0].Trim();
        type = parts.Length > 1 ? parts[1].Trim() : "string";
        description = parts.Length > 2 ? parts[2].Trim() : null;
        return CheckName(name, what)
            ?? (types.Contains(type, StringComparer.Ordinal) ? null : $"the {what} '{text}' has the type '{type}'; allowed: {string.Join(", ", types)}")
            ?? (string.IsNullOrWhiteSpace(description) ? $"the {what} '{text}' needs a description: name:type:description" : null);
    }

    /// <summary>Splits a comma-separated answer into trimmed, non-empty items.</summary>
    public static List<string> SplitList(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Sample(IReadOnlyList<string> variables)
    {
        var shown = variables.Where(v => v == "N" || !VariableTable.IsDefaultVariable(v)).ToList();
        if (!shown.Contains("N"))
        {
            shown.Insert(0, "N");
        }

        var defaults = variables.Where(v => v != "N" && VariableTable.IsDefaultVariable(v)).ToList();
        var text = string.Join(", ", shown.Select(v => $"{v} = {Number(SampleValue)}"));
        return defaults.Count == 0 ? text : $"{text} ({string.Join(", ", defaults)} at their defaults)";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ToolName();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
