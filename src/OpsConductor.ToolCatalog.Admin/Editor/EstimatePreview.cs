using System.Globalization;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Admin.Editor;

/// <summary>One value of a preview: the variables it was computed for and the result (or why there is none).</summary>
internal sealed record EstimateSample(string Variables, string Value);

/// <summary>
/// An expression of the editor compiled as it is typed, with the library's expression engine (never a second one): the
/// compile error with its column, or the value for a few values of its variables — <c>N</c> = 1, 10 and 100, and the
/// vocabulary's defaults (<see cref="VariableTable.Defaults"/>). Variables outside the vocabulary are given 10, as the
/// CLI wizard's preview does, and the samples say so.
/// </summary>
internal sealed record EstimatePreview(string? Error, IReadOnlyList<EstimateSample> Samples)
{
    /// <summary>The value other variables (not in the default vocabulary) are given in the samples.</summary>
    public const double OtherVariableValue = 10;

    private static readonly double[] SampleN = [1, 10, 100];

    /// <summary>Compiles <paramref name="text"/> as an estimate (<c>time_estimate_ms</c>, <c>cost_estimate</c>) or a condition
    /// (<c>requires_background_if</c>) and evaluates it for the sample values.</summary>
    public static EstimatePreview Of(string? text, ExpressionLanguage language = ExpressionLanguage.Estimate)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return language == ExpressionLanguage.Estimate
                ? new EstimatePreview("an expression is needed, such as 500 + 200 * N", [])
                : new EstimatePreview(null, []);
        }

        var table = VariableTable.CreateDefault();
        Func<ExpressionContext, string> evaluate;
        IReadOnlyList<string> variables;
        if (language == ExpressionLanguage.Estimate)
        {
            if (!EstimateExpression.TryCompile(text, table, out var estimate, out var error))
            {
                return new EstimatePreview(Describe(error), []);
            }

            variables = estimate.Variables;
            evaluate = context => estimate.TryEvaluate(context, out var value, out var failure) ? EstimateExpression.FormatValue(value) : "error: " + failure.Message;
        }
        else
        {
            if (!ConditionExpression.TryCompile(text, table, out var condition, out var error))
            {
                return new EstimatePreview(Describe(error), []);
            }

            variables = condition.Variables;
            evaluate = context => condition.TryEvaluate(context, out var value, out var failure) ? (value ? "true" : "false") : "error: " + failure.Message;
        }

        var others = variables.Where(static v => !VariableTable.IsDefaultVariable(v)).ToList();
        var otherText = others.Count == 0 ? "" : ", " + string.Join(", ", others.Select(static o => $"{o}={Number(OtherVariableValue)}"));
        var samples = new List<EstimateSample>();
        if (variables.Contains("N"))
        {
            foreach (var n in SampleN)
            {
                var context = Context(table, others);
                context.Set("N", n);
                samples.Add(new EstimateSample($"N={Number(n)}{otherText}", evaluate(context)));
            }
        }

        var defaults = string.Join(", ", VariableTable.Defaults.Where(d => variables.Contains(d.Key)).Select(static d => $"{d.Key}={Number(d.Value)}"));
        var label = variables.Count == 0 ? "always" : "defaults" + (defaults.Length == 0 ? "" : $" ({defaults})") + otherText;
        samples.Add(new EstimateSample(label, evaluate(Context(table, others))));
        return new EstimatePreview(null, samples);
    }

    private static ExpressionContext Context(VariableTable table, List<string> others)
    {
        var context = new ExpressionContext(table);
        foreach (var other in others)
        {
            context.Set(other, OtherVariableValue);
        }

        return context;
    }

    private static string Describe(ExpressionError error) => error.ToString();

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
