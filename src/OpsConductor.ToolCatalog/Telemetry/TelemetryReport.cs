namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>What <c>ToolCatalogStore.GetTelemetryReportAsync</c> reports on: a window of executions and optional filters.</summary>
public sealed record TelemetryReportQuery
{
    /// <summary>The start of the window (inclusive).</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>The end of the window (exclusive); null for now (the store's clock).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only this tool (every version); null for all.</summary>
    public string? Tool { get; init; }

    /// <summary>Only capabilities of this name; null for all.</summary>
    public string? Capability { get; init; }

    /// <summary>Only executions recorded with this environment; null for all.</summary>
    public string? Environment { get; init; }

    /// <summary>
    /// How many of each pattern's most recent executions (with an estimate) the drift detector reads: 40 to 100,000, or 0
    /// for no drift detection. Default 2,000.
    /// </summary>
    public int DriftSamples { get; init; } = 2_000;

    /// <summary>
    /// Reads a window bound as the CLI and the API take it: an age before <paramref name="now"/> (a whole number of minutes,
    /// hours, days or weeks: <c>30m</c>, <c>12h</c>, <c>7d</c>, <c>2w</c>, at most 36,500 days) or an ISO 8601 timestamp with
    /// an offset (<c>2026-11-01T00:00:00Z</c>).
    /// </summary>
    /// <returns>False when <paramref name="text"/> is neither.</returns>
    public static bool TryParseTime(string? text, DateTimeOffset now, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var unit = char.ToLowerInvariant(text[^1]);
        if (text.Length >= 2 && unit is 'm' or 'h' or 'd' or 'w'
            && long.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count))
        {
            var minutes = unit switch { 'm' => 1L, 'h' => 60L, 'd' => 1_440L, _ => 10_080L };
            if (count < 1 || count > 36_500L * 1_440 / minutes)
            {
                return false;
            }

            time = now - TimeSpan.FromMinutes(count * minutes);
            return true;
        }

        // A timestamp must say its offset: a bare local time would mean different windows on different hosts.
        var hasOffset = text[^1] is 'Z' or 'z' || (text.Length > 6 && text[^3] == ':' && text[^6] is '+' or '-');
        return hasOffset && DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"],
            System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out time);
    }
}

/// <summary>The telemetry report over a window: one row per tool version, capability and pattern that has executions in it.</summary>
/// <param name="Since">The start of the window (inclusive).</param>
/// <param name="Until">The end of the window (exclusive).</param>
/// <param name="Rows">The rows, by tool name, version, then the capabilities' and patterns' order in the tool.</param>
public sealed record TelemetryReport(DateTimeOffset Since, DateTimeOffset Until, IReadOnlyList<TelemetryReportRow> Rows);

/// <summary>
/// One pattern of one tool version over the report's window (decision 1502). Times and ratios come from log-bucketed
/// histograms computed in PostgreSQL (buckets 0.5% wide, so each figure is within about 0.25% of the exact one); counts are
/// exact. Ratio, spread, outliers and error use only the executions with an estimate (<see cref="Estimated"/>) and an actual
/// time above 0.
/// </summary>
public sealed record TelemetryReportRow
{
    /// <summary>The tool's name.</summary>
    public required string Tool { get; init; }

    /// <summary>The tool version the executions ran.</summary>
    public required string Version { get; init; }

    /// <summary>The capability's name.</summary>
    public required string Capability { get; init; }

    /// <summary>The pattern's name.</summary>
    public required string Pattern { get; init; }

    /// <summary>The version's time estimate expression (what the estimates were computed from).</summary>
    public required string TimeEstimate { get; init; }

    /// <summary>Executions in the window.</summary>
    public required long Count { get; init; }

    /// <summary>Executions that succeeded.</summary>
    public required long Successes { get; init; }

    /// <summary><see cref="Successes"/> / <see cref="Count"/>.</summary>
    public double SuccessRate => Count == 0 ? 0 : (double)Successes / Count;

    /// <summary>The median actual time, ms.</summary>
    public required double TimeP50Ms { get; init; }

    /// <summary>The 90th percentile of the actual time, ms.</summary>
    public required double TimeP90Ms { get; init; }

    /// <summary>The 99th percentile of the actual time, ms.</summary>
    public required double TimeP99Ms { get; init; }

    /// <summary>Executions with an estimated time above 0 and an actual time above 0: the ones compared with the estimate.</summary>
    public required long Estimated { get; init; }

    /// <summary>The median of actual / estimated time; null without <see cref="Estimated"/> executions.</summary>
    public double? RatioMedian { get; init; }

    /// <summary>The first quartile of actual / estimated time.</summary>
    public double? RatioQ1 { get; init; }

    /// <summary>The third quartile of actual / estimated time.</summary>
    public double? RatioQ3 { get; init; }

    /// <summary>The median absolute deviation of ln(actual / estimated) from its median (natural log units).</summary>
    public double? LogRatioMad { get; init; }

    /// <summary>
    /// Executions whose |ln(actual / estimated) − median| exceeds 3.5 × 1.4826 × the MAD (the MAD taken as at least one
    /// 0.5% bucket): a robust z-score above 3.5.
    /// </summary>
    public long Outliers { get; init; }

    /// <summary>The median absolute percentage error of the estimate, |actual − estimated| / actual, as a fraction (0.12 is 12%).</summary>
    public double? TimeError { get; init; }

    /// <summary>How many recent executions the drift detector read (0 when it was not asked to).</summary>
    public int DriftSamples { get; init; }

    /// <summary>When the pattern's times began departing from its estimate by more than 10%, beyond chance; null if they do not (or too few samples).</summary>
    public DateTimeOffset? DriftFromEstimateSince { get; init; }

    /// <summary>When the pattern's times began departing from its own earlier behaviour (the first third of the samples read), beyond chance; null if they do not.</summary>
    public DateTimeOffset? DriftFromEarlierSince { get; init; }
}
