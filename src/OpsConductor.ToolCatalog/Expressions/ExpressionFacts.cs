namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>What <see cref="ExpressionAnalysis.Analyze"/> found out about an expression without evaluating it for a context.</summary>
internal sealed record ExpressionFacts
{
    /// <summary>The text analysed.</summary>
    public required string Text { get; init; }

    /// <summary>The language it was checked against.</summary>
    public ExpressionLanguage Language { get; init; }

    /// <summary>Why the text does not compile (syntax, language, arity, limits), with its column; null when it compiles.</summary>
    public ExpressionError? Error { get; init; }

    /// <summary>Whether the text compiles.</summary>
    public bool IsValid => Error is null;

    /// <summary>The distinct variables used, in order of first use (empty when invalid).</summary>
    public IReadOnlyList<string> Variables { get; init; } = [];

    /// <summary>
    /// The variables used that are not defaults (<see cref="VariableTable.Defaults"/>): a context must supply them, or
    /// evaluation fails with <see cref="ExpressionErrorKind.UndefinedVariable"/>.
    /// </summary>
    public IReadOnlyList<string> VariablesWithoutDefaults => [.. Variables.Where(v => !VariableTable.IsDefaultVariable(v))];

    /// <summary>Whether the expression is valid and uses no variables.</summary>
    public bool IsConstant { get; init; }

    /// <summary>The nesting depth as the original measured it (0 when invalid).</summary>
    public int Depth { get; init; }

    /// <summary>For a valid constant expression that evaluates: its value (for a condition, 1 or 0 for true or false).</summary>
    public double? ConstantValue { get; init; }

    /// <summary>For a valid constant expression that can never evaluate (<c>1/0</c>, <c>log(0)</c>): the error it always gives.</summary>
    public ExpressionError? ConstantError { get; init; }
}
