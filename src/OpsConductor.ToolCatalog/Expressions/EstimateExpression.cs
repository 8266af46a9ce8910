using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

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

    private EstimateExpression(CompiledExpression compiled) => _compiled = compiled;

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEvaluate(ExpressionContext context, out double value, [NotNullWhen(false)] out ExpressionError? error)
    {
        var compiled = _compiled;
        var values = compiled.ValuesOf(context);
        if (compiled.TryRun(values, out var result))
        {
            value = result;
            error = null;
            return true;
        }

        return compiled.Explain(values, out value, out error);
    }

    /// <summary>The expression text.</summary>
    public override string ToString() => Text;

    internal CompiledExpression Compiled => _compiled;
}
