using System.Text.Json.Serialization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.AspNetCore.Contracts;

/// <summary>The body of <c>POST /api/v1/select</c>: the selection request in snake_case.</summary>
internal sealed record SelectRequestBody
{
    /// <summary>The required capabilities (exact names or aliases); or give <see cref="Capability"/>.</summary>
    [JsonPropertyName("capabilities")]
    public IReadOnlyList<string?>? Capabilities { get; init; }

    /// <summary>One required capability (shorthand for <c>capabilities: [name]</c>).</summary>
    [JsonPropertyName("capability")]
    public string? Capability { get; init; }

    /// <summary>The user's request in words; its keywords choose the mode when <see cref="Mode"/> is not given.</summary>
    [JsonPropertyName("query")]
    public string? Query { get; init; }

    /// <summary>The preference: <c>fast</c>, <c>accurate</c>, <c>thorough</c>, <c>cheap</c>, <c>simple</c> or <c>balanced</c>.</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>The request's variables (<c>N</c>, <c>pages</c>, …), numbers; missing ones take the evaluator's defaults.</summary>
    [JsonPropertyName("variables")]
    public Dictionary<string, double>? Variables { get; init; }

    /// <summary>Where the tool would run (<c>production</c> when absent).</summary>
    [JsonPropertyName("environment")]
    public string? Environment { get; init; }

    /// <summary>Whether production requires production-safe patterns (true when absent).</summary>
    [JsonPropertyName("require_production_safe")]
    public bool? RequireProductionSafe { get; init; }

    /// <summary>Candidates whose estimated cost is above this are excluded.</summary>
    [JsonPropertyName("cost_limit")]
    public double? CostLimit { get; init; }

    /// <summary>The permissions the request has (<c>read</c>, <c>write</c>, <c>execute</c>, <c>admin</c> when absent).</summary>
    [JsonPropertyName("permissions")]
    public IReadOnlyList<string>? Permissions { get; init; }

    /// <summary>
    /// Whether the answer explains each score (false when absent): every ranked candidate's <c>features</c> (value,
    /// weight and contribution of each) and the human-readable <c>explanation</c> text. The choice, its justification,
    /// every score and estimate and every exclusion's rule and reason are always there; the explanation doubles the
    /// answer and costs more to build than the selection itself.
    /// </summary>
    [JsonPropertyName("explain")]
    public bool? Explain { get; init; }

    /// <summary>
    /// Whether the telemetry's calibrated times are used: <c>off</c>, <c>report</c> (each calibrated candidate says its
    /// p50 and p90 for the request) or <c>rank</c> (and its score's time is the p50); the server's
    /// <c>SelectionOptions.Calibration</c> when absent.
    /// </summary>
    [JsonPropertyName("calibration")]
    public string? Calibration { get; init; }

    /// <summary>
    /// The key that assigns the request an arm of each running experiment on a candidate tool (a user id or a request
    /// id): the same key always gets the same arm. Absent: the request is enrolled in no experiment.
    /// </summary>
    [JsonPropertyName("assignment_key")]
    public string? AssignmentKey { get; init; }

    /// <summary>The user (or group) matched against experiments' target users; the assignment key when absent.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>The groups the user belongs to, matched against experiments' target users and groups.</summary>
    [JsonPropertyName("groups")]
    public IReadOnlyList<string>? Groups { get; init; }
}

/// <summary>The answer of <c>POST /api/v1/select</c>: the choice, the whole ranking with each score's reasons, and every exclusion.</summary>
/// <param name="Revision">The catalog revision the selection read.</param>
/// <param name="Mode">The preference mode used.</param>
/// <param name="Weights">The weight of each feature in that mode.</param>
/// <param name="Selected">The chosen candidate; null when nothing is viable (see <paramref name="Error"/>).</param>
/// <param name="Error">Why nothing could be chosen (the original's message); null when a candidate was.</param>
/// <param name="Ranked">The candidates that passed every policy, best first.</param>
/// <param name="Excluded">The patterns left out, in enumeration order, with the rule and the values.</param>
/// <param name="Explanation">The same as text a person reads, one line per candidate and exclusion; only when the request asks (<c>"explain": true</c>), else null.</param>
internal sealed record SelectResponse(
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("weights")] IReadOnlyDictionary<string, double> Weights,
    [property: JsonPropertyName("selected")] SelectedResponse? Selected,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("ranked")] IReadOnlyList<RankedResponse> Ranked,
    [property: JsonPropertyName("excluded")] IReadOnlyList<ExclusionResponse> Excluded,
    [property: JsonPropertyName("explanation")] string? Explanation);

/// <summary>The chosen candidate, with the original's result fields.</summary>
/// <param name="Tool">The tool.</param>
/// <param name="Capability">The capability.</param>
/// <param name="Pattern">The pattern.</param>
/// <param name="Score">Its score.</param>
/// <param name="EstimatedTimeMs">Its estimated time for the request.</param>
/// <param name="EstimatedCost">Its estimated cost for the request.</param>
/// <param name="ExecutionModeHint"><c>immediate</c>, <c>background</c> or <c>approval_required</c>.</param>
/// <param name="SlaClass"><c>interactive</c>, <c>batch</c> or <c>background</c>.</param>
/// <param name="Justification">Why it was chosen.</param>
/// <param name="SelectionMethod"><c>deterministic</c> or <c>llm_tiebreaker</c>.</param>
/// <param name="Alternatives">The next three of the ranking, as <c>tool.pattern</c>.</param>
/// <param name="IsAmbiguous">Whether the top two were within epsilon.</param>
/// <param name="ClarifyingQuestion">The question that tells the top two apart, when ambiguous.</param>
/// <param name="TieBreakNote">What happened to the tie-breaker, when one was consulted.</param>
/// <param name="NumCandidates">Candidates before policy filtering.</param>
/// <param name="NumPolicyViolations">Candidates refused by a policy.</param>
/// <param name="Experiment">The experiment arm the choice comes from, when the request is enrolled in one on the chosen tool; absent otherwise.</param>
internal sealed record SelectedResponse(
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("capability")] string Capability,
    [property: JsonPropertyName("pattern")] string Pattern,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("estimated_time_ms")] double EstimatedTimeMs,
    [property: JsonPropertyName("estimated_cost")] double EstimatedCost,
    [property: JsonPropertyName("execution_mode_hint")] string ExecutionModeHint,
    [property: JsonPropertyName("sla_class")] string SlaClass,
    [property: JsonPropertyName("justification")] string Justification,
    [property: JsonPropertyName("selection_method")] string SelectionMethod,
    [property: JsonPropertyName("alternatives")] IReadOnlyList<string> Alternatives,
    [property: JsonPropertyName("is_ambiguous")] bool IsAmbiguous,
    [property: JsonPropertyName("clarifying_question")] string? ClarifyingQuestion,
    [property: JsonPropertyName("tie_break_note")] string? TieBreakNote,
    [property: JsonPropertyName("num_candidates")] int NumCandidates,
    [property: JsonPropertyName("num_policy_violations")] int NumPolicyViolations,
    [property: JsonPropertyName("experiment"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ExperimentArmResponse? Experiment = null);

/// <summary>The experiment arm a candidate's tool version comes from.</summary>
/// <param name="Name">The experiment.</param>
/// <param name="Arm"><c>a</c> (the control) or <c>b</c> (the treatment).</param>
/// <param name="Version">The arm's tool version, whose patterns were evaluated.</param>
internal sealed record ExperimentArmResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("arm")] string Arm,
    [property: JsonPropertyName("version")] string Version);

/// <summary>A ranked candidate with its score's reasons.</summary>
/// <param name="Rank">1 for the best.</param>
/// <param name="Tool">The tool.</param>
/// <param name="Capability">The capability.</param>
/// <param name="Pattern">The pattern.</param>
/// <param name="Score">Its score, the sum of the features' contributions.</param>
/// <param name="EstimatedTimeMs">Its estimated time for the request.</param>
/// <param name="EstimatedCost">Its estimated cost for the request.</param>
/// <param name="ExecutionModeHint">How it would run.</param>
/// <param name="SlaClass">Its response-time class.</param>
/// <param name="RequiresApproval">Whether a person must approve the run.</param>
/// <param name="RequiresBackground">Whether the run must go to the background for this request.</param>
/// <param name="Features">Each feature's normalised value, weight and contribution, largest first; with <c>"explain": true</c> only (else null).</param>
/// <param name="Notes">The soft policies that apply, in words.</param>
/// <param name="Calibrated">The telemetry's times for the request, when calibrations were asked for and the pattern has one; absent otherwise.</param>
/// <param name="Experiment">The experiment arm the candidate comes from, when the request is enrolled in one on its tool; absent otherwise.</param>
internal sealed record RankedResponse(
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("capability")] string Capability,
    [property: JsonPropertyName("pattern")] string Pattern,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("estimated_time_ms")] double EstimatedTimeMs,
    [property: JsonPropertyName("estimated_cost")] double EstimatedCost,
    [property: JsonPropertyName("execution_mode_hint")] string ExecutionModeHint,
    [property: JsonPropertyName("sla_class")] string SlaClass,
    [property: JsonPropertyName("requires_approval")] bool RequiresApproval,
    [property: JsonPropertyName("requires_background")] bool RequiresBackground,
    [property: JsonPropertyName("features")] IReadOnlyList<FeatureResponse>? Features,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes,
    [property: JsonPropertyName("calibrated"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CalibratedResponse? Calibrated = null,
    [property: JsonPropertyName("experiment"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ExperimentArmResponse? Experiment = null);

/// <summary>A candidate's times according to the telemetry.</summary>
/// <param name="Samples">How many recent executions of the pattern the calibration comes from.</param>
/// <param name="P50Ms">The median time for this request: the catalog's estimate × the median actual ÷ estimated ratio.</param>
/// <param name="P90Ms">The 90th-percentile time for this request.</param>
/// <param name="RankedOn">Which time the score used: <c>telemetry_p50</c> or <c>catalog</c>.</param>
internal sealed record CalibratedResponse(
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("p50_ms")] double P50Ms,
    [property: JsonPropertyName("p90_ms")] double P90Ms,
    [property: JsonPropertyName("ranked_on")] string RankedOn);

/// <summary>One feature's share of a score.</summary>
/// <param name="Feature">The feature (<c>time</c>, <c>cost</c>, <c>complexity</c>, <c>accuracy</c>, <c>completeness</c>, or a declared score).</param>
/// <param name="Value">Its normalised value in [0, 1].</param>
/// <param name="Weight">Its weight in the mode.</param>
/// <param name="Contribution">Value × weight.</param>
internal sealed record FeatureResponse(
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("weight")] double Weight,
    [property: JsonPropertyName("contribution")] double Contribution);

/// <summary>A pattern left out of a selection (or one whose estimate failed), with the rule and the values involved.</summary>
/// <param name="Tool">The tool.</param>
/// <param name="Capability">The capability.</param>
/// <param name="Pattern">The pattern.</param>
/// <param name="Rule">The rule (<c>invalid_expression</c>, <c>missing_variable</c>, <c>evaluation_error</c>, <c>impossible_estimate</c>,
/// <c>cost_limit</c>, <c>pattern_max_cost</c>, <c>not_production_safe</c>, <c>missing_permission</c>, <c>environment_not_allowed</c>).</param>
/// <param name="Reason">What a person reads: the rule and the values.</param>
/// <param name="Variable">The missing variable, for <c>missing_variable</c>.</param>
/// <param name="EstimatedTimeMs">The evaluated time, when it was evaluated.</param>
/// <param name="EstimatedCost">The evaluated cost, when it was evaluated.</param>
internal sealed record ExclusionResponse(
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("capability")] string Capability,
    [property: JsonPropertyName("pattern")] string Pattern,
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("variable")] string? Variable,
    [property: JsonPropertyName("estimated_time_ms")] double? EstimatedTimeMs,
    [property: JsonPropertyName("estimated_cost")] double? EstimatedCost);

/// <summary>The body of <c>POST /api/v1/estimate</c>.</summary>
internal sealed record EstimateRequestBody
{
    /// <summary>The tool (required).</summary>
    [JsonPropertyName("tool")]
    public string? Tool { get; init; }

    /// <summary>The capability (required).</summary>
    [JsonPropertyName("capability")]
    public string? Capability { get; init; }

    /// <summary>One pattern; every pattern of the capability when absent.</summary>
    [JsonPropertyName("pattern")]
    public string? Pattern { get; init; }

    /// <summary>The request's variables (<c>N</c>, <c>pages</c>, …); missing ones take the evaluator's defaults.</summary>
    [JsonPropertyName("variables")]
    public Dictionary<string, double>? Variables { get; init; }
}

/// <summary>The answer of <c>POST /api/v1/estimate</c>: time and cost per pattern, as selection evaluates them.</summary>
/// <param name="Revision">The catalog revision read.</param>
/// <param name="Tool">The tool.</param>
/// <param name="Version">Its latest version, whose patterns were evaluated.</param>
/// <param name="Capability">The capability.</param>
/// <param name="Patterns">One estimate per pattern, in file order.</param>
internal sealed record EstimateResponse(
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("capability")] string Capability,
    [property: JsonPropertyName("patterns")] IReadOnlyList<PatternEstimateResponse> Patterns);

/// <summary>A pattern's estimates for the request, or why they could not be evaluated.</summary>
/// <param name="Pattern">The pattern.</param>
/// <param name="TimeEstimateMs">Its <c>time_estimate_ms</c> expression.</param>
/// <param name="CostEstimate">Its <c>cost_estimate</c> expression.</param>
/// <param name="EstimatedTimeMs">The time evaluated for the request; null when it could not be.</param>
/// <param name="EstimatedCost">The cost evaluated for the request; null when it could not be.</param>
/// <param name="Error">Why not (rule, reason, variable), as selection would exclude the pattern; null when evaluated.</param>
internal sealed record PatternEstimateResponse(
    [property: JsonPropertyName("pattern")] string Pattern,
    [property: JsonPropertyName("time_estimate_ms")] string TimeEstimateMs,
    [property: JsonPropertyName("cost_estimate")] string CostEstimate,
    [property: JsonPropertyName("estimated_time_ms")] double? EstimatedTimeMs,
    [property: JsonPropertyName("estimated_cost")] double? EstimatedCost,
    [property: JsonPropertyName("error")] ExclusionResponse? Error);

/// <summary>
/// The contract objects of a selection's answer: what the endpoint's writer (<c>Http.SelectAnswer</c>) writes, as <see cref="SelectResponse"/>
/// describes it (the tests compare the two), and the exclusions of estimates.
/// </summary>
internal static class SelectResponses
{
    /// <summary>The whole answer.</summary>
    public static SelectResponse Of(SelectionEvaluation evaluation, ToolSelectionResult? selected, string? error, string? explanation, bool features) => new(
        evaluation.Revision,
        evaluation.Mode.ToWire(),
        evaluation.Weights.ToDictionary(),
        selected is null ? null : Selected(selected),
        error,
        [.. evaluation.Ranked.Select((r, i) => Ranked(r, i + 1, features ? evaluation.Weights : null))],
        [.. evaluation.Excluded.Select(Exclusion)],
        explanation);

    /// <summary>How the winner was chosen, as the answer spells it.</summary>
    public static string MethodName(SelectionMethod method) => method == SelectionMethod.TieBreaker ? "llm_tiebreaker" : "deterministic";

    public static SelectedResponse Selected(ToolSelectionResult s) => new(
        s.ToolName,
        s.CapabilityName,
        s.PatternName,
        s.FinalScore,
        s.EstimatedTimeMs,
        s.EstimatedCost,
        s.ExecutionModeHint.ToWire(),
        s.SlaClass.ToWire(),
        s.Justification,
        MethodName(s.SelectionMethod),
        s.Alternatives,
        s.IsAmbiguous,
        s.ClarifyingQuestion,
        s.TieBreakNote,
        s.NumCandidates,
        s.NumPolicyViolations,
        ExperimentArm(s.Winner.Candidate));

    /// <summary>The experiment arm of a candidate, or null when none applied.</summary>
    public static ExperimentArmResponse? ExperimentArm(ToolCandidate candidate) =>
        candidate.Experiment is { } experiment ? new ExperimentArmResponse(experiment.Name, ArmName(candidate.Arm!.Value), candidate.Version) : null;

    /// <summary>An arm as the answer spells it: <c>a</c> or <c>b</c>.</summary>
    public static string ArmName(OpsConductor.ToolCatalog.Experiments.ExperimentArm arm) => arm == OpsConductor.ToolCatalog.Experiments.ExperimentArm.B ? "b" : "a";

    public static RankedResponse Ranked(RankedCandidate r, int rank, FeatureWeights? weights) => new(
        rank,
        r.Candidate.ToolName,
        r.Candidate.CapabilityName,
        r.Candidate.PatternName,
        r.Score,
        r.Candidate.EstimatedTimeMs,
        r.Candidate.EstimatedCost,
        r.ExecutionMode.ToWire(),
        r.SlaClass.ToWire(),
        r.Policy.RequiresApproval,
        r.Policy.RequiresBackground,
        weights is null ? null : [.. r.Explain(weights).Select(static c => new FeatureResponse(c.Feature, c.Value, c.Weight, c.Contribution))],
        r.Policy.Notes,
        r.Candidate.Calibration is { } calibration
            ? new CalibratedResponse(calibration.Samples, calibration.P50(r.Candidate.EstimatedTimeMs), calibration.P90(r.Candidate.EstimatedTimeMs), TimeSourceName(r.TimeSource))
            : null,
        ExperimentArm(r.Candidate));

    /// <summary>Which time a score used, as the answer spells it.</summary>
    public static string TimeSourceName(TimeSource source) => source == TimeSource.TelemetryP50 ? "telemetry_p50" : "catalog";

    public static ExclusionResponse Exclusion(ExcludedCandidate e) => new(
        e.ToolName,
        e.CapabilityName,
        e.PatternName,
        e.Rule.ToWire(),
        e.Reason,
        e.Variable,
        e.EstimatedTimeMs,
        e.EstimatedCost);
}
