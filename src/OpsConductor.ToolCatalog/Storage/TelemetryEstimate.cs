using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>
/// A pattern's estimate expression compiled once for the telemetry write path, with the slots of the variables it
/// uses, so that a record without an estimate gets the one its pattern's (immutable) version gives for its variables.
/// </summary>
internal sealed class TelemetryEstimate
{
    private readonly EstimateExpression _expression;
    private readonly string[] _names;
    private readonly int[] _slots;

    private TelemetryEstimate(EstimateExpression expression, VariableTable table)
    {
        _expression = expression;
        _names = [.. expression.Variables];
        _slots = [.. _names.Select(name => table.GetOrAddSlot(name))];
    }

    /// <summary>Compiles <paramref name="text"/> over <paramref name="table"/>; null when it does not compile (it then gives no estimate).</summary>
    public static TelemetryEstimate? TryCreate(string text, VariableTable table) =>
        EstimateExpression.TryCompile(text, table, out var expression, out _) ? new TelemetryEstimate(expression, table) : null;

    /// <summary>
    /// The estimate for <paramref name="variables"/>: the default variables (<c>N = 0</c>, <c>pages = 1</c>, ...) stand in
    /// for those the record lacks, as they did when the request was selected; null when another variable is missing or the
    /// arithmetic fails (a division by zero, a non-finite result). Never throws.
    /// </summary>
    public double? Evaluate(IReadOnlyDictionary<string, double>? variables, ExpressionContext context)
    {
        context.Reset();
        for (var i = 0; i < _names.Length; i++)
        {
            if (variables is not null && variables.TryGetValue(_names[i], out var value))
            {
                context.Set(_slots[i], value);
            }
        }

        return _expression.TryEvaluate(context, out var result, out _) ? result : null;
    }
}
