using Dapper;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

[Parallelizable(ParallelScope.All)]
public sealed class MigrationTests
{
    [Test]
    public async Task Migrating_an_empty_database_applies_every_embedded_migration_in_order_and_records_checksums()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);

        var result = await db.CreateStore().MigrateAsync();

        var expected = SchemaMigrator.Migrations.Select(m => $"{m.Version:D4}_{m.Name}").ToList();
        Assert.That(expected, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(result.Applied, Is.EqualTo(expected));
        Assert.That(result.SchemaVersion, Is.EqualTo(SchemaMigrator.Migrations[^1].Version));
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var recorded = (await connection.QueryAsync<(int Version, string Checksum)>(
            "SELECT version, checksum FROM tool_catalog.schema_migrations ORDER BY version")).ToList();
        Assert.That(recorded.Select(r => r.Version), Is.EqualTo(SchemaMigrator.Migrations.Select(m => m.Version)));
        Assert.That(recorded.Select(r => r.Checksum), Is.EqualTo(SchemaMigrator.Migrations.Select(m => m.Checksum)));
    }

    [Test]
    public async Task Migrating_again_applies_nothing_and_changes_nothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.CreateAsync(GeneratedTools.Create(1));

        var again = await store.MigrateAsync();

        Assert.That(again.Applied, Is.Empty);
        Assert.That(await store.GetAsync("gen-tool-00001"), Is.Not.Null);
        Assert.That(await store.GetRevisionAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_migrations_apply_each_migration_exactly_once()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        const int Migrators = 8;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = Enumerable.Range(0, Migrators).Select(async _ =>
        {
            await start.Task;
            return await db.CreateStore().MigrateAsync();
        }).ToList();

        start.SetResult();
        var results = await Task.WhenAll(runs);

        var applied = results.SelectMany(r => r.Applied).ToList();
        Assert.That(applied, Is.EquivalentTo(SchemaMigrator.Migrations.Select(m => $"{m.Version:D4}_{m.Name}")), "each migration applied by exactly one migrator");
        Assert.That(results.Count(r => r.Applied.Count > 0), Is.EqualTo(1), "the first migrator to take the lock applies everything");
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var rows = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.schema_migrations");
        Assert.That(rows, Is.EqualTo(SchemaMigrator.Migrations.Count));
        Assert.That(await db.CreateStore().GetRevisionAsync(), Is.Zero);
    }

    [Test]
    public async Task An_applied_migration_that_was_edited_is_refused_with_its_name_and_both_checksums()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE tool_catalog.schema_migrations SET checksum = 'abc123' WHERE version = 1");
        }

        var error = Assert.ThrowsAsync<CatalogSchemaException>(() => db.CreateStore().MigrateAsync());

        var first = SchemaMigrator.Migrations[0];
        Assert.That(error!.Message, Does.Contain($"0001_{first.Name}").And.Contain("abc123").And.Contain(first.Checksum).And.Contain("new, higher-numbered migration"));
    }

    [Test]
    public async Task A_schema_newer_than_the_program_refuses_every_write_and_migrate_naming_both_versions_while_reads_still_work()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.CreateAsync(GeneratedTools.Create(1));
        var future = SchemaMigrator.ProgramVersion + 1;
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO tool_catalog.schema_migrations (version, name, checksum, execution_ms) VALUES (@future, 'from_the_future', 'f00d', 1)", new { future });
        }

        var write = Assert.ThrowsAsync<CatalogSchemaException>(() => store.CreateAsync(GeneratedTools.Create(2)));
        var import = Assert.ThrowsAsync<CatalogSchemaException>(() => store.ImportAsync(GeneratedTools.CreateMany(3, prefix: "more")));
        var migrate = Assert.ThrowsAsync<CatalogSchemaException>(() => store.MigrateAsync());

        var versions = $"at version {future}, newer than this program's (version {SchemaMigrator.ProgramVersion})";
        Assert.That(write!.Message, Does.Contain(versions).And.Contain($"{future:D4}_from_the_future").And.Contain("Nothing was written"));
        Assert.That(import!.Message, Does.Contain(versions));
        Assert.That(migrate!.Message, Does.Contain(versions));
        Assert.That(await store.GetRevisionAsync(), Is.EqualTo(1), "nothing written");
        Assert.That((await store.ExportAsync()).Select(t => t.Name), Is.EqualTo(new[] { GeneratedTools.Create(1).Name }), "reads still work");
    }

    [Test]
    public async Task An_edited_migration_record_refuses_writes_too_and_nothing_is_written()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE tool_catalog.schema_migrations SET checksum = 'abc123' WHERE version = 2");
        }

        var error = Assert.ThrowsAsync<CatalogSchemaException>(() => store.CreateAsync(GeneratedTools.Create(1)));

        var second = SchemaMigrator.Migrations[1];
        Assert.That(error!.Message, Does.Contain($"0002_{second.Name} was changed").And.Contain("abc123").And.Contain(second.Checksum).And.Contain("Nothing was written"));
        Assert.That(await store.GetRevisionAsync(), Is.Zero);
    }

    [Test]
    public async Task A_database_missing_a_migration_refuses_writes_and_says_to_migrate()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("DELETE FROM tool_catalog.schema_migrations WHERE version = @Version", new { Version = SchemaMigrator.ProgramVersion });
        }

        var error = Assert.ThrowsAsync<CatalogSchemaException>(() => store.CreateAsync(GeneratedTools.Create(1)));

        Assert.That(error!.Message, Does.Contain($"at version {SchemaMigrator.ProgramVersion - 1}, older than this program's (version {SchemaMigrator.ProgramVersion}").And.Contain("toolcatalog migrate"));
        Assert.That(await store.GetRevisionAsync(), Is.Zero);
    }

    [Test]
    public void Embedded_migrations_are_numbered_without_gaps_from_0001()
    {
        Assert.That(SchemaMigrator.Migrations.Select(m => m.Version), Is.EqualTo(Enumerable.Range(1, SchemaMigrator.Migrations.Count)));
    }

    [Test]
    public async Task Telemetry_is_partitioned_by_month_and_old_partitions_can_be_dropped()
    {
        await using var db = await TestDatabase.CreateAsync();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2031, 5, 17, 12, 0, 0, TimeSpan.Zero));
        var store = db.CreateStore(clock);
        await store.CreateAsync(GeneratedTools.Create(1));
        var toolId = (await store.GetAsync("gen-tool-00001"))!.Id;
        await using var connection = await db.DataSource.OpenConnectionAsync();
        const string insert = "INSERT INTO tool_catalog.tool_telemetry (tool_id, actual_time_ms, success, executed_at) VALUES (@toolId, 10, true, @at)";

        // A row for a month without a partition lands in the default partition...
        await connection.ExecuteAsync(insert, new { toolId, at = new DateTimeOffset(2031, 6, 3, 0, 0, 0, TimeSpan.Zero) });
        var created = await store.EnsureTelemetryPartitionsAsync(monthsAhead: 1);

        // ...and moves into the month's partition when that is created.
        Assert.That(created, Is.EqualTo(new[] { "tool_telemetry_2031_05", "tool_telemetry_2031_06" }));
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.tool_telemetry_2031_06"), Is.EqualTo(1));
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.tool_telemetry_default"), Is.Zero);

        await connection.ExecuteAsync(insert, new { toolId, at = new DateTimeOffset(2031, 5, 31, 23, 59, 59, TimeSpan.Zero) });
        var dropped = await store.DropTelemetryPartitionsBeforeAsync(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.That(dropped, Does.Contain("tool_telemetry_2031_05").And.Not.Contain("tool_telemetry_2031_06"));
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.tool_telemetry"), Is.EqualTo(1));
    }
}
