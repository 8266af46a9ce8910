using System.Collections.Concurrent;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// Compiles the expressions of a catalog against one <see cref="VariableTable"/>, once per distinct text: the
/// corpus repeats a handful of expressions ("1", "500", "ceil(N / 100)") thousands of times. Shared by a snapshot
/// and every snapshot derived from it.
/// </summary>
internal sealed class ExpressionCompiler
{
    private readonly ConcurrentDictionary<string, (EstimateExpression? Expression, ExpressionError? Error)> _estimates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (ConditionExpression? Expression, ExpressionError? Error)> _conditions = new(StringComparer.Ordinal);

    public ExpressionCompiler(VariableTable variables) => Variables = variables;

    public VariableTable Variables { get; }

    public EstimateExpression? CompileEstimate(string text, string field, List<string> problems)
    {
        var (expression, error) = _estimates.GetOrAdd(text, static (t, variables) =>
            EstimateExpression.TryCompile(t, variables, out var e, out var err) ? (e, null) : (null, err), Variables);
        if (error is not null)
        {
            problems.Add(Describe(field, text, error));
        }

        return expression;
    }

    public ConditionExpression? CompileCondition(string text, string field, List<string> problems)
    {
        var (expression, error) = _conditions.GetOrAdd(text, static (t, variables) =>
            ConditionExpression.TryCompile(t, variables, out var e, out var err) ? (e, null) : (null, err), Variables);
        if (error is not null)
        {
            problems.Add(Describe(field, text, error));
        }

        return expression;
    }

    private static string Describe(string field, string text, ExpressionError error) =>
        error.Column > 0
            ? $"{field} '{text}': {error.Message} (column {error.Column})"
            : $"{field} '{text}': {error.Message}";
}
