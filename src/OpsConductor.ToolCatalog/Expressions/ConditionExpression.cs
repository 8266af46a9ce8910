using System.Diagnostics.CodeAnalysis;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// A compiled policy condition (<c>requires_background_if: "N &gt; 50"</c>): the estimate language plus the comparisons
/// <c>&lt; &lt;= &gt; &gt;= == !=</c> (chained as Python chains them: <c>1 &lt; N &lt;= 10</c>), and <c>and</c>, <c>or</c>,
/// <c>not</c> with Python's short-circuit rules. The result is Python's truthiness of the value: a bare arithmetic
/// expression is true when it is not zero. Immutable and thread-safe; evaluation allocates nothing when it succeeds.
/// </summary>
/// <remarks>The original could not evaluate conditions at all (its evaluator refused comparisons); this is new.</remarks>
public sealed class ConditionExpression
{
    private readonly CompiledExpression _compiled;

    private ConditionExpression(CompiledExpression compiled) => _compiled = compiled;

    /// <summary>The condition text as given.</summary>
    public string Text => _compiled.Text;

    /// <summary>Whether the condition uses no variables, so that it always gives the same answer (or the same error).</summary>
    public bool IsConstant => _compiled.IsConstant;

    /// <summary>The nesting depth: through operands of operators, comparisons and <c>and</c>/<c>or</c>/<c>not</c>, and function arguments.</summary>
    public int Depth => _compiled.Depth;

    /// <summary>The distinct variable names the condition uses, in order of first use.</summary>
    public IReadOnlyList<string> Variables => _compiled.Variables;

    /// <summary>The table the condition's variables were given slots in; contexts must be created over it.</summary>
    public VariableTable VariableTable => _compiled.Table;

    /// <summary>Compiles <paramref name="text"/> with the default limits (500 characters, depth 20).</summary>
    /// <exception cref="ExpressionSyntaxException">The text is not a valid condition.</exception>
    public static ConditionExpression Compile(string text, VariableTable variables) =>
        Compile(text, variables, ExpressionOptions.Default);

    /// <summary>Compiles <paramref name="text"/>, giving its variables slots in <paramref name="variables"/>.</summary>
    /// <exception cref="ExpressionSyntaxException">The text is not a valid condition.</exception>
    public static ConditionExpression Compile(string text, VariableTable variables, ExpressionOptions options)
    {
        if (!TryCompile(text, variables, options, out var condition, out var error))
        {
            throw new ExpressionSyntaxException(text, error);
        }

        return condition;
    }

    /// <summary>Compiles <paramref name="text"/> with the default limits; on failure says why and where, without throwing.</summary>
    public static bool TryCompile(
        string text, VariableTable variables,
        [NotNullWhen(true)] out ConditionExpression? condition, [NotNullWhen(false)] out ExpressionError? error) =>
        TryCompile(text, variables, ExpressionOptions.Default, out condition, out error);

    /// <summary>Compiles <paramref name="text"/>; on failure says why and where, without throwing.</summary>
    public static bool TryCompile(
        string text, VariableTable variables, ExpressionOptions options,
        [NotNullWhen(true)] out ConditionExpression? condition, [NotNullWhen(false)] out ExpressionError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (CompiledExpression.TryCreate(text, variables, ExpressionLanguage.Condition, options, out var compiled, out error))
        {
            condition = new ConditionExpression(compiled);
            return true;
        }

        condition = null;
        return false;
    }

    /// <summary>Evaluates the condition for <paramref name="context"/>.</summary>
    /// <exception cref="ExpressionEvaluationException">A variable is missing or the arithmetic failed.</exception>
    /// <exception cref="ArgumentException">The context belongs to another <see cref="VariableTable"/>.</exception>
    public bool Evaluate(ExpressionContext context)
    {
        if (!TryEvaluate(context, out var value, out var error))
        {
            throw new ExpressionEvaluationException(Text, error);
        }

        return value;
    }

    /// <summary>Evaluates the condition for <paramref name="context"/> without throwing; allocates nothing on success.</summary>
    /// <exception cref="ArgumentException">The context belongs to another <see cref="VariableTable"/>.</exception>
    public bool TryEvaluate(ExpressionContext context, out bool value, [NotNullWhen(false)] out ExpressionError? error)
    {
        var compiled = _compiled;
        var values = compiled.ValuesOf(context);
        if (compiled.TryRun(values, out var result))
        {
            value = result != 0;
            error = null;
            return true;
        }

        (result, error) = compiled.Explain(values);
        value = error is null && result != 0;
        return error is null;
    }

    /// <summary>The condition text.</summary>
    public override string ToString() => Text;

    internal CompiledExpression Compiled => _compiled;
}
