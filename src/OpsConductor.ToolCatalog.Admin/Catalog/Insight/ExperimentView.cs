using System.Globalization;
using OpsConductor.ToolCatalog.Experiments;

namespace OpsConductor.ToolCatalog.Admin.Catalog;

/// <summary>How the experiment page decides to conclude: which arm it adopts.</summary>
internal enum ExperimentConclusion
{
    /// <summary>Version B becomes the latest (arm b).</summary>
    PromoteB,

    /// <summary>Version A stays, B is retired (arm a): also the roll back after a breached guardrail.</summary>
    KeepA,
}

/// <summary>What the experiment pages show, from <see cref="Experiment"/> and <see cref="ExperimentResults"/> (no page logic in Razor).</summary>
internal static class ExperimentView
{
    /// <summary>The state as the API spells it.</summary>
    public static string State(ExperimentState state) => state.ToString().ToLowerInvariant();

    public static bool CanStart(Experiment experiment) => experiment.State == ExperimentState.Draft;

    public static bool CanStop(Experiment experiment) => experiment.State == ExperimentState.Running;

    /// <summary>Running or stopped experiments may be concluded (the store refuses the others).</summary>
    public static bool CanConclude(Experiment experiment) => experiment.State is ExperimentState.Running or ExperimentState.Stopped;

    /// <summary>The decision as the API spells it (<c>promote_b</c>, <c>keep_a</c>, <c>roll_back</c>, <c>blocked</c>, <c>continue</c>).</summary>
    public static string Decision(ExperimentDecision decision) => decision switch
    {
        ExperimentDecision.PromoteB => "promote_b",
        ExperimentDecision.KeepA => "keep_a",
        ExperimentDecision.RollBack => "roll_back",
        ExperimentDecision.Blocked => "blocked",
        _ => "continue",
    };

    /// <summary>The label of the button that keeps version A: "Roll back to a" when a guardrail called for it.</summary>
    public static string KeepALabel(ExperimentResults? results) =>
        results?.Decision == ExperimentDecision.RollBack ? "Roll back to a" : "Keep a";

    /// <summary>The arm a conclusion adopts.</summary>
    public static ExperimentArm Arm(ExperimentConclusion conclusion) => conclusion == ExperimentConclusion.PromoteB ? ExperimentArm.B : ExperimentArm.A;

    /// <summary>An estimate with its interval: "0.912 [0.880, 0.941]", or "–" when it cannot be computed.</summary>
    public static string Interval(Estimate estimate, string format = "0.000") =>
        double.IsFinite(estimate.Value)
            ? string.Create(CultureInfo.InvariantCulture, $"{estimate.Value.ToString(format, CultureInfo.InvariantCulture)} [{Bound(estimate.Lower, format)}, {Bound(estimate.Upper, format)}]")
            : "–";

    /// <summary>A p-value with four decimals ("0.0213"), "&lt; 0.0001" below that, or "–".</summary>
    public static string PValue(double? p) => p switch
    {
        null => "–",
        { } v when !double.IsFinite(v) => "–",
        < 0.0001 => "< 0.0001",
        { } v => v.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    /// <summary>The sample-ratio check in a sentence.</summary>
    public static string SampleRatio(SampleRatioCheck check) => string.Create(CultureInfo.InvariantCulture,
        $"expected share of b {Share(check.ExpectedShareB)}, observed {Share(check.ObservedShareB)}, p = {PValue(check.PValue)}: {(check.IsMismatch ? "MISMATCH, no decision may be drawn" : "fits the split")}");

    /// <summary>"a/b/all" target lists: the values joined, or "all" when empty.</summary>
    public static string Targets(IReadOnlyList<string> values) => values.Count == 0 ? "all" : string.Join(", ", values);

    private static string Share(double share) => double.IsFinite(share) ? share.ToString("0.000", CultureInfo.InvariantCulture) : "–";

    private static string Bound(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "–";
}
