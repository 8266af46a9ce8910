namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>
/// What the telemetry says about one pattern's time estimate: over <see cref="Samples"/> recent executions that
/// recorded an estimate, the median (<see cref="RatioP50"/>) and the 90th percentile (<see cref="RatioP90"/>) of
/// actual ÷ estimated time. For a request, the calibrated p50 is the catalog's estimate for the request's variables
/// times <see cref="RatioP50"/> (<see cref="P50"/>), and likewise the p90: the model is that a pattern's error is a
/// factor, which is how execution times usually err (a slow network slows every host of a batch).
/// </summary>
/// <param name="Samples">How many executions the ratios come from.</param>
/// <param name="RatioP50">The median of actual ÷ estimated time (&gt; 0; 1 when the estimate is right on the median).</param>
/// <param name="RatioP90">The 90th percentile of actual ÷ estimated time (≥ <paramref name="RatioP50"/>).</param>
public readonly record struct TimeCalibration(int Samples, double RatioP50, double RatioP90)
{
    /// <summary>The calibrated median time for a request whose catalog estimate is <paramref name="estimatedTimeMs"/>.</summary>
    /// <param name="estimatedTimeMs">The catalog's estimate for the request's variables, in milliseconds.</param>
    /// <returns>The estimate times <see cref="RatioP50"/>, in milliseconds.</returns>
    public double P50(double estimatedTimeMs) => estimatedTimeMs * RatioP50;

    /// <summary>The calibrated 90th-percentile time for a request whose catalog estimate is <paramref name="estimatedTimeMs"/>.</summary>
    /// <param name="estimatedTimeMs">The catalog's estimate for the request's variables, in milliseconds.</param>
    /// <returns>The estimate times <see cref="RatioP90"/>, in milliseconds.</returns>
    public double P90(double estimatedTimeMs) => estimatedTimeMs * RatioP90;
}

/// <summary>One pattern's <see cref="TimeCalibration"/>, named by the tool version, capability and pattern it is for.</summary>
/// <param name="Tool">The tool's name.</param>
/// <param name="Version">The tool version the executions ran (calibrations never carry over to another version).</param>
/// <param name="Capability">The capability.</param>
/// <param name="Pattern">The pattern.</param>
/// <param name="Calibration">The ratios.</param>
public sealed record PatternTimeCalibration(string Tool, string Version, string Capability, string Pattern, TimeCalibration Calibration);

/// <summary>
/// The time calibrations of every pattern with enough recent telemetry, looked up by tool version, capability and
/// pattern. Immutable; a new table replaces the old one as a whole (<see cref="ITimeCalibrationSource"/>). A table is also
/// a source that always gives itself, for a selector with fixed calibrations.
/// </summary>
public sealed class TimeCalibrations : ITimeCalibrationSource
{
    private readonly Dictionary<Key, PatternTimeCalibration> _byPattern;

    /// <summary>Builds the table from <paramref name="calibrations"/> (a later duplicate replaces an earlier one).</summary>
    /// <param name="calibrations">The patterns' calibrations.</param>
    /// <param name="loadedAt">When they were read from the telemetry.</param>
    /// <exception cref="ArgumentException">A calibration has no samples, a ratio that is not finite, a median ≤ 0 or a p90 below its median.</exception>
    public TimeCalibrations(IEnumerable<PatternTimeCalibration> calibrations, DateTimeOffset loadedAt)
    {
        ArgumentNullException.ThrowIfNull(calibrations);
        _byPattern = [];
        foreach (var c in calibrations)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(calibrations));
            var (samples, p50, p90) = c.Calibration;
            if (!(samples > 0 && p50 > 0 && p90 >= p50 && double.IsFinite(p90)))
            {
                throw new ArgumentException(
                    $"The calibration of {c.Tool} {c.Version} {c.Capability}.{c.Pattern} must have samples > 0 and 0 < p50 ≤ p90 (finite), got {c.Calibration}.",
                    nameof(calibrations));
            }

            _byPattern[new Key(c.Tool, c.Version, c.Capability, c.Pattern)] = c;
        }

        LoadedAt = loadedAt;
    }

    /// <summary>No calibrations: every lookup misses.</summary>
    public static TimeCalibrations Empty { get; } = new([], DateTimeOffset.MinValue);

    /// <summary>This table.</summary>
    TimeCalibrations ITimeCalibrationSource.Current => this;

    /// <summary>How many patterns have a calibration.</summary>
    public int Count => _byPattern.Count;

    /// <summary>When the calibrations were read from the telemetry (<see cref="DateTimeOffset.MinValue"/> for <see cref="Empty"/>).</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>The calibration of a pattern of a tool version, when it has one.</summary>
    /// <param name="tool">The tool's name.</param>
    /// <param name="version">The tool's version.</param>
    /// <param name="capability">The capability.</param>
    /// <param name="pattern">The pattern.</param>
    /// <param name="calibration">The calibration, when found.</param>
    /// <returns>Whether the pattern has one.</returns>
    public bool TryGet(string tool, string version, string capability, string pattern, out TimeCalibration calibration)
    {
        var found = _byPattern.TryGetValue(new Key(tool, version, capability, pattern), out var entry);
        calibration = found ? entry!.Calibration : default;
        return found;
    }

    /// <summary>The stored entry (a reference: a candidate keeps 8 bytes, not the 32 of the struct).</summary>
    internal PatternTimeCalibration? Find(string tool, string version, string capability, string pattern) =>
        _byPattern.GetValueOrDefault(new Key(tool, version, capability, pattern));

    private readonly record struct Key(string Tool, string Version, string Capability, string Pattern);
}

/// <summary>
/// Where selection finds the current <see cref="TimeCalibrations"/>. <c>AddToolCatalog</c> registers one that reads
/// them from the catalog's telemetry every <see cref="TelemetryOptions.CalibrationRefreshInterval"/> when
/// <see cref="TelemetryOptions.Calibration"/> is on (and is empty otherwise).
/// </summary>
public interface ITimeCalibrationSource
{
    /// <summary>The latest calibrations; <see cref="TimeCalibrations.Empty"/> before the first load. Cheap: a field read.</summary>
    TimeCalibrations Current { get; }
}
