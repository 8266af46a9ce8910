namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// Whether selection uses the telemetry's calibrated times (<see cref="Telemetry.TimeCalibration"/>) for the patterns
/// that have them: per request (<see cref="SelectionRequest.Calibration"/>) or for every request
/// (<see cref="SelectionOptions.Calibration"/>).
/// </summary>
public enum CalibrationUse
{
    /// <summary>Only the catalog's estimates (the default; the original's numbers).</summary>
    Off,

    /// <summary>
    /// Each candidate reports the telemetry's p50 and p90 for the request next to the catalog's estimate
    /// (<see cref="ToolCandidate.CalibratedP50Ms"/>); ranking still uses the catalog's estimate.
    /// </summary>
    Report,

    /// <summary>
    /// As <see cref="Report"/>, and the time feature of a calibrated candidate's score is its telemetry p50 instead of
    /// the catalog's estimate (<see cref="RankedCandidate.TimeSource"/> says which). Policies (cost limits,
    /// background and SLA hints) still read the catalog's estimates, which are what the catalog's owners declared.
    /// </summary>
    Rank,
}

/// <summary>Which time a candidate's score was computed from.</summary>
public enum TimeSource
{
    /// <summary>The catalog's <c>time_estimate_ms</c> for the request.</summary>
    Catalog,

    /// <summary>The telemetry's median for the request (the catalog's estimate times the pattern's median actual ÷ estimated ratio).</summary>
    TelemetryP50,
}
