namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>
/// Automatic apply of estimate recommendations for chosen tools, within bounds (<see cref="TelemetryOptions.AutoApply"/>;
/// decision 1503). Off by default. When enabled, a background service of the host (registered by <c>AddToolCatalog</c>,
/// PostgreSQL mode only) runs every <see cref="Interval"/>: for each tool of <see cref="Tools"/> not applied to within
/// <see cref="MinInterval"/>, it runs <c>recommend</c> over <see cref="Window"/> and applies the recommendation with the
/// largest error reduction among those with at least <see cref="MinSamples"/> records whose estimate at
/// <see cref="ReferenceVariables"/> changes by at most <see cref="MaxRelativeChange"/>: at most one per tool per run (a
/// second one would be stale: it was made for the version the first replaced). The audit reason says it was automatic.
/// </summary>
public sealed class TelemetryAutoApplyOptions
{
    /// <summary>Whether recommendations are applied automatically (false).</summary>
    public bool Enabled { get; set; }

    /// <summary>The tools whose recommendations may be applied automatically (exact names; empty: none).</summary>
    public IList<string> Tools { get; } = [];

    /// <summary>How often the service runs (1 day; at least 1 minute).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How far back the executions go (30 days).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The fewest records a recommendation must rest on to be applied automatically (500).</summary>
    public int MinSamples { get; set; } = 500;

    /// <summary>
    /// The largest relative change of the estimate at <see cref="ReferenceVariables"/> applied automatically (0.5: the new
    /// estimate is within half to one and a half times the current one there); larger changes wait for a person.
    /// </summary>
    public double MaxRelativeChange { get; set; } = 0.5;

    /// <summary>The request variables the change is measured at (<c>N = 100</c>; other variables take their defaults).</summary>
    public IDictionary<string, double> ReferenceVariables { get; } = new Dictionary<string, double>(StringComparer.Ordinal) { ["N"] = 100 };

    /// <summary>The shortest time between two applies to the same tool, by hand or automatic (7 days).</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    /// <returns>These options.</returns>
    public TelemetryAutoApplyOptions Validate()
    {
        if (Interval < TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"Telemetry AutoApply.Interval must be at least 1 minute, got {Interval}.");
        }

        if (Window <= TimeSpan.Zero || MinInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"Telemetry AutoApply.Window ({Window}) must be positive and AutoApply.MinInterval ({MinInterval}) not negative.");
        }

        if (MinSamples < 1)
        {
            throw new ArgumentException($"Telemetry AutoApply.MinSamples must be at least 1, got {MinSamples}.");
        }

        if (!(MaxRelativeChange > 0) || !double.IsFinite(MaxRelativeChange))
        {
            throw new ArgumentException($"Telemetry AutoApply.MaxRelativeChange must be a positive number, got {MaxRelativeChange}.");
        }

        if (Tools.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Telemetry AutoApply.Tools must not hold an empty name.");
        }

        return this;
    }
}
