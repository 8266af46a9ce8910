using System.Globalization;
using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Telemetry;

/// <summary>
/// Recommendations against a real PostgreSQL: synthetic executions from a known law (1200 + 310·N ms, lognormal noise,
/// 1 % outliers ×20) are written for a pattern whose estimate is wrong and one whose estimate is right; recommend stores a
/// recalibration for the first only; apply publishes it as a new version, audited with the evidence; rollback undoes it;
/// unknown, applied, superseded and stale recommendations are refused.
/// <para>The tests share one database: each works on a tool of its own name (its telemetry, recommendations, versions
/// and audit rows are that tool's) and every read or assertion names the tool.</para>
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed partial class RecommendationTests
{
    private const string Wrong = "1500 + 350 * N";
    private const string Right = "1200 + 310 * N";

    private static int _invalidTools;
    private TestDatabase _db = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _db = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    private static ToolDefinition Tool(string name)
    {
        var tool = GeneratedTools.Create(0, capabilities: 1, patterns: 2, prefix: name);
        var capability = tool.Capabilities[0];
        return tool with
        {
            Capabilities =
            [
                capability with
                {
                    Patterns = [capability.Patterns[0] with { TimeEstimateMs = Wrong }, capability.Patterns[1] with { TimeEstimateMs = Right }],
                },
            ],
        };
    }

    /// <summary>Writes <paramref name="count"/> executions of the law for each of the tool's two patterns, over the last 20 days.</summary>
    private static async Task WriteExecutionsAsync(ToolCatalogStore store, ToolDefinition tool, int count, int seed = 1, string? version = null)
    {
        var now = DateTimeOffset.UtcNow;
        var records = new List<ExecutionRecord>();
        foreach (var pattern in new[] { "pattern_0", "pattern_1" })
        {
            var i = 0;
            foreach (var o in EstimateFitterTests.Executions(n => 1200 + (310 * n), count, seed))
            {
                records.Add(new ExecutionRecord
                {
                    Tool = tool.Name,
                    Version = version ?? tool.Version,
                    Capability = "capability_0",
                    Pattern = pattern,
                    ActualTimeMs = o.Actual,
                    Success = true,
                    Variables = o.Variables,
                    ExecutedAt = now.AddDays(-20).AddMinutes(i++),
                });
            }
        }

        var written = await store.WriteTelemetryAsync(records);
        Assert.That(written.Written, Is.EqualTo(records.Count));
    }

    private async Task<(TestDatabase Db, ToolCatalogStore Store, ToolDefinition Tool)> SetUpAsync(string name, int count = 3000)
    {
        var db = _db;
        var store = db.CreateStore();
        var tool = Tool(name);
        await store.ImportAsync([tool]);
        await WriteExecutionsAsync(store, tool, count);
        return (db, store, tool);
    }

    [Test]
    public async Task Recommend_stores_a_recalibration_of_the_wrong_estimate_near_the_law_and_none_for_the_right_one()
    {
        var (db, store, tool) = await SetUpAsync("rec");

        var run = await store.RecommendAsync(new RecommendationOptions { Tool = tool.Name });

        var recommendation = run.Recommendations.Single();
        Assert.That((recommendation.Tool, recommendation.Version, recommendation.Capability, recommendation.Pattern, recommendation.Field, recommendation.Current),
            Is.EqualTo((tool.Name, "1.0", "capability_0", "pattern_0", "time_estimate_ms", Wrong)));
        var match = AffineText().Match(recommendation.Recommended);
        Assert.That(match.Success, Is.True, recommendation.Recommended);
        Assert.That(double.Parse(match.Groups["a"].Value, CultureInfo.InvariantCulture), Is.EqualTo(1200).Within(5).Percent);
        Assert.That(double.Parse(match.Groups["b"].Value, CultureInfo.InvariantCulture), Is.EqualTo(310).Within(2).Percent);
        Assert.That(recommendation.Samples, Is.EqualTo(3000));
        Assert.That(recommendation.RecommendedError, Is.LessThan(recommendation.CurrentError * 0.8));
        Assert.That(recommendation.Evidence, Does.Contain("\"method\": \"theil-sen a + b*N\"").And.Contain("\"test_samples\": 900"));

        var left = run.NotRecommended.Single();
        Assert.That((left.Pattern, left.Field, left.Samples), Is.EqualTo(("pattern_1", "time_estimate_ms", 3000)));
        Assert.That(left.Reason, Does.Contain("not clearly better").Or.Contain("is the current expression"));

        var stored = await store.GetRecommendationsAsync(tool.Name);
        Assert.That(stored, Is.EqualTo(new[] { recommendation }).Using<EstimateRecommendation>((x, y) => x.Id == y.Id && x.Recommended == y.Recommended && x.Evidence.Length > 0));
    }

    [Test]
    public async Task Thin_data_gets_no_recommendation_and_says_the_minimum()
    {
        var (db, store, tool) = await SetUpAsync("thin", count: 25);

        var run = await store.RecommendAsync(new RecommendationOptions { Tool = tool.Name });

        Assert.That(run.Recommendations, Is.Empty);
        Assert.That(run.NotRecommended.Select(n => n.Reason), Is.All.EqualTo("too few usable records: 25, fewer than the minimum 40"));
    }

    [Test]
    public async Task Only_the_most_recent_records_of_the_window_are_read()
    {
        var (db, store, tool) = await SetUpAsync("window", count: 500);

        var outOfWindow = await store.RecommendAsync(new RecommendationOptions { Tool = tool.Name, Window = TimeSpan.FromDays(10) });
        var bounded = await store.RecommendAsync(new RecommendationOptions { Tool = tool.Name, MaxRecordsPerPattern = 100 });

        Assert.That(outOfWindow.Recommendations, Is.Empty);
        Assert.That(outOfWindow.NotRecommended, Is.Empty, "nothing in the last 10 days: nothing examined");
        Assert.That(bounded.Recommendations.Select(r => r.Samples).Concat(bounded.NotRecommended.Select(n => n.Samples)), Is.All.EqualTo(100));
    }

    [Test]
    public async Task Apply_publishes_a_new_version_audited_with_the_evidence_and_a_rollback_undoes_it()
    {
        var (db, store, tool) = await SetUpAsync("apply");
        var recommendation = (await store.RecommendAsync(new RecommendationOptions { Tool = tool.Name })).Recommendations.Single();
        var before = (await store.GetAsync(tool.Name))!.Definition;

        var applied = await store.ApplyRecommendationAsync(recommendation.Id, new ChangeContext { Actor = "alice" });

        Assert.That((applied.PreviousVersion, applied.NewVersion), Is.EqualTo(("1.0", "1.1")));
        var latest = (await store.GetAsync(tool.Name))!.Definition;
        Assert.That(latest.Version, Is.EqualTo("1.1"));
        Assert.That(latest.Capabilities[0].Patterns.Select(p => p.TimeEstimateMs), Is.EqualTo(new[] { recommendation.Recommended, Right }));
        Assert.That(latest with { Version = "1.0", Capabilities = before.Capabilities }, Is.EqualTo(before), "nothing else changed");
        var audits = await store.GetAuditAsync(tool.Name);
        var audit = audits[^1];
        Assert.That((audit.Version, audit.ChangedBy), Is.EqualTo(("1.1", "alice")));
        Assert.That(audit.Reason, Is.EqualTo(string.Create(CultureInfo.InvariantCulture,
            $"telemetry recommendation {recommendation.Id}: capability_0/pattern_0 time_estimate_ms '{Wrong}' → '{recommendation.Recommended}' on 3,000 executions, held-out error {recommendation.CurrentError:0.0} % → {recommendation.RecommendedError:0.0} %")));
        var stored = await store.GetRecommendationAsync(recommendation.Id);
        Assert.That((stored!.AppliedVersion, stored.AppliedAt is not null), Is.EqualTo(("1.1", true)));
        Assert.That(await store.GetRecommendationsAsync(tool.Name), Is.Empty, "an applied recommendation is no longer open");

        var again = Assert.ThrowsAsync<RecommendationException>(() => store.ApplyRecommendationAsync(recommendation.Id));
        Assert.That(again!.Problem, Is.EqualTo(RecommendationProblem.AlreadyApplied));
        Assert.That(again.Message, Does.Contain("was applied already").And.Contain("as version 1.1"));

        await store.RollbackAsync(tool.Name, "1.0");
        Assert.That((await store.GetAsync(tool.Name))!.Definition, Is.EqualTo(before), "the rollback restores the estimate");
    }

    [Test]
    public async Task A_recommendation_for_a_version_that_is_no_longer_the_latest_is_refused_as_stale()
    {
        var (db, store, tool) = await SetUpAsync("stale");
        var recommendation = (await store.RecommendAsync(new RecommendationOptions { Tool = tool.Name })).Recommendations.Single();
        await store.PublishAsync(tool with { Version = "1.1", Description = "Changed by hand." });

        var e = Assert.ThrowsAsync<RecommendationException>(() => store.ApplyRecommendationAsync(recommendation.Id));

        Assert.That(e!.Problem, Is.EqualTo(RecommendationProblem.Stale));
        Assert.That(e.Message, Does.Contain("made for version 1.0, but the latest version of tool 'stale-00000' is 1.1").And.Contain("toolcatalog telemetry recommend --tool stale-00000"));
        Assert.That((await store.ListVersionsAsync(tool.Name)).Select(v => v.Version), Is.EquivalentTo(new[] { "1.0", "1.1" }), "nothing published");
    }

    [Test]
    public async Task A_second_recommend_supersedes_the_first_and_an_unknown_id_is_refused()
    {
        var (db, store, tool) = await SetUpAsync("again");
        var first = (await store.RecommendAsync(new RecommendationOptions { Tool = tool.Name })).Recommendations.Single();
        var second = (await store.RecommendAsync(new RecommendationOptions { Tool = tool.Name })).Recommendations.Single();

        var superseded = Assert.ThrowsAsync<RecommendationException>(() => store.ApplyRecommendationAsync(first.Id));
        var unknown = Assert.ThrowsAsync<RecommendationException>(() => store.ApplyRecommendationAsync(second.Id + 1000));

        Assert.That(superseded!.Problem, Is.EqualTo(RecommendationProblem.Superseded));
        Assert.That(unknown!.Problem, Is.EqualTo(RecommendationProblem.NotFound));
        Assert.That(unknown.Message, Is.EqualTo($"There is no telemetry recommendation {second.Id + 1000}. List them with `toolcatalog telemetry recommend` (or GET /api/v1/telemetry/recommendations)."));
        Assert.That((await store.GetRecommendationsAsync(tool.Name)).Select(r => r.Id), Is.EqualTo(new[] { second.Id }));
        Assert.That((await store.GetRecommendationsAsync(tool.Name, includeClosed: true)).Select(r => (r.Id, r.Superseded)), Is.EqualTo(new[] { (first.Id, true), (second.Id, false) }));
    }

    [Test]
    public async Task Recorded_costs_recalibrate_the_cost_estimate_too_and_apply_changes_only_that_field()
    {
        var db = _db;
        var store = db.CreateStore();
        var tool = Tool("cost");
        await store.ImportAsync([tool]);
        var now = DateTimeOffset.UtcNow;
        var random = new Random(3);
        await store.WriteTelemetryAsync([.. EstimateFitterTests.Executions(n => 1200 + (310 * n), 500, seed: 3).Select((o, i) => new ExecutionRecord
        {
            Tool = tool.Name,
            Capability = "capability_0",
            Pattern = "pattern_1",
            ActualTimeMs = o.Actual,
            ActualCost = 3 * Math.Exp(0.1 * ((random.NextDouble() * 2) - 1)),
            Success = true,
            Variables = o.Variables,
            ExecutedAt = now.AddDays(-3).AddMinutes(i),
        })]);

        var run = await store.RecommendAsync(new RecommendationOptions { Tool = tool.Name });
        var cost = run.Recommendations.Single();
        var applied = await store.ApplyRecommendationAsync(cost.Id);

        Assert.That((cost.Pattern, cost.Field, cost.Current), Is.EqualTo(("pattern_1", "cost_estimate", "2")));
        Assert.That(double.Parse(cost.Recommended, CultureInfo.InvariantCulture), Is.EqualTo(3).Within(3).Percent);
        Assert.That(run.NotRecommended.Select(n => (n.Pattern, n.Field)), Is.EqualTo(new[] { ("pattern_1", "time_estimate_ms") }), "the time estimate is right");
        var pattern = (await store.GetAsync(tool.Name, applied.NewVersion))!.Definition.Capabilities[0].Patterns[1];
        Assert.That((pattern.CostEstimate, pattern.TimeEstimateMs), Is.EqualTo((cost.Recommended, Right)));
    }

    [TestCase("1500 + 350 * pages", "it uses the variables pages where '1500 + 350 * N' uses N")]
    [TestCase("1500 + * N", "it does not compile")]
    [TestCase("1 / 0 + N", "it can never be evaluated")]
    public async Task A_stored_recommendation_whose_expression_is_not_valid_is_refused_and_nothing_is_written(string recommended, string problem)
    {
        var db = _db;
        var store = db.CreateStore();
        var tool = Tool($"invalid{Interlocked.Increment(ref _invalidTools)}");
        await store.ImportAsync([tool]);
        await using var insert = db.DataSource.CreateCommand("""
            INSERT INTO tool_catalog.telemetry_recommendations (tool_id, tool_name, version, capability_name, pattern_name, field,
                current_text, recommended_text, samples, current_error, recommended_error, evidence, created_at)
            SELECT id, tool_name, version, 'capability_0', 'pattern_0', 'time_estimate_ms', '1500 + 350 * N', $1, 100, 20, 5, '{}', now()
            FROM tool_catalog.tools WHERE tool_name = $2 RETURNING id
            """);
        insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = recommended });
        insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = tool.Name });
        var id = (long)(await insert.ExecuteScalarAsync())!;

        var e = Assert.ThrowsAsync<RecommendationException>(() => store.ApplyRecommendationAsync(id));

        Assert.That(e!.Problem, Is.EqualTo(RecommendationProblem.Invalid));
        Assert.That(e.Message, Does.Contain(problem).And.EndWith("Nothing was written."));
        Assert.That((await store.GetAsync(tool.Name))!.Definition.Version, Is.EqualTo("1.0"));
    }

    private static TelemetryAutoApplyOptions AutoApply(string tool, Action<TelemetryAutoApplyOptions>? configure = null)
    {
        var options = new TelemetryAutoApplyOptions { Enabled = true, Interval = TimeSpan.FromHours(1) };
        options.Tools.Add(tool);
        configure?.Invoke(options);
        return options;
    }

    [Test]
    public async Task Auto_apply_applies_the_allowed_tools_recommendation_within_the_bounds_then_waits_the_minimum_interval()
    {
        var (db, store, tool) = await SetUpAsync("auto");

        var first = await store.AutoApplyAsync(AutoApply(tool.Name), CancellationToken.None);
        var second = await store.AutoApplyAsync(AutoApply(tool.Name), CancellationToken.None);

        Assert.That(first.Single().Applied?.NewVersion, Is.EqualTo("1.1"), first.Single().Reason);
        var audits = await store.GetAuditAsync(tool.Name);
        Assert.That(audits[^1].ChangedBy, Is.EqualTo("toolcatalog-auto-apply"));
        Assert.That(audits[^1].Reason, Does.StartWith("automatic apply (TelemetryOptions.AutoApply: at least 500 records, change at most 50 %); telemetry recommendation "));
        Assert.That(second.Single().Applied, Is.Null);
        Assert.That(second.Single().Reason, Does.Contain("less than AutoApply.MinInterval (7.00:00:00) ago"));
        Assert.That((await store.GetAsync(tool.Name))!.Definition.Version, Is.EqualTo("1.1"), "one apply only");
    }

    [Test]
    public async Task Auto_apply_leaves_a_change_beyond_the_bounds_and_tools_not_allowed()
    {
        var (db, store, tool) = await SetUpAsync("bounds");

        var tooLarge = await store.AutoApplyAsync(AutoApply(tool.Name, o => o.MaxRelativeChange = 0.05), CancellationToken.None);
        var tooFew = await store.AutoApplyAsync(AutoApply(tool.Name, o => o.MinSamples = 5000), CancellationToken.None);
        var notAllowed = await store.AutoApplyAsync(AutoApply("some-other-tool"), CancellationToken.None);

        Assert.That(tooLarge.Single().Applied, Is.Null);
        Assert.That(tooLarge.Single().Reason, Does.Match(@"the estimate at N = 100 changes by 1\d %, more than AutoApply.MaxRelativeChange \(5 %\)"));
        Assert.That(tooFew.Single().Reason, Does.Contain("3000 records, fewer than AutoApply.MinSamples (5000)"));
        Assert.That(notAllowed.Single().Reason, Is.EqualTo("no recommendation"));
        Assert.That((await store.GetAsync(tool.Name))!.Definition.Version, Is.EqualTo("1.0"));
    }

    [Test]
    public async Task The_auto_applier_runs_on_its_interval_and_idles_when_not_enabled()
    {
        var (db, _, tool) = await SetUpAsync("hosted");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = db.CreateStore(time);
        await using var idle = new OpsConductor.ToolCatalog.Runtime.TelemetryAutoApplier(store, AutoApply(tool.Name, o => o.Enabled = false), time);
        await using var applier = new OpsConductor.ToolCatalog.Runtime.TelemetryAutoApplier(store, AutoApply(tool.Name), time);
        var ran = new TaskCompletionSource<IReadOnlyList<ToolCatalogStore.AutoApplyOutcome>>(TaskCreationOptions.RunContinuationsAsynchronously);
        applier.RunCompletedForTests += outcomes => ran.TrySetResult(outcomes);

        await idle.StartAsync(CancellationToken.None);
        await applier.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));
        var outcomes = await ran.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(idle.IsActive, Is.False);
        Assert.That(applier.IsActive, Is.True);
        Assert.That(outcomes.Single().Applied?.NewVersion, Is.EqualTo("1.1"), outcomes.Single().Reason);
        await applier.StopAsync(CancellationToken.None);
        Assert.That(applier.IsActive, Is.False);
    }

    [Test]
    public void Auto_apply_options_name_the_bad_value()
    {
        var e = Assert.Throws<ArgumentException>(() => AutoApply("t", o => o.MaxRelativeChange = double.NaN).Validate());
        Assert.That(e!.Message, Does.Contain("AutoApply.MaxRelativeChange"));
        Assert.Throws<ArgumentException>(() => AutoApply("t", o => o.Interval = TimeSpan.FromSeconds(1)).Validate());
    }

    [GeneratedRegex(@"^(?<a>\d+(\.\d+)?) \+ (?<b>\d+(\.\d+)?) \* N$")]
    private static partial Regex AffineText();
}
