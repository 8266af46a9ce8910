namespace OpsConductor.ToolCatalog.Experiments;

/// <summary>
/// The experiment monitor (<see cref="Telemetry.TelemetryOptions.ExperimentMonitor"/>): off by default. When enabled,
/// a background service of the host (registered by <c>AddToolCatalog</c>, PostgreSQL mode only) evaluates every running
/// experiment each <see cref="Interval"/>: a breached guardrail stops it and rolls the tool back to version A; a
/// conclusive result is promoted when the experiment has <c>auto_promote</c>; a sample-ratio mismatch blocks both.
/// </summary>
public sealed class ExperimentMonitorOptions
{
    /// <summary>Whether running experiments are evaluated periodically (false).</summary>
    public bool Enabled { get; set; }

    /// <summary>How often (5 minutes; at least 1 second). The always-valid test allows looking this often.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    /// <returns>These options.</returns>
    public ExperimentMonitorOptions Validate() => Interval >= TimeSpan.FromSeconds(1)
        ? this
        : throw new ArgumentException($"Telemetry ExperimentMonitor.Interval must be at least 1 second, got {Interval}.");
}
