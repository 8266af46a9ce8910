using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Tests.Support;
using static OpsConductor.ToolCatalog.Tests.Runtime.RuntimeHarness;

namespace OpsConductor.ToolCatalog.Tests.Runtime;

/// <summary>
/// The listener under faults: its backend killed, the server restarted, a notice lost. Each time the catalog
/// converges to the database's revision, and a reader running throughout never waits and never sees a partial catalog.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class FaultTests
{
    /// <summary>Every tool of the "pair-" group is written by one import, so a snapshot must hold them all at one version.</summary>
    private static string? PairsAgree(CatalogSnapshot snapshot)
    {
        var versions = snapshot.Tools.Where(t => t.Name.StartsWith("pair-", StringComparison.Ordinal)).Select(t => t.Definition.Version).Distinct().ToList();
        return versions.Count > 1 ? $"the pair- tools are at versions {string.Join(", ", versions)}: half an import" : null;
    }

    [Test]
    public async Task After_the_listener_backend_is_killed_a_change_made_meanwhile_arrives_by_the_resync()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await writer.ImportAsync([.. Enumerable.Range(0, 10).Select(i => Tool($"pair-{i}", "1.0"))]);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var catalog = await StartAsync(db, time: time);
        await using var reader = new ConsistencyReader(catalog.Catalog, PairsAgree);
        var killed = catalog.Catalog.ListenerProcessId;

        await using (var admin = await db.DataSource.OpenConnectionAsync())
        {
            await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", admin) { Parameters = { new("pid", killed!.Value) } };
            Assert.That(await terminate.ExecuteScalarAsync(), Is.True);
        }

        var lost = await catalog.NextStateAsync(ListenerState.Disconnected);
        Assert.That(lost.Error, Does.Contain("57P01"), "terminated by an administrator");
        Assert.That(catalog.Catalog.Health.Status, Is.EqualTo(CatalogHealthStatus.Degraded));
        var import = await writer.ImportAsync([.. Enumerable.Range(0, 10).Select(i => Tool($"pair-{i}", "2.0"))]);
        await reader.ProgressAsync();
        Assert.That(catalog.Current.FindTool("pair-0")!.Definition.Version, Is.EqualTo("1.0"), "nothing moves until the reconnect wait is over");

        time.Advance(lost.RetryIn!.Value);
        var resync = await catalog.NextChangeAsync(e => e.Current.Revision == import.Revision);
        await catalog.NextStateAsync(ListenerState.Connected);

        Assert.That(resync.Origin, Is.EqualTo(CatalogChangeOrigin.Reconnect));
        Assert.That(resync.Changes, Has.Count.EqualTo(10));
        Assert.That(catalog.Catalog.ListenerProcessId, Is.Not.EqualTo(killed), "a new backend");
        Assert.That(catalog.Catalog.Health.Status, Is.EqualTo(CatalogHealthStatus.Healthy));
        Assert.That(reader.Failure, Is.Null);
    }

    [Test]
    public async Task Across_a_server_restart_the_last_snapshot_serves_and_the_catalog_converges_without_blocking_readers()
    {
        await using var server = await TestServer.StartPrivateAsync();
        await using var db = await TestDatabase.CreateAsync(server);
        var writer = db.CreateStore();
        await writer.ImportAsync([.. Enumerable.Range(0, 8).Select(i => Tool($"pair-{i}", "1.0"))]);
        await using var catalog = await StartAsync(db);
        await using var reader = new ConsistencyReader(catalog.Catalog, PairsAgree);
        var before = catalog.Current;
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var proceed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        catalog.Catalog.BeforeSync = async (origin, token) =>
        {
            if (origin == CatalogChangeOrigin.Reconnect)
            {
                reconnecting.TrySetResult();
                await proceed.Task.WaitAsync(token);
            }
        };

        await server.StopAsync();
        await catalog.NextStateAsync(ListenerState.Disconnected);
        await reader.ProgressAsync();
        var down = catalog.Catalog.Health;
        Assert.That(catalog.Current, Is.SameAs(before), "the last good snapshot keeps serving");
        Assert.That(down.Status, Is.EqualTo(CatalogHealthStatus.Degraded));
        Assert.That(down.Staleness, Is.Not.Null);
        Assert.That(down.Description, Does.Contain("unreachable"));
        using var staleness = new MetricCollector<double>(catalog.Catalog.Metrics.Meter, "toolcatalog.staleness");
        staleness.RecordObservableInstruments();
        Assert.That(staleness.LastMeasurement!.Value, Is.GreaterThan(0));

        await server.StartAsync();
        db.DataSource.Clear(); // the writer's pooled connections died with the server
        await reconnecting.Task.WaitAsync(Patience);
        var import = await writer.ImportAsync([.. Enumerable.Range(0, 8).Select(i => Tool($"pair-{i}", "2.0"))]);
        await reader.ProgressAsync();
        Assert.That(catalog.Current, Is.SameAs(before), "a catch-up in progress (held here) never blocks readers");
        proceed.SetResult();
        var resync = await catalog.NextChangeAsync(e => e.Current.Revision == import.Revision);
        await catalog.NextStateAsync(ListenerState.Connected);

        Assert.That(resync.Origin, Is.EqualTo(CatalogChangeOrigin.Reconnect));
        Assert.That(catalog.Current.Revision, Is.EqualTo(await writer.GetRevisionAsync()));
        Assert.That(catalog.Catalog.Health.Status, Is.EqualTo(CatalogHealthStatus.Healthy));
        Assert.That(catalog.Catalog.Health.Staleness, Is.EqualTo(TimeSpan.Zero));
        Assert.That(reader.Failure, Is.Null);

        var after = await writer.PublishAsync(Tool("pair-0", "3.0"));
        Assert.That((await catalog.NextChangeAsync()).Origin, Is.EqualTo(CatalogChangeOrigin.Notice), "listening again");
        Assert.That(catalog.Current.Revision, Is.EqualTo(after.Revision));
    }

    [Test]
    public async Task Reconnects_back_off_exponentially_with_jitter_up_to_the_maximum_and_around_it()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var server = await TestServer.GetSharedAsync();
        await using var catalog = Create(
            new ToolCatalogOptions
            {
                Mode = CatalogMode.Database,
                ConnectionString = server.GetConnectionString("toolcatalog_no_such_database"),
                ReconnectDelay = TimeSpan.FromSeconds(1),
                MaxReconnectDelay = TimeSpan.FromSeconds(5),
            },
            time);
        await catalog.Catalog.StartAsync().WaitAsync(Patience);

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 8; attempt++)
        {
            var failed = await catalog.NextStateAsync(ListenerState.Disconnected);
            Assert.That(failed.Attempt, Is.EqualTo(attempt));
            Assert.That(failed.Error, Does.Contain("3D000"), "the server answers, but the database does not exist: not a reason to hurry");
            waits.Add(failed.RetryIn!.Value);
            time.Advance(failed.RetryIn.Value);
        }

        double[] expected = [1, 2, 4, 5, 5, 5, 5, 5];
        for (var i = 0; i < waits.Count; i++)
        {
            Assert.That(waits[i].TotalSeconds, Is.InRange(expected[i] * 0.8, expected[i] * 1.2), $"wait {i + 1}");
        }

        Assert.That(waits.Distinct().Count(), Is.GreaterThan(5), "jittered, not in step");
        Assert.That(waits.Skip(3).Distinct().Count(), Is.GreaterThan(1), "jittered at the cap too, not exactly the maximum every time");
        Assert.That(catalog.Catalog.Health.Status, Is.EqualTo(CatalogHealthStatus.Unhealthy));
    }

    [Test]
    public async Task While_the_server_refuses_connections_the_reconnect_waits_stay_short()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var catalog = Create(
            new ToolCatalogOptions
            {
                Mode = CatalogMode.Database,
                ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Password=secret;Database=none;Timeout=3",
                ReconnectDelay = TimeSpan.FromMilliseconds(250),
                MaxReconnectDelay = TimeSpan.FromSeconds(30),
            },
            time);
        await catalog.Catalog.StartAsync().WaitAsync(Patience);

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var failed = await catalog.NextStateAsync(ListenerState.Disconnected);
            Assert.That(failed.Error, Does.Contain("127.0.0.1:1").And.Not.Contains("secret"));
            waits.Add(failed.RetryIn!.Value);
            time.Advance(failed.RetryIn.Value);
        }

        Assert.That(waits[0].TotalMilliseconds, Is.InRange(200, 300), "the first wait is the reconnect delay");
        Assert.That(waits.Max().TotalSeconds, Is.InRange(1.6, 2.4), "refused at once: the server may be back any moment, so no wait grows past 2 s ± 20 %");
    }

    [Test]
    public async Task A_change_committed_after_a_long_outage_is_served_within_five_seconds_of_its_commit()
    {
        await using var server = await TestServer.StartPrivateAsync();
        await using var db = await TestDatabase.CreateAsync(server);
        var writer = db.CreateStore();
        await writer.ImportAsync([Tool("pair-0", "1.0")]);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var catalog = await StartAsync(db, o => (o.ReconnectDelay, o.MaxReconnectDelay) = (TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30)), time);

        await server.StopAsync();
        var failed = await catalog.NextStateAsync(ListenerState.Disconnected);
        for (var outage = TimeSpan.Zero; outage < TimeSpan.FromSeconds(50); outage += failed.RetryIn!.Value)
        {
            time.Advance(failed.RetryIn!.Value);
            failed = await catalog.NextStateAsync(ListenerState.Disconnected);
        }

        await server.StartAsync();
        db.DataSource.Clear(); // the writer's pooled connections died with the server
        var change = await writer.PublishAsync(Tool("pair-0", "2.0"));
        var sinceCommit = TimeSpan.Zero;
        var next = failed;
        while (next.State == ListenerState.Disconnected)
        {
            sinceCommit += next.RetryIn!.Value;
            Assert.That(sinceCommit, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(5)), $"still waiting {sinceCommit} after the commit (last error: {next.Error})");
            time.Advance(next.RetryIn.Value);
            next = await catalog.NextStateAsync();
        }

        Assert.That(next.State, Is.EqualTo(ListenerState.Connected));
        Assert.That(catalog.Current.Revision, Is.EqualTo(change.Revision));
        Assert.That(catalog.Current.FindTool("pair-0")!.Definition.Version, Is.EqualTo("2.0"));
    }

    [Test]
    public async Task A_catch_up_that_meets_a_dead_pooled_connection_reads_again_on_a_fresh_one_without_dropping_the_listener()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await writer.CreateAsync(Tool("journalctl"));
        await using var catalog = await StartAsync(db);
        var listener = catalog.Catalog.ListenerProcessId!.Value;

        await using (var admin = await db.DataSource.OpenConnectionAsync())
        {
            // Every backend of this database but the listener's and this one: the catalog's idle pooled connections die.
            await using var terminate = new NpgsqlCommand(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid NOT IN (@listener, pg_backend_pid())) t",
                admin) { Parameters = { new("listener", listener) } };
            Assert.That(await terminate.ExecuteScalarAsync(), Is.GreaterThan(0), "the catalog's pool held a connection");
        }

        db.DataSource.Clear(); // the writer's own idle connections died too
        var write = await writer.PublishAsync(Tool("journalctl", "1.1"));
        var change = await catalog.NextChangeAsync(e => e.Current.Revision == write.Revision);

        Assert.That(change.Origin, Is.EqualTo(CatalogChangeOrigin.Notice), "read on the notice, not after a reconnect");
        Assert.That(catalog.Catalog.ListenerProcessId, Is.EqualTo(listener), "the listening connection was kept");
        Assert.That(catalog.Catalog.Health.Status, Is.EqualTo(CatalogHealthStatus.Healthy));
    }

    [Test]
    public async Task A_lost_notice_is_caught_by_the_safety_poll()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await writer.CreateAsync(Tool("journalctl"));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var catalog = Create(db, o => o.SafetyPollInterval = TimeSpan.FromSeconds(30), time);
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        catalog.Catalog.LoopWaiting += () => waiting.TrySetResult();
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        catalog.Catalog.NotificationFilter = _ => !dropped.TrySetResult();
        await catalog.Catalog.StartAsync().WaitAsync(Patience);
        await waiting.Task.WaitAsync(Patience);
        await using var reader = new ConsistencyReader(catalog.Catalog);

        var write = await writer.PublishAsync(Tool("journalctl", "1.1"));
        await dropped.Task.WaitAsync(Patience);
        Assert.That(catalog.Current.Revision, Is.EqualTo(write.Revision - 1), "the notice was lost: nothing else tells the catalog");

        time.Advance(TimeSpan.FromSeconds(30));
        var polled = await catalog.NextChangeAsync(e => e.Current.Revision == write.Revision);

        Assert.That(polled.Origin, Is.EqualTo(CatalogChangeOrigin.SafetyPoll));
        Assert.That(catalog.Current.FindTool("journalctl")!.Definition.Version, Is.EqualTo("1.1"));
        await reader.ProgressAsync();
        Assert.That(reader.Failure, Is.Null);
    }

    [Test]
    public async Task A_lost_notice_is_caught_up_by_the_next_notice()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await using var catalog = await StartAsync(db);
        await using var reader = new ConsistencyReader(catalog.Catalog);
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        catalog.Catalog.NotificationFilter = _ => !dropped.TrySetResult();

        await writer.CreateAsync(Tool("crontab"));
        await dropped.Task.WaitAsync(Patience);
        var second = await writer.CreateAsync(Tool("schtasks"));
        var change = await catalog.NextChangeAsync();

        Assert.That(change.Origin, Is.EqualTo(CatalogChangeOrigin.Notice));
        Assert.That(change.Current.Revision, Is.EqualTo(second.Revision));
        Assert.That(change.Changes.Select(c => c.Name), Is.EqualTo(new[] { "crontab", "schtasks" }), "the gap was read along");
        await reader.ProgressAsync();
        Assert.That(reader.Failure, Is.Null);
    }
}
