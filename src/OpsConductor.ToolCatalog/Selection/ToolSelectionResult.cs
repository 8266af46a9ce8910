using System.Globalization;
using System.Text;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>How the winner was chosen.</summary>
public enum SelectionMethod
{
    /// <summary>The highest score (ties keep enumeration order).</summary>
    Deterministic,

    /// <summary>The host's <see cref="ITieBreaker"/> chose between two close candidates.</summary>
    TieBreaker,
}

/// <summary>
/// The outcome of a selection: the original's <c>ToolSelectionResult</c> fields, plus the full ranking, every
/// exclusion with its reason, and a readable explanation.
/// </summary>
public sealed class ToolSelectionResult
{
    internal ToolSelectionResult(
        SelectionEvaluation evaluation,
        RankedCandidate winner,
        SelectionMethod method,
        string justification,
        bool isAmbiguous,
        string? clarifyingQuestion,
        string? tieBreakNote)
    {
        Evaluation = evaluation;
        Winner = winner;
        SelectionMethod = method;
        Justification = justification;
        IsAmbiguous = isAmbiguous;
        ClarifyingQuestion = clarifyingQuestion;
        TieBreakNote = tieBreakNote;
    }

    /// <summary>Everything the selection looked at: the mode, weights, ranking and exclusions.</summary>
    public SelectionEvaluation Evaluation { get; }

    /// <summary>The chosen candidate.</summary>
    public RankedCandidate Winner { get; }

    /// <summary>The chosen tool.</summary>
    public string ToolName => Winner.Candidate.ToolName;

    /// <summary>The chosen capability.</summary>
    public string CapabilityName => Winner.Candidate.CapabilityName;

    /// <summary>The chosen pattern.</summary>
    public string PatternName => Winner.Candidate.PatternName;

    /// <summary>The chosen tool version: the latest, or the experiment arm's version.</summary>
    public string Version => Winner.Candidate.Version;

    /// <summary>The running experiment whose arm was chosen, or null when the choice is a latest version.</summary>
    public RunningExperiment? Experiment => Winner.Candidate.Experiment;

    /// <summary>The experiment arm of the choice (<see cref="Experiment"/>), or null.</summary>
    public ExperimentArm? Arm => Winner.Candidate.Arm;

    /// <summary>How to run it.</summary>
    public ExecutionModeHint ExecutionModeHint => Winner.ExecutionMode;

    /// <summary>Its response-time class.</summary>
    public SlaClass SlaClass => Winner.SlaClass;

    /// <summary>Why it was chosen: the mode's sentence, or the tie-breaker's justification.</summary>
    public string Justification { get; }

    /// <summary>Its estimated time in milliseconds.</summary>
    public double EstimatedTimeMs => Winner.Candidate.EstimatedTimeMs;

    /// <summary>Its estimated cost.</summary>
    public double EstimatedCost => Winner.Candidate.EstimatedCost;

    /// <summary>The next three of the ranking, as <c>tool.pattern</c>.</summary>
    public IReadOnlyList<string> Alternatives => [.. Evaluation.Ranked.Skip(1).Take(3).Select(r => r.Candidate.Key)];

    /// <summary>How the winner was chosen.</summary>
    public SelectionMethod SelectionMethod { get; }

    /// <summary>Whether the top two were within epsilon.</summary>
    public bool IsAmbiguous { get; }

    /// <summary>The question that would tell the top two apart, when ambiguous.</summary>
    public string? ClarifyingQuestion { get; }

    /// <summary>The winner's score.</summary>
    public double FinalScore => Winner.Score;

    /// <summary>Candidates before policy filtering (the original's <c>num_candidates</c>).</summary>
    public int NumCandidates => Evaluation.CandidateCount;

    /// <summary>Candidates refused by a policy (the original's <c>num_policy_violations</c>).</summary>
    public int NumPolicyViolations => Evaluation.Excluded.Count(e => e.IsPolicyViolation);

    /// <summary>What happened to the tie-breaker, when one was consulted ("timed out after 3 s; kept the deterministic winner").</summary>
    public string? TieBreakNote { get; }

    /// <summary>A multi-line explanation a person can read: mode and weights, the ranking with each feature's contribution, and each exclusion's reason.</summary>
    public string Explain()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Selected {ToolName}.{PatternName} ({CapabilityName}) with score {FinalScore:0.0000} [{SelectionMethod switch { SelectionMethod.TieBreaker => "tie-breaker", _ => "deterministic" }}]: {Justification}");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Run: {ExecutionModeHint.ToWire()}, SLA {SlaClass.ToWire()}, estimated {EstimatedTimeMs:0.###} ms, cost {EstimatedCost:0.###}.");
        text.AppendLine();
        if (Winner.Candidate.ExperimentNote is { } experiment)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Experiment: the request is enrolled in {experiment} of tool {ToolName}.");
        }
        else if (Winner.Candidate.Pattern.Tool.Experiment is { } running)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Experiment: tool {ToolName} is under experiment {running.Name}; this request is not enrolled (no assignment key, or outside its target), so it gets the latest version {Version}.");
        }

        if (IsAmbiguous)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Close call: the top two are within {Evaluation.Epsilon:0.00}. {ClarifyingQuestion}");
        }

        if (TieBreakNote is not null)
        {
            text.AppendLine(TieBreakNote);
        }

        text.Append(Evaluation.Explain());
        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => $"{ToolName}.{PatternName} {FinalScore:0.0000}";
}

/// <summary>
/// Everything a selection looked at, before a winner is chosen: the mode and weights, the ranked candidates (best
/// first) and the excluded ones with their reasons. Never throws for "nothing to choose".
/// </summary>
/// <remarks>What the query did (<see cref="Relevance"/>) is held only by the evaluation of a request whose query was used,
/// so that a request without a query allocates what it did before the relevance feature. Not meant to be derived from
/// outside the library.</remarks>
#pragma warning disable CA1852 // Not sealed: the library's own query-carrying evaluation derives from it; the constructor is internal.
public class SelectionEvaluation
#pragma warning restore CA1852
{
    internal SelectionEvaluation(
        IReadOnlyList<string> capabilities,
        PreferenceMode mode,
        FeatureWeights weights,
        IReadOnlyList<RankedCandidate> ranked,
        IReadOnlyList<ExcludedCandidate> excluded,
        int candidateCount,
        long revision,
        double epsilon)
    {
        Capabilities = capabilities;
        Mode = mode;
        Weights = weights;
        Ranked = ranked;
        Excluded = excluded;
        CandidateCount = candidateCount;
        Revision = revision;
        Epsilon = epsilon;
    }

    /// <summary>The requested capabilities; for a query-only request, those the query matched.</summary>
    public IReadOnlyList<string> Capabilities { get; }

    /// <summary>What the query did (its terms; for a query-only request, the capabilities it matched and why); null when relevance was not used.</summary>
    public QueryRelevance? Relevance => this is QuerySelectionEvaluation query ? query.Query : null;

    /// <summary>The preference mode used.</summary>
    public PreferenceMode Mode { get; }

    /// <summary>The weights used.</summary>
    public FeatureWeights Weights { get; }

    /// <summary>Candidates that passed every hard policy, best first (ties keep enumeration order).</summary>
    public IReadOnlyList<RankedCandidate> Ranked { get; }

    /// <summary>Patterns left out, in enumeration order, with their reasons.</summary>
    public IReadOnlyList<ExcludedCandidate> Excluded { get; }

    /// <summary>Patterns whose estimates could be evaluated (before policy filtering).</summary>
    public int CandidateCount { get; }

    /// <summary>The catalog revision the selection read.</summary>
    public long Revision { get; }

    /// <summary>The ambiguity epsilon used.</summary>
    public double Epsilon { get; }

    /// <summary>The ranking and the exclusions, one line each.</summary>
    public string Explain()
    {
        var text = new StringBuilder();
        if (Relevance is not null)
        {
            text.Append(Relevance.Explain());
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Mode {Mode.ToWire()}; weights: {string.Join(", ", Weights.Explain())}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Ranked ({Ranked.Count}):");
        for (var i = 0; i < Ranked.Count; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {i + 1}. {Ranked[i].Describe(Weights)}");
        }

        if (Excluded.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Excluded ({Excluded.Count}):");
            foreach (var excluded in Excluded)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  - {excluded}");
            }
        }

        return text.ToString();
    }
}

/// <summary>The evaluation of a request whose query took part (decision 1801): it also holds what the query did.</summary>
internal sealed class QuerySelectionEvaluation : SelectionEvaluation
{
    internal QuerySelectionEvaluation(
        IReadOnlyList<string> capabilities,
        PreferenceMode mode,
        FeatureWeights weights,
        IReadOnlyList<RankedCandidate> ranked,
        IReadOnlyList<ExcludedCandidate> excluded,
        int candidateCount,
        long revision,
        double epsilon,
        QueryRelevance query)
        : base(capabilities, mode, weights, ranked, excluded, candidateCount, revision, epsilon)
    {
        Query = query;
    }

    /// <summary>What the query did.</summary>
    public QueryRelevance Query { get; }
}
