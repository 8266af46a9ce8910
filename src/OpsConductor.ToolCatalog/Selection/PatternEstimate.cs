using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// A pattern's time and cost for one request's variables, as selection evaluates them (see
/// <see cref="ToolSelector.Estimate"/>), or why they could not be evaluated.
/// </summary>
public sealed class PatternEstimate
{
    internal PatternEstimate(CompiledPattern pattern, ToolCandidate? candidate, ExcludedCandidate? failure)
    {
        Pattern = pattern;
        EstimatedTimeMs = candidate?.EstimatedTimeMs;
        EstimatedCost = candidate?.EstimatedCost;
        Failure = failure;
    }

    /// <summary>The pattern.</summary>
    public CompiledPattern Pattern { get; }

    /// <summary><c>time_estimate_ms</c> evaluated for the variables; null when it could not be (see <see cref="Failure"/>).</summary>
    public double? EstimatedTimeMs { get; }

    /// <summary><c>cost_estimate</c> evaluated for the variables; null when it could not be (see <see cref="Failure"/>).</summary>
    public double? EstimatedCost { get; }

    /// <summary>
    /// Why the estimates could not be evaluated (an expression that does not compile, a missing variable, an evaluation
    /// error, an impossible value), with the rule and the values, as selection would exclude the pattern; null when they were.
    /// </summary>
    public ExcludedCandidate? Failure { get; }
}
