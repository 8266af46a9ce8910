using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Validation;

internal sealed partial class ToolRules
{
    /// <summary>Variables without defaults used by the current pattern's expressions, checked once its inputs are known.</summary>
    private readonly List<(string Path, YamlScalar Node, string Field, string Variable)> _pendingVariables = [];

    /// <summary>
    /// Compiles the expression (<see cref="ExpressionAnalysis"/>, no evaluation) and reports a syntax or language
    /// error at its exact line and column; remembers the variables that have no default for
    /// <see cref="CheckExpressionVariables"/>.
    /// </summary>
    private void CheckExpressionSyntax(YamlScalar text, string path, ExpressionRole role, string field, string where)
    {
        var language = role == ExpressionRole.BackgroundCondition ? ExpressionLanguage.Condition : ExpressionLanguage.Estimate;
        var facts = ExpressionAnalysis.Analyze(text.Text, language);
        if (facts.Error is { } error)
        {
            ReportAddedRuleAt(ValidationCodes.PatternExpressionSyntax, path, PositionOf(text, error.Column),
                error.Column > 0
                    ? $"{field} of {where} does not compile at column {error.Column} of '{text.Text}': {error.Message}"
                    : $"{field} of {where} does not compile ('{text.Text}'): {error.Message}");
            return;
        }

        if (facts.FailsForEveryInput is { } failure)
        {
            ReportAddedRuleAt(ValidationCodes.PatternExpressionAlwaysFails, path, PositionOf(text, failure.Column),
                failure.Column > 0
                    ? $"{field} of {where} can never be evaluated: at column {failure.Column} of '{text.Text}', {failure.Message}; every selection would exclude the pattern, so fix the expression"
                    : $"{field} of {where} can never be evaluated ('{text.Text}'): {failure.Message}; every selection would exclude the pattern, so fix the expression");
            return;
        }

        foreach (var variable in facts.VariablesWithoutDefaults)
        {
            _pendingVariables.Add((path, text, field, variable));
        }
    }

    /// <summary>
    /// Warns for each variable the pattern's expressions use that neither the defaults nor the pattern's declared
    /// inputs (<paramref name="declaredInputs"/>) provide. Called once per pattern, after its inputs are read.
    /// </summary>
    internal void CheckExpressionVariables(IEnumerable<string> declaredInputs, string where)
    {
        if (_pendingVariables.Count == 0)
        {
            return;
        }

        var declared = declaredInputs.ToHashSet(StringComparer.Ordinal);
        foreach (var (path, node, field, variable) in _pendingVariables)
        {
            if (!declared.Contains(variable))
            {
                _sink.Warning(ValidationCodes.PatternExpressionVariable, path, node,
                    $"{field} of {where} uses '{variable}', which is neither a default variable (N, pages, p95_latency, cost, time_ms) nor an input the pattern declares; selection will exclude the pattern unless the request gives '{variable}' (declare it as an input with a numeric default to evaluate it without)");
            }
        }

        _pendingVariables.Clear();
    }

    /// <summary>The source position of a 1-based column inside a one-line scalar (quotes skipped); the scalar's start otherwise.</summary>
    private static SourceMark PositionOf(YamlScalar scalar, int column)
    {
        if (column <= 0 || scalar.Text.Contains('\n', StringComparison.Ordinal))
        {
            return scalar.Start;
        }

        var quote = scalar.Style is YamlScalarStyle.SingleQuoted or YamlScalarStyle.DoubleQuoted ? 1 : 0;
        var escapes = scalar.Style is YamlScalarStyle.Plain ? 0 : CountEscapedBefore(scalar, column);
        return scalar.Style is YamlScalarStyle.Plain or YamlScalarStyle.SingleQuoted or YamlScalarStyle.DoubleQuoted
            ? scalar.Start with { Column = scalar.Start.Column + quote + column - 1 + escapes }
            : scalar.Start;
    }

    /// <summary>Quoted scalars may carry escapes that make the source longer than the text; expression text rarely does, so only doubled single quotes are counted.</summary>
    private static int CountEscapedBefore(YamlScalar scalar, int column) =>
        scalar.Style == YamlScalarStyle.SingleQuoted ? scalar.Text.AsSpan(0, Math.Min(column - 1, scalar.Text.Length)).Count('\'') : 0;
}
