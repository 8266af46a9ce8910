namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>
/// What one execution of a tool's pattern really took, as the orchestrator saw it: the tool, version, capability and
/// pattern it ran, how long it took and what it cost, whether it succeeded, the request's variables and the selection it
/// came from. Given to <see cref="ITelemetryRecorder.Record"/>, which copies the value (a struct) and returns.
/// </summary>
/// <remarks>
/// The strings and the <see cref="Variables"/> dictionary are kept as given until the record is written (within about
/// <see cref="TelemetryOptions.FlushInterval"/>): pass a dictionary that is not changed afterwards.
/// </remarks>
public readonly record struct ExecutionRecord
{
    /// <summary>The tool's name.</summary>
    public required string Tool { get; init; }

    /// <summary>The tool's version that ran; null for the latest version when the record is written.</summary>
    public string? Version { get; init; }

    /// <summary>The capability it was chosen for.</summary>
    public required string Capability { get; init; }

    /// <summary>The pattern that ran.</summary>
    public required string Pattern { get; init; }

    /// <summary>How long it took, in milliseconds (≥ 0).</summary>
    public required double ActualTimeMs { get; init; }

    /// <summary>What it cost, in the catalog's cost units; null when not known.</summary>
    public double? ActualCost { get; init; }

    /// <summary>Whether it succeeded.</summary>
    public required bool Success { get; init; }

    /// <summary>The orchestrator's id of this execution.</summary>
    public string? ExecutionId { get; init; }

    /// <summary>Who asked for it.</summary>
    public string? UserId { get; init; }

    /// <summary>Where it ran (<c>production</c>, <c>staging</c>, …).</summary>
    public string? Environment { get; init; }

    /// <summary>The failure's message, when it failed.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The failure's kind (an exception type, an exit code's name), when it failed.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The request's variables (<c>N</c>, <c>pages</c>, …) the estimate was evaluated with.</summary>
    public IReadOnlyDictionary<string, double>? Variables { get; init; }

    /// <summary>The catalog's estimate of the time, in milliseconds, for these variables (the selection's figure).</summary>
    public double? EstimatedTimeMs { get; init; }

    /// <summary>The catalog's estimate of the cost for these variables.</summary>
    public double? EstimatedCost { get; init; }

    /// <summary>The orchestrator's id of the selection that chose this pattern: links the execution to the decision.</summary>
    public string? SelectionId { get; init; }

    /// <summary>The catalog revision the selection was made on (<see cref="Selection.SelectionEvaluation.Revision"/>).</summary>
    public long? CatalogRevision { get; init; }

    /// <summary>The experiment this execution was enrolled in (its name), with <see cref="Arm"/>; both or neither. A name
    /// that matches no stored experiment makes the record unmatched (not written), like an unknown tool.</summary>
    public string? Experiment { get; init; }

    /// <summary>The experiment's arm the execution ran in (<see cref="Experiments.ExperimentArm.A"/>: version A, the
    /// control; <see cref="Experiments.ExperimentArm.B"/>: version B); given exactly when <see cref="Experiment"/> is.</summary>
    public Experiments.ExperimentArm? Arm { get; init; }

    /// <summary>When it ran; the time of <see cref="ITelemetryRecorder.Record"/> when not given.</summary>
    public DateTimeOffset ExecutedAt { get; init; }
}
