using Npgsql;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Tests.Support;
using static OpsConductor.ToolCatalog.Tests.Runtime.RuntimeHarness;

namespace OpsConductor.ToolCatalog.Tests.Runtime;

/// <summary>
/// <see cref="ToolCatalogOptions.ReadConnectionString"/>: loads and catch-ups read a replica while notices come from the
/// primary. A copy of the database stands for a replica that lags: it has a write only when the test copies it there.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ReadReplicaTests
{
    [Test]
    public async Task Catch_ups_read_the_read_connection_while_notices_come_from_the_primary()
    {
        await using var db = await TestDatabase.CreateAsync();
        var reads = new NpgsqlConnectionStringBuilder(db.ConnectionString) { ApplicationName = "toolcatalog-replica-reads" }.ConnectionString;
        await using var catalog = await StartAsync(db, o => o.ReadConnectionString = reads);

        var written = await db.CreateStore().CreateAsync(Tool("replica-read"));
        await catalog.ReachAsync(written.Revision);

        await using var count = db.DataSource.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'toolcatalog-replica-reads'");
        Assert.Multiple(async () =>
        {
            Assert.That(catalog.Current.FindTool("replica-read"), Is.Not.Null);
            Assert.That((long)(await count.ExecuteScalarAsync())!, Is.GreaterThan(0), "the reads' pool is on the read connection");
            Assert.That(catalog.Catalog.Health.IsListening, Is.True, "the listener is on the primary");
        });
    }

    [Test]
    public async Task A_replica_behind_the_notice_is_read_again_until_it_has_the_noticed_revision()
    {
        await using var primary = await TestDatabase.CreateAsync();
        await using var replica = await primary.CopyAsync();
        await using var catalog = await StartAsync(primary, o =>
        {
            o.ReadConnectionString = replica.ConnectionString;
            o.ReplicaLagTolerance = TimeSpan.FromSeconds(30);
        });
        var behind = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        catalog.Catalog.ReplicaBehind += revision => behind.TrySetResult(revision);

        var written = await primary.CreateStore().CreateAsync(Tool("lagged"));
        var replicaRevision = await behind.Task.WaitAsync(Patience);
        var replicated = await replica.CreateStore().CreateAsync(Tool("lagged")); // the replica catches up
        var snapshot = await catalog.ReachAsync(written.Revision);

        Assert.Multiple(() =>
        {
            Assert.That(replicaRevision, Is.LessThan(written.Revision), "the replica was read while behind the notice");
            Assert.That(replicated.Revision, Is.EqualTo(written.Revision), "the copy numbers revisions as the primary does");
            Assert.That(snapshot.FindTool("lagged"), Is.Not.Null, "applied from the replica once it had the revision");
        });
    }
}
