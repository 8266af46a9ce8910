using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>How the orchestrator should run the chosen pattern.</summary>
public enum ExecutionModeHint
{
    /// <summary>Run now and wait for the answer.</summary>
    Immediate,

    /// <summary>Run as a background job (long, or the pattern's policy says so for this context).</summary>
    Background,

    /// <summary>Ask a person first (<c>policy.requires_approval</c>, or elevated permissions).</summary>
    ApprovalRequired,
}

/// <summary>The response-time class of the chosen pattern.</summary>
public enum SlaClass
{
    /// <summary>Under one second.</summary>
    Interactive,

    /// <summary>Under ten seconds.</summary>
    Batch,

    /// <summary>Ten seconds or more.</summary>
    Background,
}

/// <summary>Converts selection enums to the original's wire forms.</summary>
public static class SelectionNames
{
    /// <summary><c>immediate</c>, <c>background</c> or <c>approval_required</c>.</summary>
    public static string ToWire(this ExecutionModeHint hint) => hint switch
    {
        ExecutionModeHint.Immediate => "immediate",
        ExecutionModeHint.Background => "background",
        _ => "approval_required",
    };

    /// <summary><c>interactive</c>, <c>batch</c> or <c>background</c>.</summary>
    public static string ToWire(this SlaClass sla) => sla switch
    {
        SlaClass.Interactive => "interactive",
        SlaClass.Batch => "batch",
        _ => "background",
    };

    /// <summary>
    /// The rule's name as the REST API, the decision log and the admin UI spell it: its member name in snake_case
    /// (<c>cost_limit</c>, <c>not_production_safe</c>, …).
    /// </summary>
    public static string ToWire(this ExclusionRule rule) => JsonNamingPolicy.SnakeCaseLower.ConvertName(rule.ToString());
}

/// <summary>A candidate that passed every hard policy, with its score and the reasons behind it.</summary>
public sealed class RankedCandidate
{
    internal RankedCandidate(ToolCandidate candidate, ScoreFeatures features, double score, PolicyOutcome policy, TimeSource timeSource = TimeSource.Catalog)
    {
        Candidate = candidate;
        Features = features;
        Score = score;
        Policy = policy;
        TimeSource = timeSource;
    }

    /// <summary>A copy with the relevance feature set and the score recomputed under <paramref name="weights"/>.</summary>
    internal RankedCandidate WithRelevance(double relevance, double bm25, IReadOnlyList<string> matchedTerms, FeatureWeights weights)
    {
        var features = Features with { Relevance = relevance };
        return new RankedCandidate(Candidate, features, features.Score(weights), Policy, TimeSource) { RelevanceScore = bm25, MatchedTerms = matchedTerms };
    }

    /// <summary>The candidate.</summary>
    public ToolCandidate Candidate { get; }

    /// <summary>The pattern's BM25 score for the request's query (before normalisation); 0 when relevance was not computed.</summary>
    public double RelevanceScore { get; private init; }

    /// <summary>The query's terms (as stemmed) that the pattern's text contains; empty when relevance was not computed.</summary>
    public IReadOnlyList<string> MatchedTerms { get; private init; } = [];

    /// <summary>Its normalised features.</summary>
    public ScoreFeatures Features { get; }

    /// <summary>Its total score, <c>Σ weight × feature</c>.</summary>
    public double Score { get; }

    /// <summary>The soft policy outcomes: approval and background requirements, and why.</summary>
    public PolicyOutcome Policy { get; }

    /// <summary>
    /// Which time the score's time feature was computed from: the catalog's estimate, or the telemetry's median for the
    /// request (with <see cref="CalibrationUse.Rank"/> and a calibrated pattern).
    /// </summary>
    public TimeSource TimeSource { get; }

    /// <summary>
    /// How to run it: approval first when the pattern requires approval; else background when the pattern's policy
    /// says so for this context or the estimate exceeds 5 s (the original's rule); else immediately.
    /// </summary>
    public ExecutionModeHint ExecutionMode => Policy.RequiresApproval
        ? ExecutionModeHint.ApprovalRequired
        : Policy.RequiresBackground || Candidate.EstimatedTimeMs > 5000 ? ExecutionModeHint.Background : ExecutionModeHint.Immediate;

    /// <summary>Interactive under 1 s, batch under 10 s, otherwise background (the original's rule).</summary>
    public SlaClass SlaClass => Candidate.EstimatedTimeMs < 1000 ? SlaClass.Interactive : Candidate.EstimatedTimeMs < 10000 ? SlaClass.Batch : SlaClass.Background;

    /// <summary>Each feature's normalised value, weight and contribution, largest first.</summary>
    public IReadOnlyList<FeatureContribution> Explain(FeatureWeights weights) => Features.Explain(weights);

    /// <summary>A one-line explanation: score, estimates and the weighted features.</summary>
    public string Describe(FeatureWeights weights)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Candidate.Key} score {Score:0.0000}: time {Candidate.EstimatedTimeMs:0.###} ms");
        if (Candidate.ExperimentNote is { } experiment)
        {
            text.Append(" [").Append(experiment).Append(']');
        }

        if (Candidate.Calibration is { } calibration)
        {
            text.Append(CultureInfo.InvariantCulture,
                $" (telemetry p50 {calibration.P50(Candidate.EstimatedTimeMs):0.###} ms, p90 {calibration.P90(Candidate.EstimatedTimeMs):0.###} ms over {calibration.Samples} runs; ranked on {(TimeSource == TimeSource.TelemetryP50 ? "the telemetry p50" : "the catalog estimate")})");
        }

        text.Append(CultureInfo.InvariantCulture, $", cost {Candidate.EstimatedCost:0.###}; ");
        text.AppendJoin(", ", Explain(weights).Where(c => c.Weight > 0).Select(c =>
            string.Create(CultureInfo.InvariantCulture, $"{c.Feature} {c.Value:0.000}×{c.Weight:0.00}={c.Contribution:0.000}")));
        if (weights.Relevance != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; query match BM25 {RelevanceScore:0.00}");
            text.Append(MatchedTerms.Count == 0 ? " (no query term)" : " on " + string.Join(", ", MatchedTerms));
        }

        foreach (var note in Policy.Notes)
        {
            text.Append("; ").Append(note);
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Candidate.Key} {Score:0.0000}";
}

/// <summary>The soft outcomes of the policy rules for one candidate.</summary>
/// <param name="RequiresApproval">Whether a person must approve the run.</param>
/// <param name="RequiresBackground">Whether the run must go to the background for this context.</param>
/// <param name="Notes">Why, in words ("requires_background_if 'N > 50' holds for N = 100").</param>
public sealed record PolicyOutcome(bool RequiresApproval, bool RequiresBackground, IReadOnlyList<string> Notes)
{
    /// <summary>No soft rule applies.</summary>
    public static PolicyOutcome None { get; } = new(false, false, []);
}
