namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>Limits applied when an expression is compiled or analysed.</summary>
public sealed record ExpressionOptions
{
    /// <summary>The limits every catalog uses unless told otherwise: 500 characters, depth 20.</summary>
    public static ExpressionOptions Default { get; } = new();

    /// <summary>
    /// The longest expression text accepted, in characters; 500 by default, matching the original database column
    /// (<c>VARCHAR(500)</c>). The original evaluator had no limit.
    /// </summary>
    public int MaxLength { get; init; } = 500;

    /// <summary>
    /// The deepest nesting accepted; 20 by default, as the original's <c>SafeMathEvaluator(max_depth=20)</c>. Depth counts
    /// through operator operands and function arguments (the root is depth 0; parentheses add nothing).
    /// </summary>
    public int MaxDepth { get; init; } = 20;

    /// <summary>
    /// After how many evaluations an expression is compiled to a delegate, in the background, so that hot expressions
    /// run as fast as hand-written code while cold ones cost nothing extra to create; 1000 by default, 0 for never.
    /// Constants and the affine shapes (<c>a + b*x</c>) are always evaluated directly and never need it.
    /// </summary>
    public int CompileAfterEvaluations { get; init; } = 1000;

    internal void Validate()
    {
        if (MaxLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "MaxLength must be at least 1.");
        }

        if (CompileAfterEvaluations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CompileAfterEvaluations), CompileAfterEvaluations, "CompileAfterEvaluations must be 0 (never) or more.");
        }

        if (MaxDepth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, "MaxDepth must be 0 or more.");
        }
    }
}
