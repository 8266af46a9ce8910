using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpsConductor.ToolCatalog.Decisions;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Decisions;

/// <summary>
/// The decision log against a real PostgreSQL: a sampled decision arrives with everything needed to run it again; a
/// sample rate of 0 logs nothing; a full buffer drops and counts; stopping writes what is buffered; decisions made
/// while the database is down arrive after it returns.
/// <para>The tests run one at a time (<see cref="ParallelScope.Self"/>). The ones that only count rows share one
/// database of the fixture's and count the decisions written since they began (ids above the highest one before
/// them), which in a database of their own were all the rows; the ones that read the log back through the store,
/// drop its partitions or stop their server keep a database of their own.</para>
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class DecisionLogTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private TestDatabase _shared = null!;
    private long _before;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _shared = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _shared.DisposeAsync();

    /// <summary>Notes the highest decision id so far: the rows of this test are those above it.</summary>
    [SetUp]
    public async Task NoteDecisionsSoFar() => _before = await _shared.HighestDecisionIdAsync();

    private static DecisionLogOptions Fast(double rate = 1, int capacity = 1_000) => new()
    {
        Enabled = true,
        SampleRate = rate,
        Capacity = capacity,
        BatchSize = 100,
        FlushInterval = TimeSpan.FromMilliseconds(20),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    [Test]
    public async Task A_sampled_decision_arrives_with_its_request_candidates_choice_and_revision_and_runs_again_to_the_same_choice()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync([.. DecisionTestData.Catalog()]);
        var state = await store.LoadCatalogAsync();
        var snapshot = DecisionTestData.Snapshot(state.Tools.Select(t => t.Definition), state.Revision);
        var selector = new ToolSelector();
        await using var log = new DecisionLog(store, Fast());
        await log.StartAsync();

        var request = DecisionTestData.Request("scan", 40) with { CostLimit = 0.5 + 1, Permissions = new HashSet<string>(["read", "execute"]), Environment = "staging" };
        var result = selector.Select(snapshot, request);
        var id = log.Record(request, result, "sel-42");
        var failed = DecisionTestData.Request("inventory", 1, costLimit: 3);
        var evaluation = selector.Evaluate(snapshot, failed);
        var generated = log.Record(failed, evaluation);
        await log.FlushAsync().WaitAsync(Patience);

        Assert.That(id, Is.EqualTo("sel-42"));
        Assert.That(generated, Is.Not.Null.And.Length.EqualTo(32), "a new id when none is given");
        var rows = await store.ReadDecisionsAsync(DateTimeOffset.UtcNow.AddDays(-1), 10, CancellationToken.None);
        Assert.That(rows.Select(r => r.SelectionId), Is.EquivalentTo(new[] { "sel-42", generated }));

        var chosen = rows.Single(r => r.SelectionId == "sel-42");
        Assert.That((chosen.ChosenTool, chosen.ChosenVersion, chosen.ChosenCapability, chosen.ChosenPattern), Is.EqualTo(("rep-00000", "1.0", "scan", "pattern_0")));
        Assert.That((chosen.EstimatedTimeMs, chosen.EstimatedCost, chosen.Score), Is.EqualTo(((double?)180, (double?)1, (double?)result.FinalScore)));
        Assert.That(chosen.CatalogRevision, Is.EqualTo(state.Revision));

        using var candidates = JsonDocument.Parse(chosen.Candidates);
        var ranked = candidates.RootElement.EnumerateArray().Select(c => (c.GetProperty("tool").GetString(), c.GetProperty("pattern").GetString(), c.GetProperty("estimated_time_ms").GetDouble())).ToList();
        Assert.That(ranked, Is.EqualTo(new[] { ("rep-00000", "pattern_0", 180.0), ("rep-00001", "pattern_0", 480.0) }));
        Assert.That(candidates.RootElement[0].GetProperty("score").GetDouble(), Is.EqualTo(result.FinalScore));

        // Everything needed to run it again: the same request, mode, weights and policy give the same choice.
        var logged = DecisionJson.ReadRequest(chosen.Request, out var problem);
        Assert.That(problem, Is.Null);
        Assert.That(logged!.Request.Variables, Is.EqualTo(new Dictionary<string, double> { ["N"] = 40 }));
        Assert.That((logged.Request.Environment, logged.Request.CostLimit, logged.Mode, logged.Policy), Is.EqualTo(("staging", (double?)1.5, PreferenceMode.Fast, PolicyMode.Enforced)));
        Assert.That(logged.Request.Permissions, Is.EquivalentTo(new[] { "read", "execute" }));
        Assert.That(logged.Weights, Is.EqualTo(result.Evaluation.Weights));
        var again = new ToolSelector().Select(snapshot, logged.Request);
        Assert.That((again.ToolName, again.PatternName, again.FinalScore), Is.EqualTo((result.ToolName, result.PatternName, result.FinalScore)));

        var none = rows.Single(r => r.SelectionId == generated);
        Assert.That(none.ChosenTool, Is.Null, "nothing could be chosen");
        using var excluded = JsonDocument.Parse(none.Candidates);
        var only = excluded.RootElement.EnumerateArray().Single();
        Assert.That((only.GetProperty("excluded").GetBoolean(), only.GetProperty("tool").GetString(), only.GetProperty("rule").GetString()), Is.EqualTo((true, "rep-00002", "cost_limit")));
        Assert.That(only.GetProperty("reason").GetString(), Does.Contain("5"));
    }

    [Test]
    public async Task A_sample_rate_of_zero_logs_nothing_and_a_rate_between_keeps_the_same_ids_in_every_time()
    {
        var db = _shared;
        var store = db.CreateStore();
        await store.ImportAsync([.. DecisionTestData.Catalog()]);
        var snapshot = DecisionTestData.Snapshot(DecisionTestData.Catalog());
        var result = new ToolSelector().Select(snapshot, DecisionTestData.Request("scan", 1));
        await using var off = new DecisionLog(store, Fast(rate: 0));
        await using var tenth = new DecisionLog(store, Fast(rate: 0.1));
        await off.StartAsync();

        var logged = Enumerable.Range(0, 1000).Count(i => off.Record(DecisionTestData.Request("scan", 1), result, $"sel-{i}") is not null);
        await off.FlushAsync().WaitAsync(Patience);

        Assert.That(logged, Is.Zero);
        Assert.That(off.Counts, Is.EqualTo(default(DecisionLogCounts)));
        Assert.That(await CountAsync(db.DataSource, _before), Is.Zero);
        var sampled = Enumerable.Range(0, 10_000).Where(i => tenth.Sampled($"sel-{i}")).ToList();
        Assert.That(sampled, Has.Count.InRange(900, 1100), "about a tenth");
        Assert.That(Enumerable.Range(0, 10_000).Where(i => tenth.Sampled($"sel-{i}")), Is.EqualTo(sampled), "the same ids each time");
    }

    [Test]
    public async Task A_full_buffer_drops_and_counts_what_does_not_fit_and_writes_the_rest()
    {
        var db = _shared;
        var store = db.CreateStore();
        var snapshot = DecisionTestData.Snapshot(DecisionTestData.Catalog());
        var request = DecisionTestData.Request("scan", 1);
        var result = new ToolSelector().Select(snapshot, request);
        await using var log = new DecisionLog(store, Fast(capacity: 10));

        // Not started yet: nothing drains the buffer.
        var accepted = Enumerable.Range(0, 15).Count(i => log.Record(request, result, $"sel-{i}") is not null);
        Assert.That(accepted, Is.EqualTo(10));
        Assert.That(log.Counts, Is.EqualTo(new DecisionLogCounts(10, 5, 0, 10, 0)));

        await log.StartAsync();
        await log.FlushAsync().WaitAsync(Patience);
        Assert.That(await CountAsync(db.DataSource, _before), Is.EqualTo(10));
        Assert.That(log.Counts.Dropped, Is.EqualTo(5));
    }

    [Test]
    public async Task The_host_stopping_writes_what_is_buffered()
    {
        var db = _shared;
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddToolCatalog(o => (o.Mode, o.ConnectionString) = (CatalogMode.Database, db.ConnectionString)).ConfigureDecisionLog(o =>
        {
            o.Enabled = true;
            o.SampleRate = 1;
            o.FlushInterval = TimeSpan.FromHours(1); // only the stop makes it write
        });
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Patience);
        var snapshot = DecisionTestData.Snapshot(DecisionTestData.Catalog());
        var request = DecisionTestData.Request("scan", 1);
        var result = new ToolSelector().Select(snapshot, request);
        var log = host.Services.GetRequiredService<IDecisionLog>();
        for (var i = 0; i < 500; i++)
        {
            Assert.That(log.Record(request, result), Is.Not.Null);
        }

        Assert.That(await CountAsync(db.DataSource, _before), Is.Zero);
        using var shutdown = new CancellationTokenSource(Patience);
        await host.StopAsync(shutdown.Token);

        Assert.That(await CountAsync(db.DataSource, _before), Is.EqualTo(500));
        Assert.That(log.Record(request, result), Is.Null, "stopped");
        Assert.That(log.Counts.Dropped, Is.EqualTo(1));
    }

    [Test]
    public async Task Decisions_logged_while_the_database_is_down_are_written_once_it_returns()
    {
        await using var server = await TestServer.StartPrivateAsync();
        await using var db = await TestDatabase.CreateAsync(server);
        var store = db.CreateStore();
        var snapshot = DecisionTestData.Snapshot(DecisionTestData.Catalog());
        var request = DecisionTestData.Request("scan", 1);
        var result = new ToolSelector().Select(snapshot, request);
        await using var log = new DecisionLog(store, Fast());
        await log.StartAsync();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        log.WriteFailedForTests += _ => failed.TrySetResult();

        await server.StopAsync();
        for (var i = 0; i < 250; i++)
        {
            Assert.That(log.Record(request, result, $"sel-{i}"), Is.EqualTo($"sel-{i}"));
        }

        var flushed = log.FlushAsync();
        await failed.Task.WaitAsync(Patience);
        Assert.That(flushed.IsCompleted, Is.False, "nothing is written while the database is away");
        await server.StartAsync();
        await flushed.WaitAsync(Patience);

        Assert.That(await CountAsync(db.DataSource), Is.EqualTo(250));
        Assert.That(log.Counts.Written, Is.EqualTo(250));
        Assert.That(log.Counts.FailedWrites, Is.GreaterThanOrEqualTo(1));
        Assert.That(log.Counts.Dropped, Is.Zero);
    }

    [Test]
    public async Task Record_never_throws_and_text_the_database_cannot_hold_does_not_block_its_batch()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        var snapshot = DecisionTestData.Snapshot(DecisionTestData.Catalog());
        var request = DecisionTestData.Request("scan", 1) with { Query = "bad \0 text \ud800 here" };
        var result = new ToolSelector().Select(snapshot, request);
        await using var log = new DecisionLog(store, Fast());
        await using var withoutDatabase = new DecisionLog(null, Fast());
        await log.StartAsync();

        Assert.That(log.Record(null!, result), Is.Null);
        Assert.That(log.Record(request, (ToolSelectionResult)null!), Is.Null);
        Assert.That(withoutDatabase.Record(request, result), Is.Null);
        Assert.That(log.Record(request, result, "sel-\0-x"), Is.Not.Null);
        await log.FlushAsync().WaitAsync(Patience);

        Assert.That((log.Counts.Dropped, withoutDatabase.Counts.Dropped, log.Counts.Written), Is.EqualTo((2L, 1L, 1L)));
        var row = (await store.ReadDecisionsAsync(DateTimeOffset.UtcNow.AddDays(-1), 10, CancellationToken.None)).Single();
        Assert.That(row.SelectionId, Is.EqualTo("sel-\uFFFD-x"));
        Assert.That(DecisionJson.ReadRequest(row.Request, out _)!.Request.Query, Is.EqualTo("bad \uFFFD text \uFFFD here"));
    }

    [Test]
    public async Task Prune_drops_the_old_months_of_the_decision_log_with_the_telemetry()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await using (var command = db.DataSource.CreateCommand("SELECT tool_catalog.ensure_telemetry_partition('2024-03-01')"))
        {
            await command.ExecuteScalarAsync();
        }

        var dropped = await store.DropTelemetryPartitionsBeforeAsync(new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.That(dropped, Does.Contain("tool_telemetry_2024_03").And.Contain("selection_decisions_2024_03"));
        await using var exists = db.DataSource.CreateCommand("SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname ~ '^selection_decisions_[0-9]{4}_[0-9]{2}$'");
        Assert.That((long)(await exists.ExecuteScalarAsync())!, Is.EqualTo(3), "this month and the next two stay");
    }

    [TestCase(1.5, "SampleRate")]
    [TestCase(-0.1, "SampleRate")]
    [TestCase(double.NaN, "SampleRate")]
    public async Task Options_out_of_range_stop_the_host_from_starting_naming_the_option(double rate, string option)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddToolCatalog(o => (o.Mode, o.YamlPath) = (CatalogMode.Yaml, TestPaths.SampleTools)).ConfigureDecisionLog(o => (o.Enabled, o.SampleRate) = (true, rate));
        using var host = builder.Build();

        var error = Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain(option).And.Contain("from 0 to 1"));
    }

    /// <summary>The number of decisions with an id above <paramref name="after"/> (0: all of them).</summary>
    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, long after = 0)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM tool_catalog.selection_decisions WHERE id > $1");
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
