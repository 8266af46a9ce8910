using System.Text.Json.Nodes;

namespace OpsConductor.ToolCatalog.Experiments;

/// <summary>Which execution records count for an arm.</summary>
public enum ExperimentAttribution
{
    /// <summary>Only records enrolled in the experiment (their <c>experiment</c> and <c>arm</c> set by the orchestrator).
    /// Preferred: enrolment is randomised, so the arms differ only by the version.</summary>
    Enrolled,

    /// <summary>Enrolled records, plus records without an experiment of version A or B executed while the experiment ran
    /// (from <c>started_at</c> to <c>stopped_at</c>, or now) in a targeted environment (any, when the experiment lists
    /// none): they count for the arm of their version. For orchestrators that do not tag records; not randomised.</summary>
    EnrolledAndByVersion,
}

/// <summary>What the results call for.</summary>
public enum ExperimentDecision
{
    /// <summary>Keep running: not conclusive yet (or the minimum sample is not reached).</summary>
    Continue,

    /// <summary>Conclusive for B, guardrails hold: promote B (it becomes the latest version).</summary>
    PromoteB,

    /// <summary>Conclusive for A, guardrails hold: keep A, retire B.</summary>
    KeepA,

    /// <summary>A guardrail is breached: stop and roll back to A at once.</summary>
    RollBack,

    /// <summary>The arms' sizes do not fit the split (sample-ratio mismatch): no decision may be drawn.</summary>
    Blocked,
}

/// <summary>One arm's figures.</summary>
/// <param name="Arm">The arm.</param>
/// <param name="Version">Its tool version.</param>
/// <param name="Executions">The executions counted for it.</param>
/// <param name="ByVersion">How many of them were attributed by version (not enrolled); 0 with <see cref="ExperimentAttribution.Enrolled"/>.</param>
/// <param name="Successes">How many succeeded.</param>
/// <param name="SuccessRate">The success rate with its Wilson interval (NaN with no executions).</param>
/// <param name="Time">The successful executions' times in milliseconds (mean, median, p90 with intervals); null with fewer than two.</param>
public sealed record ArmResult(ExperimentArm Arm, string Version, long Executions, long ByVersion, long Successes, Estimate SuccessRate, TimeSummary? Time);

/// <summary>A guardrail's evaluation.</summary>
/// <param name="Guardrail">The guardrail.</param>
/// <param name="Change">B against A: the success rate's difference (B − A), or the typical time's ratio (B ÷ A); NaN without data.</param>
/// <param name="Interval">The always-valid interval of <paramref name="Change"/> (the same units).</param>
/// <param name="Breached">Whether B is worse beyond the tolerance, with the interval excluding "no worse".</param>
public sealed record GuardrailResult(Guardrail Guardrail, double Change, Estimate Interval, bool Breached);

/// <summary>
/// An experiment's results: per-arm figures, the sample-ratio check, the primary metric's tests, the guardrails and
/// the decision they call for. Read with <see cref="Storage.IExperiments.GetResultsAsync"/> or <see cref="Storage.ToolCatalogStore.GetExperimentResultsAsync"/>; the methods are named in
/// decision 1601 and 1603.
/// </summary>
/// <param name="Experiment">The experiment's name.</param>
/// <param name="State">Its state when read.</param>
/// <param name="Metric">The primary metric.</param>
/// <param name="Attribution">Which records counted.</param>
/// <param name="A">Arm A.</param>
/// <param name="B">Arm B.</param>
/// <param name="SampleRatio">The sample-ratio check (chi-square against the split).</param>
/// <param name="FixedHorizonPValue">The primary metric's fixed-horizon p-value (two-proportion z, or Welch on log time); valid only when read once, at a horizon fixed in advance; null without enough data.</param>
/// <param name="PValue">The always-valid p-value (mSPRT) of the primary metric: may be read after every batch; 1 without enough data.</param>
/// <param name="Effect">The primary metric's effect with its always-valid interval: the success rate's difference B − A, or the typical time's ratio B ÷ A; null without enough data.</param>
/// <param name="Significant">Whether <paramref name="PValue"/> &lt; <see cref="ExperimentAnalysis.Alpha"/>.</param>
/// <param name="MinimumSampleReached">Whether each arm has the experiment's minimum sample size.</param>
/// <param name="Winner">The winning arm when conclusive (no sample-ratio mismatch, minimum sample reached, significant), or the control after a guardrail breach; else null.</param>
/// <param name="Guardrails">Each guardrail's evaluation.</param>
/// <param name="Decision">What the results call for.</param>
/// <param name="Reason">Why, in a sentence.</param>
public sealed record ExperimentResults(
    string Experiment,
    ExperimentState State,
    ExperimentMetric Metric,
    ExperimentAttribution Attribution,
    ArmResult A,
    ArmResult B,
    SampleRatioCheck SampleRatio,
    double? FixedHorizonPValue,
    double PValue,
    Estimate? Effect,
    bool Significant,
    bool MinimumSampleReached,
    ExperimentArm? Winner,
    IReadOnlyList<GuardrailResult> Guardrails,
    ExperimentDecision Decision,
    string Reason)
{
    /// <summary>
    /// The results as a JSON object with snake_case fields: <c>experiment</c>, <c>state</c>, <c>metric</c>,
    /// <c>attribution</c>, <c>arms</c> (<c>a</c> and <c>b</c>: <c>version</c>, <c>executions</c>, <c>by_version</c>,
    /// <c>successes</c>, <c>success_rate</c>, <c>time_ms</c> with <c>mean</c>, <c>median</c>, <c>p90</c>; each figure
    /// <c>{value, lower, upper}</c>), <c>srm_p_value</c>, <c>srm_mismatch</c>, <c>expected_share_b</c>,
    /// <c>observed_share_b</c>, <c>p_value</c> (always-valid), <c>fixed_horizon_p_value</c>, <c>effect</c>,
    /// <c>significant</c>, <c>minimum_sample_reached</c>, <c>winner</c> (<c>"a"</c>, <c>"b"</c> or null),
    /// <c>guardrails</c>, <c>decision</c>, <c>reason</c>. A figure that cannot be computed is null. The CLI prints it,
    /// the API returns it and the audit row of a decision carries it as its evidence.
    /// </summary>
    /// <returns>A new JSON object.</returns>
    public JsonObject ToJsonObject() => new()
    {
        ["experiment"] = Experiment,
        ["state"] = State.ToString().ToLowerInvariant(),
        ["metric"] = Metric == ExperimentMetric.Time ? "time" : "success",
        ["attribution"] = Attribution == ExperimentAttribution.Enrolled ? "enrolled" : "enrolled_and_by_version",
        ["arms"] = new JsonObject { ["a"] = ArmJson(A), ["b"] = ArmJson(B) },
        ["srm_p_value"] = Number(SampleRatio.PValue),
        ["srm_mismatch"] = SampleRatio.IsMismatch,
        ["expected_share_b"] = Number(SampleRatio.ExpectedShareB),
        ["observed_share_b"] = Number(SampleRatio.ObservedShareB),
        ["p_value"] = Number(PValue),
        ["fixed_horizon_p_value"] = FixedHorizonPValue is { } p ? Number(p) : null,
        ["effect"] = Effect is { } e ? new JsonObject
        {
            ["measure"] = Metric == ExperimentMetric.Time ? "time_ratio_b_over_a" : "success_rate_difference_b_minus_a",
            ["value"] = Number(e.Value),
            ["lower"] = Number(e.Lower),
            ["upper"] = Number(e.Upper),
        } : null,
        ["significant"] = Significant,
        ["minimum_sample_reached"] = MinimumSampleReached,
        ["winner"] = Winner switch { ExperimentArm.A => "a", ExperimentArm.B => "b", _ => null },
        ["guardrails"] = new JsonArray([.. Guardrails.Select(g => (JsonNode)new JsonObject
        {
            ["metric"] = g.Guardrail.Metric == ExperimentMetric.Time ? "time" : "success",
            [g.Guardrail.Metric == ExperimentMetric.Time ? "max_increase" : "max_drop"] = g.Guardrail.Tolerance,
            ["change"] = Number(g.Change),
            ["lower"] = Number(g.Interval.Lower),
            ["upper"] = Number(g.Interval.Upper),
            ["breached"] = g.Breached,
        })]),
        ["decision"] = Decision switch
        {
            ExperimentDecision.PromoteB => "promote_b",
            ExperimentDecision.KeepA => "keep_a",
            ExperimentDecision.RollBack => "roll_back",
            ExperimentDecision.Blocked => "blocked",
            _ => "continue",
        },
        ["reason"] = Reason,
    };

    private static JsonObject ArmJson(ArmResult arm) => new()
    {
        ["version"] = arm.Version,
        ["executions"] = arm.Executions,
        ["by_version"] = arm.ByVersion,
        ["successes"] = arm.Successes,
        ["success_rate"] = Figure(arm.SuccessRate),
        ["time_ms"] = arm.Time is { } t ? new JsonObject
        {
            ["count"] = t.Count,
            ["mean"] = Figure(t.Mean),
            ["median"] = Figure(t.Median),
            ["p90"] = Figure(t.P90),
        } : null,
    };

    private static JsonObject Figure(Estimate e) => new() { ["value"] = Number(e.Value), ["lower"] = Number(e.Lower), ["upper"] = Number(e.Upper) };

    private static JsonValue? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
