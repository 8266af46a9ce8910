using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Telemetry;

/// <summary>
/// <c>ToolCatalogStore.GetTelemetrySeriesAsync</c> against a real PostgreSQL: the estimate against the actual time per
/// pattern and bucket, across the tool's versions, for the admin UI's charts.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class TelemetrySeriesTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    private static ExecutionRecord Run(string tool, string version, int minute, double actual, bool success = true) => new()
    {
        Tool = tool,
        Version = version,
        Capability = "capability_0",
        Pattern = "pattern_0",
        ActualTimeMs = actual,
        Success = success,
        Variables = new Dictionary<string, double> { ["N"] = 1 },
        ExecutedAt = Start.AddMinutes(minute),
    };

    [Test]
    public async Task The_series_gives_per_bucket_counts_and_medians_and_follows_the_estimate_across_versions()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync([TelemetryEstimateTests.Tool("series", "1000"), TelemetryEstimateTests.Tool("other", "1000")]);
        await store.PublishAsync(TelemetryEstimateTests.Tool("series", "1500") with { Version = "2.0" });
        await store.WriteTelemetryAsync(
        [
            // Hour 0 on version 1.0 (estimate 1000): actual 1400, 1500, 1600; one failure.
            Run("series-00000", "1.0", 5, 1400), Run("series-00000", "1.0", 10, 1500, success: false), Run("series-00000", "1.0", 50, 1600),
            // Hour 1: nothing. Hour 2 on version 2.0 (estimate 1500): actual 1480, 1520.
            Run("series-00000", "2.0", 125, 1480), Run("series-00000", "2.0", 130, 1520),
            // Another tool in the same hours: not counted.
            Run("other-00000", "1.0", 6, 99_000),
            // Outside the window: not counted.
            Run("series-00000", "2.0", 60 * 5, 9_000),
        ]);

        var series = await store.GetTelemetrySeriesAsync("series-00000", Start, Start.AddHours(3), TimeSpan.FromHours(1));

        Assert.That(series.Select(p => (p.Capability, p.Pattern, p.At, p.Count, p.Successes, p.ActualP50Ms, p.EstimatedP50Ms)), Is.EqualTo(new[]
        {
            ("capability_0", "pattern_0", Start, 3L, 2L, 1500.0, (double?)1000),
            ("capability_0", "pattern_0", Start.AddHours(2), 2L, 2L, 1500.0, (double?)1500),
        }));
    }

    [Test]
    public async Task A_step_that_cuts_the_window_into_too_many_buckets_is_refused_naming_the_step()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();

        var tooFine = Assert.ThrowsAsync<ArgumentException>(() => store.GetTelemetrySeriesAsync("any", Start, Start.AddDays(30), TimeSpan.FromMinutes(1)));
        var empty = Assert.ThrowsAsync<ArgumentException>(() => store.GetTelemetrySeriesAsync("any", Start, Start, TimeSpan.FromHours(1)));

        Assert.Multiple(() =>
        {
            Assert.That(tooFine!.ParamName, Is.EqualTo("step"));
            Assert.That(tooFine.Message, Does.Contain("1000 buckets"));
            Assert.That(empty!.ParamName, Is.EqualTo("since"));
        });
    }
}
