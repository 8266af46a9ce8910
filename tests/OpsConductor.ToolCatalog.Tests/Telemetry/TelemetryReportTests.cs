using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Telemetry;

/// <summary>
/// The telemetry report against a real PostgreSQL, on synthetic executions from a known law: time = (1200 + 310·N) ms
/// times lognormal noise of 10%, 1% wild outliers (×20), and, for a second tool, actual times 50% above the estimate.
/// Expected figures are computed exactly from the generated rows; the report's histogram figures must be within 1%.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class TelemetryReportTests
{
    internal static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    internal static List<ExecutionRecord> Law(string tool, int count, int seed, double bias = 1, double outliers = 0.01, double step = 0, int stepAt = int.MaxValue, string environment = "production")
    {
        var random = new Random(seed);
        var records = new List<ExecutionRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var n = random.Next(1, 51);
            var noise = Math.Exp(0.1 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            var wild = random.NextDouble() < outliers ? 20 : 1;
            records.Add(new ExecutionRecord
            {
                Tool = tool,
                Capability = "capability_0",
                Pattern = "pattern_0",
                ActualTimeMs = Math.Round((1200 + (310 * n)) * bias * noise * wild * (i >= stepAt ? 1 + step : 1)),
                Success = i % 10 != 0,
                Environment = environment,
                Variables = new Dictionary<string, double> { ["N"] = n },
                ExecutedAt = Start.AddMinutes(i),
            });
        }

        return records;
    }

    private static double Percentile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Ceiling(q * sorted.Length) - 1];
    }

    [Test]
    public async Task The_report_gives_counts_exactly_and_percentiles_ratios_errors_within_one_percent_and_counts_the_wild_outliers()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync([TelemetryEstimateTests.Tool("right", "1200 + 310 * N"), TelemetryEstimateTests.Tool("slow", "1200 + 310 * N"), TelemetryEstimateTests.Tool("blind", "1200 + 310 * N + hosts")]);
        var right = Law("right-00000", 5_000, seed: 1);
        var slow = Law("slow-00000", 2_000, seed: 2, bias: 1.5, outliers: 0);
        var blind = Law("blind-00000", 300, seed: 3);
        await store.WriteTelemetryAsync([.. right, .. slow, .. blind]);

        var report = await store.GetTelemetryReportAsync(new TelemetryReportQuery { Since = Start, Until = Start.AddDays(10) });

        Assert.That(report.Rows.Select(r => (r.Tool, r.Version, r.Capability, r.Pattern)), Is.EqualTo(new[]
        {
            ("blind-00000", "1.0", "capability_0", "pattern_0"), ("right-00000", "1.0", "capability_0", "pattern_0"), ("slow-00000", "1.0", "capability_0", "pattern_0"),
        }));
        var r = report.Rows[1];
        var ratios = right.Select(x => x.ActualTimeMs / Math.Round(1200 + (310 * x.Variables!["N"]))).ToList();
        Assert.That((r.Count, r.Successes, r.Estimated), Is.EqualTo((5_000L, 4_500L, 5_000L)));
        Assert.That(r.SuccessRate, Is.EqualTo(0.9));
        Assert.That(r.TimeEstimate, Is.EqualTo("1200 + 310 * N"));
        Assert.That(r.TimeP50Ms, Is.EqualTo(Percentile(right.Select(x => x.ActualTimeMs), 0.5)).Within(1).Percent);
        Assert.That(r.TimeP90Ms, Is.EqualTo(Percentile(right.Select(x => x.ActualTimeMs), 0.9)).Within(1).Percent);
        Assert.That(r.TimeP99Ms, Is.EqualTo(Percentile(right.Select(x => x.ActualTimeMs), 0.99)).Within(1).Percent);
        Assert.That(r.RatioMedian, Is.EqualTo(Percentile(ratios, 0.5)).Within(1).Percent);
        Assert.That(r.RatioQ1, Is.EqualTo(Percentile(ratios, 0.25)).Within(1).Percent);
        Assert.That(r.RatioQ3, Is.EqualTo(Percentile(ratios, 0.75)).Within(1).Percent);
        var median = Math.Log(Percentile(ratios, 0.5));
        Assert.That(r.LogRatioMad, Is.EqualTo(Percentile(ratios.Select(x => Math.Abs(Math.Log(x) - median)), 0.5)).Within(0.005), "about 0.6745 × 0.1");
        var mad = Percentile(ratios.Select(x => Math.Abs(Math.Log(x) - median)), 0.5);
        var byRule = ratios.Count(x => Math.Abs(Math.Log(x) - median) > 3.5 * 1.4826 * mad);
        var wild = ratios.Count(x => x > 5);
        Assert.That(wild, Is.GreaterThan(30));
        Assert.That(r.Outliers, Is.EqualTo(byRule).Within(1), "the rule on the exact figures: the wild ones and the normal tail beyond 3.5 sigma (about 2 in 5,000)");
        Assert.That(r.Outliers, Is.InRange(wild, wild + 4), "every injected wild one");
        Assert.That(r.TimeError, Is.EqualTo(Percentile(ratios.Select(x => Math.Abs(1 - (1 / x))), 0.5)).Within(0.005));

        var s = report.Rows[2];
        Assert.That(s.RatioMedian, Is.EqualTo(1.5).Within(1).Percent);
        Assert.That(s.TimeError, Is.EqualTo(1 / 3.0).Within(0.01), "|actual − estimate| / actual for times 50% above the estimate");
        var slowRatios = slow.Select(x => x.ActualTimeMs / Math.Round(1200 + (310 * x.Variables!["N"]))).ToList();
        var slowMedian = Math.Log(Percentile(slowRatios, 0.5));
        var slowMad = Percentile(slowRatios.Select(x => Math.Abs(Math.Log(x) - slowMedian)), 0.5);
        Assert.That(s.Outliers, Is.EqualTo(slowRatios.Count(x => Math.Abs(Math.Log(x) - slowMedian) > 3.5 * 1.4826 * slowMad)).Within(2), "no wild ones: the normal tail only");
        TestContext.Out.WriteLine($"outliers: right {r.Outliers} (wild {wild}, by the rule on exact figures {byRule}); slow {s.Outliers}");

        var b = report.Rows[0];
        Assert.That((b.Count, b.Estimated), Is.EqualTo((300L, 0L)), "counted, but without an estimate (the variable hosts is missing)");
        Assert.That((b.RatioMedian, b.LogRatioMad, b.TimeError, b.Outliers), Is.EqualTo(((double?)null, (double?)null, (double?)null, 0L)));
    }

    [Test]
    public async Task The_window_and_the_tool_capability_and_environment_filters_select_the_rows_counted()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync([TelemetryEstimateTests.Tool("one", "100"), TelemetryEstimateTests.Tool("two", "100")]);
        await store.WriteTelemetryAsync([.. Law("one-00000", 100, 1), .. Law("one-00000", 50, 2, environment: "staging"), .. Law("two-00000", 70, 3)]);

        async Task<IEnumerable<(string, long)>> Counts(TelemetryReportQuery query) =>
            (await store.GetTelemetryReportAsync(query)).Rows.Select(r => (r.Tool, r.Count));

        Assert.That(await Counts(new() { Since = Start, Until = Start.AddDays(1) }), Is.EqualTo(new[] { ("one-00000", 150L), ("two-00000", 70L) }));
        Assert.That(await Counts(new() { Since = Start.AddMinutes(60), Until = Start.AddDays(1) }), Is.EqualTo(new[] { ("one-00000", 40L), ("two-00000", 10L) }), "Since is inclusive");
        Assert.That(await Counts(new() { Since = Start, Until = Start.AddMinutes(60) }), Is.EqualTo(new[] { ("one-00000", 110L), ("two-00000", 60L) }), "Until is exclusive");
        Assert.That(await Counts(new() { Since = Start, Until = Start.AddDays(1), Tool = "two-00000" }), Is.EqualTo(new[] { ("two-00000", 70L) }));
        Assert.That(await Counts(new() { Since = Start, Until = Start.AddDays(1), Environment = "staging" }), Is.EqualTo(new[] { ("one-00000", 50L) }));
        Assert.That(await Counts(new() { Since = Start, Until = Start.AddDays(1), Capability = "capability_9" }), Is.Empty);
    }

    [Test]
    public async Task A_pattern_whose_times_step_up_forty_percent_is_reported_drifting_from_when_the_step_began()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync([TelemetryEstimateTests.Tool("steady", "1200 + 310 * N"), TelemetryEstimateTests.Tool("step", "1200 + 310 * N")]);
        await store.WriteTelemetryAsync([.. Law("steady-00000", 900, 1), .. Law("step-00000", 900, 2, step: 0.4, stepAt: 600)]);

        var report = await store.GetTelemetryReportAsync(new TelemetryReportQuery { Since = Start, Until = Start.AddDays(10) });

        var steady = report.Rows.Single(r => r.Tool == "steady-00000");
        var step = report.Rows.Single(r => r.Tool == "step-00000");
        Assert.That((steady.DriftSamples, steady.DriftFromEarlierSince, steady.DriftFromEstimateSince), Is.EqualTo((900, (DateTimeOffset?)null, (DateTimeOffset?)null)));
        Assert.That(step.DriftFromEarlierSince, Is.InRange(Start.AddMinutes(590), Start.AddMinutes(610)));
        Assert.That(step.DriftFromEstimateSince, Is.InRange(Start.AddMinutes(590), Start.AddMinutes(610)));

        var bounded = await store.GetTelemetryReportAsync(new TelemetryReportQuery { Since = Start, Until = Start.AddDays(10), DriftSamples = 200 });
        Assert.That(bounded.Rows.Single(r => r.Tool == "step-00000").DriftSamples, Is.EqualTo(200), "only the most recent 200, all after the step");
        Assert.That(bounded.Rows.Single(r => r.Tool == "step-00000").DriftFromEarlierSince, Is.Null);
    }

    [Test]
    public async Task Executions_of_zero_ms_or_with_an_estimate_of_zero_are_counted_but_left_out_of_the_ratio()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync([TelemetryEstimateTests.Tool("zero", "100 * N")]);
        var records = Law("zero-00000", 10, 1, outliers: 0);
        records[0] = records[0] with { ActualTimeMs = 0 };
        records[1] = records[1] with { Variables = new Dictionary<string, double> { ["N"] = 0 } };
        await store.WriteTelemetryAsync(records);

        var row = (await store.GetTelemetryReportAsync(new TelemetryReportQuery { Since = Start, Until = Start.AddDays(1) })).Rows.Single();

        Assert.That((row.Count, row.Estimated), Is.EqualTo((10L, 8L)));
        Assert.That(row.RatioMedian, Is.Not.Null.And.Not.NaN);
    }

    [Test]
    public async Task An_empty_window_or_a_drift_sample_count_out_of_range_is_refused_naming_it()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();

        var empty = Assert.ThrowsAsync<ArgumentException>(() => store.GetTelemetryReportAsync(new TelemetryReportQuery { Since = Start, Until = Start }));
        var samples = Assert.ThrowsAsync<ArgumentException>(() => store.GetTelemetryReportAsync(new TelemetryReportQuery { Since = Start, DriftSamples = 5 }));

        Assert.That(empty!.Message, Does.Contain("Since").And.Contain("Until"));
        Assert.That(samples!.Message, Does.Contain("DriftSamples").And.Contain("40 to 100,000"));
    }
}
