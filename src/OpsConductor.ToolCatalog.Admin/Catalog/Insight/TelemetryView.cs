using System.Globalization;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Admin.Catalog;

/// <summary>A window the telemetry pages offer: its key (as the API's <c>since</c> takes it), its length, and the chart's bucket.</summary>
internal sealed record TelemetryWindow(string Key, string Label, TimeSpan Length, TimeSpan Step)
{
    public static IReadOnlyList<TelemetryWindow> All { get; } =
    [
        new("24h", "last 24 hours", TimeSpan.FromHours(24), TimeSpan.FromMinutes(30)),
        new("7d", "last 7 days", TimeSpan.FromDays(7), TimeSpan.FromHours(3)),
        new("30d", "last 30 days", TimeSpan.FromDays(30), TimeSpan.FromHours(12)),
        new("90d", "last 90 days", TimeSpan.FromDays(90), TimeSpan.FromDays(1)),
    ];

    public static TelemetryWindow Default => All[1];

    /// <summary>The window of <paramref name="key"/>, or the default (7 days) for anything else.</summary>
    public static TelemetryWindow Of(string? key) => All.FirstOrDefault(w => string.Equals(w.Key, key, StringComparison.OrdinalIgnoreCase)) ?? Default;
}

/// <summary>One capability and pattern's chart: the estimate against the actual time, and its success rate over the window.</summary>
internal sealed record PatternChart(string Capability, string Pattern, long Executions, long Successes, LineChart Chart)
{
    public string SuccessRate => TelemetryView.Percent(Executions == 0 ? double.NaN : (double)Successes / Executions);
}

/// <summary>What the telemetry pages show, computed from the store's report, series and recommendations (no page logic in Razor).</summary>
internal static class TelemetryView
{
    public const string ActualColor = "#2456a6";
    public const string EstimateColor = "#c76b00";

    /// <summary>One chart per capability and pattern of the series: the median actual time and the median estimate per bucket.</summary>
    public static IReadOnlyList<PatternChart> Charts(IReadOnlyList<TelemetrySeriesPoint> points, DateTimeOffset from, DateTimeOffset to) =>
        [.. points.GroupBy(static p => (p.Capability, p.Pattern)).Select(g => new PatternChart(
            g.Key.Capability,
            g.Key.Pattern,
            g.Sum(static p => p.Count),
            g.Sum(static p => p.Successes),
            LineChart.Plot(
            [
                new ChartSeries("actual (median ms)", ActualColor, [.. g.Select(static p => (p.At, p.ActualP50Ms))]),
                new ChartSeries("estimate (median ms)", EstimateColor, [.. g.Where(static p => p.EstimatedP50Ms is not null).Select(static p => (p.At, p.EstimatedP50Ms!.Value))]),
            ], from, to)))];

    /// <summary>The drift flag of a report row in words: none, or since when the times depart from the estimate and/or from their own past.</summary>
    public static string Drift(TelemetryReportRow row) => (row.DriftFromEstimateSince, row.DriftFromEarlierSince) switch
    {
        (null, null) => row.DriftSamples == 0 ? "not checked" : "none",
        ({ } e, null) => $"from the estimate since {Time(e)}",
        (null, { } b) => $"from earlier behaviour since {Time(b)}",
        ({ } e, { } b) => $"from the estimate since {Time(e)}; from earlier behaviour since {Time(b)}",
    };

    /// <summary>Whether the row is flagged as drifting.</summary>
    public static bool Drifting(TelemetryReportRow row) => row.DriftFromEstimateSince is not null || row.DriftFromEarlierSince is not null;

    /// <summary>A fraction as a percentage with one decimal ("90.0%"), or "–" when not a number.</summary>
    public static string Percent(double fraction) =>
        double.IsFinite(fraction) ? (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";

    /// <summary>A ratio with two decimals ("1.50×"), or "–".</summary>
    public static string Ratio(double? ratio) =>
        ratio is { } r && double.IsFinite(r) ? r.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";

    /// <summary>Milliseconds as a whole number with separators ("1,500 ms").</summary>
    public static string Ms(double ms) => double.IsFinite(ms) ? ms.ToString("#,0", CultureInfo.InvariantCulture) + " ms" : "–";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
