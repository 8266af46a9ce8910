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

    internal void Validate()
    {
        if (MaxLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "MaxLength must be at least 1.");
        }

        if (MaxDepth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, "MaxDepth must be 0 or more.");
        }
    }
}
