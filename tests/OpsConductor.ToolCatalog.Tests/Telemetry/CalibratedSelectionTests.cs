using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Telemetry;

/// <summary>
/// Calibrated estimates in selection: the telemetry's median and 90th percentile of actual ÷ estimated time per pattern,
/// read in one aggregate, reported next to the catalog's estimate, and ranked on when asked; the explanation says which.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class CalibratedSelectionTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static PatternDefinition Pattern(string name, string time) => new()
    {
        Name = name,
        TimeEstimateMs = time,
        CostEstimate = "1",
        ComplexityScore = 0.2,
        Policy = PolicyDefinition.Default,
        PreferenceMatch = new PreferenceMatch { Accuracy = 0.9, Completeness = 0.9 },
    };

    /// <summary>"optimist" promises 200 ms and takes ten times that; "honest" says 800 ms.</summary>
    private static CatalogSnapshot Catalog() => CatalogSnapshot.Create(
        [
            new ToolDefinition { Name = "optimist", Version = "1.0", Capabilities = [new CapabilityDefinition { Name = "service_control", Patterns = [Pattern("restart", "200")] }] },
            new ToolDefinition { Name = "honest", Version = "1.0", Capabilities = [new CapabilityDefinition { Name = "service_control", Patterns = [Pattern("restart", "800")] }] },
        ],
        1, CatalogSource.Memory, DateTimeOffset.UnixEpoch);

    private static TimeCalibrations Calibrations(string version = "1.0") =>
        new([new PatternTimeCalibration("optimist", version, "service_control", "restart", new TimeCalibration(412, 10, 15))], Now);

    private static SelectionRequest Request(CalibrationUse? use) => new()
    {
        Capabilities = ["service_control"],
        ExplicitMode = "fast",
        Calibration = use,
    };

    [Test]
    public void Without_calibrations_asked_for_the_catalog_estimates_decide_and_nothing_is_calibrated()
    {
        var selector = new ToolSelector(calibrations: Calibrations());

        var result = selector.Select(Catalog(), Request(null));

        Assert.That(result.ToolName, Is.EqualTo("optimist"));
        Assert.That(result.Evaluation.Ranked.Select(r => r.Candidate.Calibration), Is.All.Null);
        Assert.That(result.Evaluation.Ranked.Select(r => r.TimeSource), Is.All.EqualTo(TimeSource.Catalog));
    }

    [Test]
    public void Report_gives_the_telemetry_p50_and_p90_for_the_request_next_to_the_estimate_and_ranks_as_before()
    {
        var selector = new ToolSelector(calibrations: Calibrations());

        var result = selector.Select(Catalog(), Request(CalibrationUse.Report));

        Assert.That(result.ToolName, Is.EqualTo("optimist"), "report only: the catalog's estimate still ranks");
        var optimist = result.Evaluation.Ranked.Single(r => r.Candidate.ToolName == "optimist");
        Assert.That(optimist.Candidate.EstimatedTimeMs, Is.EqualTo(200));
        Assert.That(optimist.Candidate.CalibratedP50Ms, Is.EqualTo(2000));
        Assert.That(optimist.Candidate.CalibratedP90Ms, Is.EqualTo(3000));
        Assert.That(optimist.Candidate.Calibration!.Value.Samples, Is.EqualTo(412));
        Assert.That(optimist.TimeSource, Is.EqualTo(TimeSource.Catalog));
        Assert.That(optimist.Describe(result.Evaluation.Weights), Does.Contain("telemetry p50 2000 ms, p90 3000 ms over 412 runs; ranked on the catalog estimate"));
        var honest = result.Evaluation.Ranked.Single(r => r.Candidate.ToolName == "honest");
        Assert.That(honest.Candidate.CalibratedP50Ms, Is.Null, "no telemetry for it");
    }

    [Test]
    public void Rank_scores_a_calibrated_candidate_on_its_telemetry_p50_and_says_so()
    {
        var selector = new ToolSelector(calibrations: Calibrations());

        var result = selector.Select(Catalog(), Request(CalibrationUse.Rank));

        Assert.That(result.ToolName, Is.EqualTo("honest"), "2000 ms measured loses to 800 ms declared");
        var optimist = result.Evaluation.Ranked.Single(r => r.Candidate.ToolName == "optimist");
        Assert.That(optimist.TimeSource, Is.EqualTo(TimeSource.TelemetryP50));
        Assert.That(optimist.Describe(result.Evaluation.Weights), Does.Contain("ranked on the telemetry p50"));
        Assert.That(result.Evaluation.Ranked.Single(r => r.Candidate.ToolName == "honest").TimeSource, Is.EqualTo(TimeSource.Catalog));
        Assert.That(optimist.Candidate.EstimatedTimeMs, Is.EqualTo(200), "the catalog's estimate is still reported, and policies read it");
    }

    [Test]
    public void The_options_turn_calibration_on_for_every_request_and_a_request_can_turn_it_off()
    {
        var selector = new ToolSelector(new SelectionOptions { Calibration = CalibrationUse.Rank }, calibrations: Calibrations());

        Assert.That(selector.Select(Catalog(), Request(null)).ToolName, Is.EqualTo("honest"));
        Assert.That(selector.Select(Catalog(), Request(CalibrationUse.Off)).ToolName, Is.EqualTo("optimist"));
    }

    [Test]
    public void A_calibration_belongs_to_its_tool_version_only()
    {
        var selector = new ToolSelector(calibrations: Calibrations(version: "0.9"));

        var result = selector.Select(Catalog(), Request(CalibrationUse.Rank));

        Assert.That(result.ToolName, Is.EqualTo("optimist"), "the telemetry of 0.9 says nothing about 1.0");
        Assert.That(result.Evaluation.Ranked.Select(r => r.Candidate.Calibration), Is.All.Null);
    }

    [Test]
    public void Bad_calibration_values_are_refused_naming_the_pattern_and_a_bad_request_value_naming_the_field()
    {
        var bad = new PatternTimeCalibration("optimist", "1.0", "service_control", "restart", new TimeCalibration(10, 2, 1));
        Assert.That(() => new TimeCalibrations([bad], Now), Throws.ArgumentException.With.Message.Contains("optimist 1.0 service_control.restart").And.Message.Contains("p50 ≤ p90"));

        var request = Request((CalibrationUse)7);
        Assert.That(() => new ToolSelector().Select(Catalog(), request),
            Throws.TypeOf<InvalidSelectionRequestException>().With.Property(nameof(InvalidSelectionRequestException.Field)).EqualTo("Calibration"));
        Assert.That(() => new SelectionOptions { Calibration = (CalibrationUse)7 }.Validate(), Throws.ArgumentException.With.Message.Contains("Calibration"));
    }

    private static ExecutionRecord Execution(string tool, string pattern, double actual, double? estimate, DateTimeOffset at) => new()
    {
        Tool = tool,
        Capability = "capability_0",
        Pattern = pattern,
        ActualTimeMs = actual,
        Success = true,
        EstimatedTimeMs = estimate,
        ExecutedAt = at,
    };

    [Test]
    public async Task The_store_aggregates_the_median_and_p90_ratio_per_pattern_within_the_window_and_above_the_minimum()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "cal")]);
        var records = new List<ExecutionRecord>();
        for (var i = 0; i < 100; i++)
        {
            records.Add(Execution("cal-00000", "pattern_0", 100 + i, 100, Now.AddMinutes(-i)));   // ratios 1.00 … 1.99
        }

        records.Add(Execution("cal-00000", "pattern_0", 10_000, 100, Now.AddDays(-30)));           // before the window
        records.Add(Execution("cal-00000", "pattern_0", 10_000, 0, Now));                          // an estimate of 0 ms says nothing
        for (var i = 0; i < 10; i++)
        {
            records.Add(Execution("cal-00000", "pattern_1", 300, 100, Now.AddMinutes(-i)));        // too few
        }

        await store.WriteTelemetryAsync(records);

        var calibrations = await store.GetTimeCalibrationsAsync(Now.AddDays(-7), minSamples: 30);

        var only = calibrations.Single();
        Assert.That((only.Tool, only.Version, only.Capability, only.Pattern), Is.EqualTo(("cal-00000", "1.0", "capability_0", "pattern_0")));
        Assert.That(only.Calibration.Samples, Is.EqualTo(100));
        Assert.That(only.Calibration.RatioP50, Is.EqualTo(1.495).Within(1e-9));
        Assert.That(only.Calibration.RatioP90, Is.EqualTo(1.891).Within(1e-9));
        Assert.That(await store.GetTimeCalibrationsAsync(Now.AddDays(-7), minSamples: 10), Has.Count.EqualTo(2));
        Assert.That(() => store.GetTimeCalibrationsAsync(Now, minSamples: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task AddToolCatalog_gives_the_selector_the_calibrations_it_reads_from_the_telemetry()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "dic"), GeneratedTools.Create(1, prefix: "dic")]);
        await store.WriteTelemetryAsync([.. Enumerable.Range(0, 40).Select(i => Execution("dic-00000", "pattern_0", 5_000, 100, Now.AddMinutes(-i)))]);
        var services = new ServiceCollection();
        services.AddToolCatalog(o => o.ConnectionString = db.ConnectionString).ConfigureTelemetry(t => t.Calibration = true);
        await using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<ToolCatalogRuntime>();
        await catalog.StartAsync();
        var refresher = (TimeCalibrationRefresher)provider.GetRequiredService<ITimeCalibrationSource>();
        Assert.That(refresher.IsActive, Is.True);

        var table = await refresher.RefreshAsync();
        var request = new SelectionRequest { Capabilities = ["capability_0"], Variables = new Dictionary<string, double> { ["N"] = 1 }, ExplicitMode = "fast", Calibration = CalibrationUse.Rank };
        var result = provider.GetRequiredService<ToolSelector>().Select(catalog.Current, request);

        Assert.That(table.Count, Is.EqualTo(1));
        var calibrated = result.Evaluation.Ranked.Single(r => r.Candidate.Calibration is not null);
        Assert.That((calibrated.Candidate.ToolName, calibrated.Candidate.PatternName, calibrated.TimeSource), Is.EqualTo(("dic-00000", "pattern_0", TimeSource.TelemetryP50)));
        Assert.That(calibrated.Candidate.CalibratedP50Ms, Is.EqualTo(calibrated.Candidate.EstimatedTimeMs * 50).Within(1e-9));
        Assert.That(result.ToolName, Is.EqualTo("dic-00001"), "the same pattern of the other tool, uncalibrated, is now faster");
        await catalog.StopAsync();
    }

    [Test]
    public async Task With_calibration_off_nothing_is_read_and_the_table_stays_empty()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var refresher = new TimeCalibrationRefresher(db.CreateStore(), new TelemetryOptions());
        await refresher.StartAsync(CancellationToken.None);

        Assert.That(refresher.IsActive, Is.False);
        Assert.That(refresher.Current, Is.SameAs(TimeCalibrations.Empty));
        await using var yamlOnly = new TimeCalibrationRefresher(null, new TelemetryOptions { Calibration = true });
        Assert.That(yamlOnly.IsActive, Is.False);
        Assert.That(() => yamlOnly.RefreshAsync(), Throws.InvalidOperationException.With.Message.Contains("YAML mode"));
    }
}
