namespace OpsConductor.ToolCatalog.Selection;

/// <summary>Why a pattern was not ranked.</summary>
public enum ExclusionRule
{
    /// <summary>An expression of the pattern does not compile.</summary>
    InvalidExpression,

    /// <summary>An expression needs a variable the request does not give and the catalog does not default.</summary>
    MissingVariable,

    /// <summary>An expression could not be evaluated for this request (division by zero, domain error, …).</summary>
    EvaluationError,

    /// <summary>An estimate evaluated to a negative or non-finite number for this request (never ranked: it would be nonsense to score).</summary>
    ImpossibleEstimate,

    /// <summary>The estimated cost is above the request's cost limit (the original's only policy filter).</summary>
    CostLimit,

    /// <summary>The estimated cost is above the pattern's own <c>policy.max_cost</c>.</summary>
    PatternMaxCost,

    /// <summary>The pattern is not production-safe and the request runs in production.</summary>
    NotProductionSafe,

    /// <summary>The pattern needs a permission the request does not have.</summary>
    MissingPermission,

    /// <summary>The pattern is not allowed in the request's environment.</summary>
    EnvironmentNotAllowed,
}

/// <summary>A pattern that was not ranked, and why, with the values involved.</summary>
/// <param name="ToolName">The tool.</param>
/// <param name="CapabilityName">The capability.</param>
/// <param name="PatternName">The pattern.</param>
/// <param name="Rule">The rule that excluded it.</param>
/// <param name="Reason">What a person reads: the rule and the values involved.</param>
/// <param name="Variable">The missing variable, for <see cref="ExclusionRule.MissingVariable"/>.</param>
/// <param name="EstimatedTimeMs">The evaluated time, when it was evaluated.</param>
/// <param name="EstimatedCost">The evaluated cost, when it was evaluated.</param>
public sealed record ExcludedCandidate(
    string ToolName,
    string CapabilityName,
    string PatternName,
    ExclusionRule Rule,
    string Reason,
    string? Variable = null,
    double? EstimatedTimeMs = null,
    double? EstimatedCost = null)
{
    /// <summary>Whether a policy (rather than an expression problem) excluded the pattern.</summary>
    public bool IsPolicyViolation => Rule >= ExclusionRule.CostLimit;

    /// <inheritdoc />
    public override string ToString() => $"{ToolName}.{CapabilityName}.{PatternName}: {Reason}";
}
