using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Npgsql;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;
using static OpsConductor.ToolCatalog.Tests.Runtime.RuntimeHarness;

namespace OpsConductor.ToolCatalog.Tests.Runtime;

/// <summary>Hot reload over LISTEN/NOTIFY between catalog instances on separate connections (standing for processes).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class HotReloadTests
{
    [Test]
    public async Task A_publish_a_disable_a_rollback_and_a_bulk_import_each_reach_another_instance_without_restart()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await writer.CreateAsync(Tool("grep", "1.0"));
        await using var first = await StartAsync(db);
        await using var second = await StartAsync(db);
        Assert.That(second.Current.FindTool("grep")?.Definition.Version, Is.EqualTo("1.0"));

        var publish = await writer.PublishAsync(Tool("grep", "1.1", time: "50 + N"));
        var published = await second.NextChangeAsync(e => e.Current.Revision == publish.Revision);
        await first.ReachAsync(publish.Revision);
        Assert.That(second.Current.FindTool("grep")!.Definition.Version, Is.EqualTo("1.1"));
        Assert.That(second.Current.PatternsFor("service_control")[0].Definition.TimeEstimateMs, Is.EqualTo("50 + N"));
        Assert.That(published.Origin, Is.EqualTo(CatalogChangeOrigin.Notice));
        Assert.That(published.Changes.Single().Description, Is.EqualTo("published version 1.0 → 1.1"));

        var disable = await writer.DisableAsync("grep");
        var disabled = await second.NextChangeAsync(e => e.Current.Revision == disable.Revision);
        Assert.That(second.Current.FindTool("grep")!.Definition.Enabled, Is.False);
        Assert.That(second.Current.PatternsFor("service_control").Length, Is.Zero, "a disabled tool is never a candidate");
        Assert.That(disabled.Changes.Single().Kind, Is.EqualTo(ToolChangeKind.Disabled));

        var rollback = await writer.RollbackAsync("grep", "1.0");
        var rolledBack = await second.NextChangeAsync(e => e.Current.Revision == rollback.Revision);
        Assert.That(second.Current.FindTool("grep")!.Definition.Version, Is.EqualTo("1.0"));
        Assert.That(second.Current.PatternsFor("service_control").Length, Is.EqualTo(1), "version 1.0 was never disabled");
        Assert.That(rolledBack.Changes.Single().Description, Does.StartWith("rolled back version 1.1 → 1.0"));

        var import = await writer.ImportAsync(GeneratedTools.CreateMany(60, prefix: "bulk"));
        var imported = await second.NextChangeAsync(e => e.Current.Revision == import.Revision);
        await first.ReachAsync(import.Revision);
        Assert.That(import.Applied, Is.True);
        Assert.That(second.Current.ToolCount, Is.EqualTo(61));
        Assert.That(first.Current.ToolCount, Is.EqualTo(61));
        Assert.That(imported.Changes, Has.Count.EqualTo(60).And.All.Property(nameof(CatalogToolChange.Kind)).EqualTo(ToolChangeKind.Added));
        Assert.That(imported.IsFullLoad, Is.False, "the import's 60 tools were applied to the held snapshot, not reloaded with the rest");
        Assert.That(second.Current.PatternsFor("capability_1").Length, Is.EqualTo(60 * 3));
    }

    [Test]
    public async Task Stopping_with_a_token_already_cancelled_stops_without_throwing()
    {
        // A host past its shutdown timeout stops its services with a cancelled token: that is no failure of the catalog.
        await using var db = await TestDatabase.CreateAsync();
        await using var catalog = await StartAsync(db);

        Assert.That(async () => await catalog.Catalog.StopAsync(new CancellationToken(canceled: true)), Throws.Nothing);
        Assert.That(catalog.Catalog.Health.IsListening, Is.False);
    }

    [Test]
    public async Task A_delete_removes_the_tool_and_a_status_change_is_named()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await writer.CreateAsync(Tool("nmap"));
        await writer.CreateAsync(Tool("dig"));
        await using var catalog = await StartAsync(db);

        var deprecate = await writer.DeprecateAsync("dig");
        var deprecated = await catalog.NextChangeAsync(e => e.Current.Revision == deprecate.Revision);
        var delete = await writer.DeleteAsync("nmap");
        var deleted = await catalog.NextChangeAsync(e => e.Current.Revision == delete.Revision);

        Assert.That(deprecated.Changes.Single().Description, Is.EqualTo("status active → deprecated (version 1.0)"));
        Assert.That(deleted.Changes.Single().Kind, Is.EqualTo(ToolChangeKind.Removed));
        Assert.That(catalog.Current.FindTool("nmap"), Is.Null);
        Assert.That(catalog.Current.FindTool("dig")!.IsSelectable, Is.False);
        Assert.That(catalog.Current.ToolCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_burst_of_notices_is_coalesced_into_one_catch_up()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await using var catalog = Create(db);
        var received = 0;
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var syncing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var proceed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Counted once each notice's revision is heard of (a count in the notice filter ran before that, and the lag
        // read below could miss the last notice).
        catalog.Catalog.NoticeHeard = _ =>
        {
            if (Interlocked.Increment(ref received) == 21)
            {
                allReceived.TrySetResult();
            }
        };
        catalog.Catalog.BeforeSync = async (origin, token) =>
        {
            if (origin == CatalogChangeOrigin.Notice)
            {
                syncing.TrySetResult();
                await proceed.Task.WaitAsync(token);
            }
        };
        await catalog.Catalog.StartAsync();

        await writer.CreateAsync(Tool("burst-00"));
        await syncing.Task.WaitAsync(Patience);
        long last = 0;
        for (var i = 1; i <= 20; i++)
        {
            last = (await writer.CreateAsync(Tool($"burst-{i:D2}"))).Revision;
        }

        await allReceived.Task.WaitAsync(Patience);
        using var lag = new MetricCollector<long>(catalog.Catalog.Metrics.Meter, "toolcatalog.revision.lag");
        lag.RecordObservableInstruments();
        Assert.That(lag.LastMeasurement!.Value, Is.EqualTo(last), "21 revisions heard of, none served yet");
        proceed.SetResult();
        var change = await catalog.NextChangeAsync(e => e.Origin == CatalogChangeOrigin.Notice);
        await catalog.ReachAsync(last);

        Assert.That(change.Current.Revision, Is.EqualTo(last), "the one catch-up read everything after the held revision");
        Assert.That(change.Previous.Revision, Is.Zero);
        Assert.That(change.Changes, Has.Count.EqualTo(21));
        Assert.That(catalog.PendingChanges, Is.Zero, "21 notices, one snapshot");
    }

    [Test]
    public async Task Wait_for_revision_gives_a_writer_read_your_writes_and_each_catch_up_is_traced()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var catalog = await StartAsync(db);
        var traced = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == Diagnostics.ToolCatalogDiagnostics.ActivitySourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = traced.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        var write = await db.CreateStore().CreateAsync(Tool("ping"));
        var snapshot = await catalog.ReachAsync(write.Revision);

        Assert.That(snapshot.Revision, Is.GreaterThanOrEqualTo(write.Revision));
        Assert.That(snapshot.FindTool("ping"), Is.Not.Null);
        Assert.That(await catalog.Catalog.WaitForRevisionAsync(0), Is.SameAs(catalog.Current), "a revision already reached answers at once");
        await catalog.Catalog.RefreshAsync(); // takes the reload gate: the notice's catch-up (and its activity) has ended
        Assert.That(traced.Where(a => a.OperationName == "toolcatalog.sync").Select(a => (a.GetTagItem("toolcatalog.origin"), a.GetTagItem("toolcatalog.revision"))),
            Has.Some.EqualTo(("notice", (object)write.Revision)));
    }

    [Test]
    public async Task Reloading_one_tool_reads_just_that_tool_and_every_reader_sees_it()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await writer.CreateAsync(Tool("curl"));
        await writer.CreateAsync(Tool("tail"));
        await using var catalog = await StartAsync(db);
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        catalog.Catalog.NotificationFilter = _ => !dropped.TrySetResult();
        var tailBefore = catalog.Current.FindTool("tail");

        await writer.PublishAsync(Tool("curl", "2.0"));
        await dropped.Task.WaitAsync(Patience);
        var held = catalog.Current.Revision;
        var after = await catalog.Catalog.ReloadToolAsync("curl");
        var reload = await catalog.NextChangeAsync(e => e.Origin == CatalogChangeOrigin.ToolReload);

        Assert.That(after.FindTool("curl")!.Definition.Version, Is.EqualTo("2.0"));
        Assert.That(catalog.Current, Is.SameAs(after), "published for every reader");
        Assert.That(after.FindTool("tail"), Is.SameAs(tailBefore), "the other tools were not touched");
        Assert.That(after.Revision, Is.EqualTo(held), "one tool read does not claim the catalog reached a newer revision");
        Assert.That(reload.Changes.Single().Description, Is.EqualTo("published version 1.0 → 2.0"));
    }

    [Test]
    public async Task When_the_change_feed_was_pruned_past_the_held_revision_the_catalog_reloads_everything()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await writer.CreateAsync(Tool("free"));
        await writer.CreateAsync(Tool("df"));
        await using var catalog = await StartAsync(db);
        catalog.Catalog.NotificationFilter = _ => false;

        await writer.PublishAsync(Tool("free", "1.1"));
        await writer.DeleteAsync("df");
        await writer.CreateAsync(Tool("ss"));
        await writer.PruneChangeFeedAsync(TimeSpan.Zero);
        var refreshed = await catalog.Catalog.RefreshAsync().WaitAsync(Patience);
        var change = await catalog.NextChangeAsync(e => e.Origin == CatalogChangeOrigin.Refresh);

        Assert.That(change.IsFullLoad, Is.True);
        Assert.That(refreshed.Revision, Is.EqualTo(await writer.GetRevisionAsync()));
        Assert.That(change.Changes.Select(c => (c.Name, c.Kind)), Is.EqualTo(new[]
        {
            ("df", ToolChangeKind.Removed), ("free", ToolChangeKind.VersionChanged), ("ss", ToolChangeKind.Added),
        }));
    }

    [Test]
    public async Task A_notice_that_is_not_a_catalog_notice_is_ignored()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var catalog = await StartAsync(db);
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, 'not json at all')", connection);
            notify.Parameters.AddWithValue("channel", CatalogNotification.Channel);
            await notify.ExecuteNonQueryAsync();
        }

        var write = await db.CreateStore().CreateAsync(Tool("at"));
        var change = await catalog.NextChangeAsync();

        Assert.That(change.Current.Revision, Is.EqualTo(write.Revision), "the junk notice published nothing; the real one was applied");
        Assert.That(catalog.Catalog.Health.Status, Is.EqualTo(CatalogHealthStatus.Healthy));
    }
}
