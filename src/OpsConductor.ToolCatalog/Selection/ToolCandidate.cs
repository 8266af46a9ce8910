using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// A pattern that can serve the request, with its time and cost evaluated for the request's context (the
/// original's <c>ToolCandidate</c> fields).
/// </summary>
public sealed class ToolCandidate
{
    internal ToolCandidate(CompiledPattern pattern, double estimatedTimeMs, double estimatedCost)
    {
        Pattern = pattern;
        EstimatedTimeMs = estimatedTimeMs;
        EstimatedCost = estimatedCost;
    }

    private PatternTimeCalibration? _calibration;

    /// <summary>The compiled pattern in the snapshot.</summary>
    public CompiledPattern Pattern { get; }

    /// <summary>The tool's name.</summary>
    public string ToolName => Pattern.ToolName;

    /// <summary>The capability's name.</summary>
    public string CapabilityName => Pattern.CapabilityName;

    /// <summary>The pattern's name.</summary>
    public string PatternName => Pattern.PatternName;

    /// <summary>The tool version the pattern belongs to: the tool's latest, or the experiment arm's version.</summary>
    public string Version => Pattern.Tool.Definition.Version;

    /// <summary>The running experiment whose arm this candidate comes from; null when it is the tool's latest version
    /// (no experiment on the tool, or the request is not enrolled).</summary>
    public RunningExperiment? Experiment => Pattern.Tool.Arm is null ? null : Pattern.Tool.Experiment;

    /// <summary>The experiment arm this candidate's version serves (<see cref="Experiment"/>); null when none applied.</summary>
    public ExperimentArm? Arm => Pattern.Tool.Arm;

    /// <summary>How an experiment applied, in words ("experiment faster-grep, arm b: version 2.0"); null when none did.</summary>
    public string? ExperimentNote => Experiment is { } experiment
        ? $"experiment {experiment.Name}, arm {(Arm == ExperimentArm.B ? "b" : "a")}: version {Version}"
        : null;

    /// <summary><c>time_estimate_ms</c> evaluated for the request.</summary>
    public double EstimatedTimeMs { get; }

    /// <summary><c>cost_estimate</c> evaluated for the request.</summary>
    public double EstimatedCost { get; }

    /// <summary>
    /// The telemetry's calibration of this pattern's time, when the request used calibrations
    /// (<see cref="CalibrationUse"/>) and the pattern has one; null otherwise.
    /// </summary>
    public TimeCalibration? Calibration => _calibration?.Calibration;

    /// <summary>The telemetry's median time for this request (<see cref="EstimatedTimeMs"/> × the calibration's median ratio); null without a calibration.</summary>
    public double? CalibratedP50Ms => Calibration is { } c ? c.P50(EstimatedTimeMs) : null;

    /// <summary>The telemetry's 90th-percentile time for this request; null without a calibration.</summary>
    public double? CalibratedP90Ms => Calibration is { } c ? c.P90(EstimatedTimeMs) : null;

    /// <summary>The pattern's <c>complexity_score</c> (0 simple … 1 complex).</summary>
    public double Complexity => Pattern.Definition.ComplexityScore;

    /// <summary><c>preference_match.accuracy</c>.</summary>
    public double Accuracy => Pattern.Definition.PreferenceMatch.Accuracy;

    /// <summary><c>preference_match.completeness</c>.</summary>
    public double Completeness => Pattern.Definition.PreferenceMatch.Completeness;

    /// <summary>The pattern's policy.</summary>
    public PolicyDefinition Policy => Pattern.Definition.Policy;

    /// <summary>The pattern's description.</summary>
    public string Description => Pattern.Definition.Description;

    /// <summary>The pattern's typical use cases.</summary>
    public EquatableArray<string> TypicalUseCases => Pattern.Definition.TypicalUseCases;

    /// <summary>The pattern's limitations.</summary>
    public EquatableArray<string> Limitations => Pattern.Definition.Limitations;

    /// <summary>Accuracy level (inherited from the tool's defaults when absent).</summary>
    public string? AccuracyLevel => Pattern.Definition.AccuracyLevel;

    /// <summary>Freshness (inherited from the tool's defaults when absent).</summary>
    public string? Freshness => Pattern.Definition.Freshness;

    /// <summary>Scope (inherited from the tool's defaults when absent).</summary>
    public string? Scope => Pattern.Definition.Scope;

    /// <summary>Data source (inherited from the tool's defaults when absent).</summary>
    public string? DataSource => Pattern.Definition.DataSource;

    /// <summary>Attaches the pattern's calibration while the selection that created this candidate evaluates it (never after).</summary>
    internal void Calibrate(PatternTimeCalibration calibration) => _calibration = calibration;

    /// <summary><c>tool.pattern</c>, as the original formatted alternatives.</summary>
    public string Key => $"{ToolName}.{PatternName}";

    /// <inheritdoc />
    public override string ToString() => $"{ToolName}.{CapabilityName}.{PatternName} (time {EstimatedTimeMs:0.###} ms, cost {EstimatedCost:0.###})";
}
