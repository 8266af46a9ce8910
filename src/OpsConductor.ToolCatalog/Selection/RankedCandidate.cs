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
/// <remarks>
/// A candidate of a request without a query carries no relevance data (a selection without a query allocates what it did
/// before the relevance feature); a request whose weights give relevance a weight gets candidates that also carry their
/// BM25 score, normalised relevance and matched terms (decision 1801). Not meant to be derived from outside the library.
/// </remarks>
#pragma warning disable CA1852 // Not sealed: the library's own relevance-carrying candidate derives from it; the constructors are internal.
public class RankedCandidate
#pragma warning restore CA1852
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
    internal RankedCandidate WithRelevance(double relevance, double bm25, IReadOnlyList<string> matchedTerms, FeatureWeights weights) =>
        new QueryRankedCandidate(this, relevance, bm25, matchedTerms, weights);

    /// <summary>The candidate.</summary>
    public ToolCandidate Candidate { get; }

    /// <summary>
    /// How well the pattern's text matches the request's query, in [0, 1] (its BM25 score over the best candidate's; for a
    /// query-only request, decision 1801's mix with its capability's best); 0 when relevance was not computed.
    /// </summary>
    public double Relevance => this is QueryRankedCandidate query ? query.RelevanceValue : 0;

    /// <summary>The pattern's BM25 score for the request's query (before normalisation); 0 when relevance was not computed.</summary>
    public double RelevanceScore => this is QueryRankedCandidate query ? query.Bm25 : 0;

    /// <summary>The query's terms (as stemmed) that the pattern's text contains; empty when relevance was not computed.</summary>
    public IReadOnlyList<string> MatchedTerms => this is QueryRankedCandidate query ? query.Terms : [];

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

    /// <summary>
    /// Each feature's normalised value, weight and contribution, largest first: <see cref="Features"/>, plus
    /// <c>relevance</c> (<see cref="Relevance"/>) when <paramref name="weights"/> give it a weight.
    /// </summary>
    public IReadOnlyList<FeatureContribution> Explain(FeatureWeights weights)
    {
        var list = new FeatureContribution[FeatureCount(weights)];
        Explain(weights, list);
        return list;
    }

    /// <summary>
    /// Writes what <see cref="Explain(FeatureWeights)"/> returns into <paramref name="destination"/> without allocating
    /// (for writers of many explanations, such as an API answer), and returns how many it wrote (<see cref="FeatureCount"/>).
    /// </summary>
    /// <param name="weights">The evaluation's weights.</param>
    /// <param name="destination">Room for at least <see cref="FeatureCount"/> contributions.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public int Explain(FeatureWeights weights, Span<FeatureContribution> destination) => Features.Explain(weights, Relevance, destination);

    /// <summary>How many contributions a candidate's explanation under <paramref name="weights"/> has: 5, or 8 when the mode uses the declared scores, plus 1 when relevance has a weight.</summary>
    public static int FeatureCount(FeatureWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return ScoreFeatures.FeatureCount(weights) + (weights.Relevance != 0 ? 1 : 0);
    }

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

/// <summary>A candidate of a request whose query took part in the score: the relevance data, held only for such requests.</summary>
internal sealed class QueryRankedCandidate : RankedCandidate
{
    internal QueryRankedCandidate(RankedCandidate ranked, double relevance, double bm25, IReadOnlyList<string> terms, FeatureWeights weights)
        : base(ranked.Candidate, ranked.Features, ranked.Features.Score(weights) + (weights.Relevance * relevance), ranked.Policy, ranked.TimeSource)
    {
        RelevanceValue = relevance;
        Bm25 = bm25;
        Terms = terms;
    }

    /// <summary>The normalised relevance, in [0, 1].</summary>
    public double RelevanceValue { get; }

    /// <summary>The BM25 score.</summary>
    public double Bm25 { get; }

    /// <summary>The query terms the pattern's text contains.</summary>
    public IReadOnlyList<string> Terms { get; }
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
