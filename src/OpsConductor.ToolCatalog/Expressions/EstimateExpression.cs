using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using OpsConductor.ToolCatalog.Compatibility;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// A compiled estimate expression (<c>time_estimate_ms</c>, <c>cost_estimate</c>) in the original's language: numbers,
/// variables, <c>+ - * / // % **</c>, unary <c>+ -</c>, the functions <c>log log10 log2 sqrt min max abs ceil floor exp</c>
/// and the constants <c>pi</c> and <c>e</c>, with Python 3's semantics. Immutable and thread-safe; evaluation allocates
/// nothing when it succeeds.
/// </summary>
/// <remarks>
/// Deliberate differences from the original are listed in <c>docs/expressions.md</c>: string literals, keyword
/// arguments, complex numbers and <c>None</c> are refused; leading whitespace is accepted; the text is at most
/// <see cref="ExpressionOptions.MaxLength"/> characters; a NaN or infinite result is an error; function arity is
/// checked when compiling; <c>pi</c> and <c>e</c> are constants a context cannot override; values are 64-bit floats, so
/// integers beyond ±2^53 are not exact as in Python.
/// </remarks>
public sealed class EstimateExpression
{
    private readonly CompiledExpression _compiled;

    // The inline shapes' parameters (affine, and affine plus a ceiling step), held here so that their evaluation reads
    // one object: _inlineTable is the table when the expression has such a shape and null otherwise, so one comparison
    // checks both the context's table and the shape.
    private readonly VariableTable? _inlineTable;
    private readonly double _offset;
    private readonly double _scale;
    private readonly int _slot;
    private readonly bool _hasStep;
    private readonly double _stepScale;
    private readonly double _stepDivisor;
    private readonly int _stepSlot;

    private EstimateExpression(CompiledExpression compiled)
    {
        _compiled = compiled;
        var inline = compiled.Inline;
        (_inlineTable, _offset, _scale, _slot) = (inline.Table, inline.Offset, inline.Scale, inline.Slot);
        (_hasStep, _stepScale, _stepDivisor, _stepSlot) = (inline.HasStep, inline.StepScale, inline.StepDivisor, inline.StepSlot);
    }

    /// <summary>The expression text as given.</summary>
    public string Text => _compiled.Text;

    /// <summary>Whether the expression uses no variables, so that it always evaluates to the same value (or the same error).</summary>
    public bool IsConstant => _compiled.IsConstant;

    /// <summary>The nesting depth, as the original measured it: through operator operands and function arguments, the root being 0.</summary>
    public int Depth => _compiled.Depth;

    /// <summary>The distinct variable names the expression uses, in order of first use.</summary>
    public IReadOnlyList<string> Variables => _compiled.Variables;

    /// <summary>The table the expression's variables were given slots in; contexts must be created over it.</summary>
    public VariableTable VariableTable => _compiled.Table;

    /// <summary>Compiles <paramref name="text"/> with the default limits (500 characters, depth 20).</summary>
    /// <exception cref="ExpressionSyntaxException">The text is not a valid estimate expression.</exception>
    public static EstimateExpression Compile(string text, VariableTable variables) =>
        Compile(text, variables, ExpressionOptions.Default);

    /// <summary>Compiles <paramref name="text"/>, giving its variables slots in <paramref name="variables"/>.</summary>
    /// <exception cref="ExpressionSyntaxException">The text is not a valid estimate expression.</exception>
    public static EstimateExpression Compile(string text, VariableTable variables, ExpressionOptions options)
    {
        if (!TryCompile(text, variables, options, out var expression, out var error))
        {
            throw new ExpressionSyntaxException(text, error);
        }

        return expression;
    }

    /// <summary>
    /// Writes an estimate's value as the original printed its <c>float</c> result (Python's <c>repr</c>): <c>2150.0</c>,
    /// <c>inf</c>, <c>nan</c>, exponents as <c>1e+200</c>. For output shown to people; a host that stores values keeps the <see cref="double"/>.
    /// </summary>
    public static string FormatValue(double value) => PythonRepr.Float(value);

    /// <summary>Compiles <paramref name="text"/> with the default limits; on failure says why and where, without throwing.</summary>
    public static bool TryCompile(
        string text, VariableTable variables,
        [NotNullWhen(true)] out EstimateExpression? expression, [NotNullWhen(false)] out ExpressionError? error) =>
        TryCompile(text, variables, ExpressionOptions.Default, out expression, out error);

    /// <summary>Compiles <paramref name="text"/>; on failure says why and where, without throwing.</summary>
    public static bool TryCompile(
        string text, VariableTable variables, ExpressionOptions options,
        [NotNullWhen(true)] out EstimateExpression? expression, [NotNullWhen(false)] out ExpressionError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (CompiledExpression.TryCreate(text, variables, ExpressionLanguage.Estimate, options, out var compiled, out error))
        {
            expression = new EstimateExpression(compiled);
            return true;
        }

        expression = null;
        return false;
    }

    /// <summary>Evaluates the expression for <paramref name="context"/>.</summary>
    /// <exception cref="ExpressionEvaluationException">A variable is missing or the arithmetic failed.</exception>
    /// <exception cref="ArgumentException">The context belongs to another <see cref="VariableTable"/>.</exception>
    public double Evaluate(ExpressionContext context)
    {
        if (!TryEvaluate(context, out var value, out var error))
        {
            throw new ExpressionEvaluationException(Text, error);
        }

        return value;
    }

    /// <summary>
    /// Evaluates the expression for <paramref name="context"/> without throwing: the hot path. On success the value is a
    /// finite double and nothing is allocated.
    /// </summary>
    /// <exception cref="ArgumentException">The context belongs to another <see cref="VariableTable"/>.</exception>
    /// <remarks>
    /// Inlined into the caller. The affine and ceiling-step shapes (<c>a + b*x</c>, <c>k * ceil(y / d) + a + b*x</c>: most
    /// of a catalog's estimates that are not constants) are computed right here; a hot expression of any other shape
    /// costs one call to its compiled delegate, a cold one a walk of its node tree. Measured in docs/benchmarks.md.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEvaluate(ExpressionContext context, out double value, [NotNullWhen(false)] out ExpressionError? error)
    {
        // This object's first field read doubles as its null check (no separate test on every evaluation); a null context
        // takes the general path, which throws ArgumentNullException.
        var inlineTable = _inlineTable;
        double result;
        bool ok;
        if (context is not null && ReferenceEquals(context.Variables, inlineTable))
        {
            // Exactly as CompiledExpression.TryRun computes these shapes. A missing variable reads as a NaN, and the ceiling
            // of a non-finite quotient is non-finite: either way the result is not finite and Explain says why.
            var values = context.Values;
            result = _offset + (_scale * ExpressionContext.RawLoad(values, _slot));
            if (_hasStep)
            {
                result = (_stepScale * Math.Ceiling(ExpressionContext.RawLoad(values, _stepSlot) / _stepDivisor)) + result;
            }

            ok = double.IsFinite(result);
        }
        else
        {
            var compiled = _compiled;
            var values = compiled.ValuesOf(context);
            if (compiled.FastPath is { } fast)
            {
                // A hot expression of any other shape: its compiled delegate, called directly.
                result = fast(values);
                ok = double.IsFinite(result);
            }
            else
            {
                ok = compiled.TryRun(values, out result);
            }
        }

        if (ok)
        {
            value = result;
            error = null;
            return true;
        }

        (value, error) = Explain(context!); // not null: the affine branch tested it and ValuesOf throws on null
        return error is null;
    }

    // Takes the context, not its values and compiled form, so that the inlined caller keeps one value (the context) live
    // across the delegate call instead of two: one stack store fewer on every evaluation.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private (double Value, ExpressionError? Error) Explain(ExpressionContext context) => _compiled.Explain(context.Values);

    /// <summary>The expression text.</summary>
    public override string ToString() => Text;

    internal CompiledExpression Compiled => _compiled;
}
