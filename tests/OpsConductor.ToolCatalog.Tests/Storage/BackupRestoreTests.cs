using System.Diagnostics;
using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

/// <summary>
/// Backup and restore (issue 21): a restored catalog is the original (exports, revisions, ids, the audit chain and its
/// head), a damaged archive is refused before anything is written, a non-empty target only with Force, telemetry only
/// when asked for.
/// <para>The catalog with a history that the tests back up is built once and only read (a backup reads in a read-only
/// snapshot, as do exports, audit-chain checks and pg_dump); every database a test restores into is its own.</para>
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class BackupRestoreTests
{
    /// <summary>The tool names' prefix in the shared source catalog.</summary>
    private const string Source = "hist";

    private TestDatabase _sourceDb = null!;

    [OneTimeSetUp]
    public async Task CreateSource() => _sourceDb = (await WithHistoryAsync(Source)).Db;

    [OneTimeTearDown]
    public async Task DropSource() => await _sourceDb.DisposeAsync();

    /// <summary>The shared source catalog (see <see cref="WithHistoryAsync"/>), which no test writes to.</summary>
    private (TestDatabase Db, ToolCatalogStore Store) SharedHistory() => (_sourceDb, _sourceDb.CreateStore());

    private static async Task<(TestDatabase Db, ToolCatalogStore Store)> WithHistoryAsync(string prefix)
    {
        var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync(GeneratedTools.CreateMany(6, capabilities: 2, prefix: prefix));
        await store.PublishAsync(GeneratedTools.Create(0, capabilities: 2, prefix: prefix, version: "2.0"));
        await store.DisableAsync($"{prefix}-00001");
        var at = new DateTimeOffset(2026, 10, 14, 9, 30, 0, TimeSpan.Zero);
        await store.WriteTelemetryAsync([.. Enumerable.Range(0, 5).Select(i => new ExecutionRecord
        {
            Tool = $"{prefix}-00002",
            Capability = "capability_0",
            Pattern = "pattern_0",
            ActualTimeMs = 100 + i,
            Success = true,
            ExecutedAt = at.AddDays(i * 10),   // October and November
        })]);
        await using (var rows = db.DataSource.CreateCommand($"""
            INSERT INTO tool_catalog.api_keys (key_id, name, role, secret_hash, created_at, created_by)
            VALUES ('Abcd1234', 'ops', 'admin', sha256('secret'), now(), 'test');
            INSERT INTO tool_catalog.telemetry_recommendations (tool_id, tool_name, version, capability_name, pattern_name, field,
                current_text, recommended_text, samples, current_error, recommended_error, evidence, created_at)
            SELECT id, tool_name, version, 'capability_0', 'pattern_0', 'time_estimate_ms', '100', '120', 5, 0.4, 0.1, jsonb_build_object(), now()
            FROM tool_catalog.tools WHERE tool_name = '{prefix}-00002';
            INSERT INTO tool_catalog.tool_ab_tests (test_name, tool_a_id, tool_b_id)
            SELECT '{prefix}-ab', min(id), max(id) FROM tool_catalog.tools;
            """))
        {
            await rows.ExecuteNonQueryAsync();
        }

        return (db, store);
    }

    private const string Revision = "SELECT revision FROM tool_catalog.catalog_revision";

    private static async Task<byte[]> BackupAsync(ToolCatalogStore store, bool telemetry = false) =>
        (await BackupWithSummaryAsync(store, telemetry)).Archive;

    private static async Task<(byte[] Archive, BackupSummary Summary)> BackupWithSummaryAsync(ToolCatalogStore store, bool telemetry = false)
    {
        using var archive = new MemoryStream();
        var summary = await store.BackupAsync(archive, new BackupOptions { IncludeTelemetry = telemetry });
        return (archive.ToArray(), summary);
    }

    private static async Task<long> ScalarAsync(TestDatabase db, string sql)
    {
        await using var command = db.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Test]
    public async Task A_restored_catalog_exports_the_same_with_the_same_revision_ids_and_audit_chain()
    {
        var (db, store) = SharedHistory();
        var archive = await BackupAsync(store);
        await using var target = await TestDatabase.CreateAsync();
        var restored = target.CreateStore();

        var summary = await restored.RestoreAsync(new MemoryStream(archive));

        Assert.That(await restored.ExportAsync(allVersions: true), Is.EqualTo(await store.ExportAsync(allVersions: true)));
        Assert.That(await restored.ExportAsync(), Is.EqualTo(await store.ExportAsync()));
        Assert.That(await ScalarAsync(target, Revision), Is.EqualTo(await ScalarAsync(db, Revision)));
        Assert.That(summary.Revision, Is.EqualTo(await ScalarAsync(db, Revision)));
        const string ids = "SELECT sum(hashtext(id::text || tool_name || version || is_latest::text || enabled::text)) FROM tool_catalog.tools";
        Assert.That(await ScalarAsync(target, ids), Is.EqualTo(await ScalarAsync(db, ids)));
        foreach (var table in new[] { "api_keys", "telemetry_recommendations", "tool_ab_tests", "catalog_changes" })
        {
            var same = $"SELECT count(*) || ':' || coalesce(sum(hashtext(t::text)), 0) FROM tool_catalog.{table} t";
            await using var read = target.DataSource.CreateCommand(same);
            await using var readOriginal = db.DataSource.CreateCommand(same);
            var restoredRows = (string)(await read.ExecuteScalarAsync())!;
            Assert.That(restoredRows, Is.EqualTo((string)(await readOriginal.ExecuteScalarAsync())!), table);
            Assert.That(restoredRows, Does.Not.StartWith("0:"), table);
        }

        var original = await store.VerifyAuditChainAsync();
        var chain = await restored.VerifyAuditChainAsync($"{original.HeadPosition}:{original.HeadHash}");
        Assert.That(chain.IsIntact, Is.True, string.Join("; ", chain.Problems.Select(p => p.Detail)));
        Assert.That((chain.Rows, chain.HeadPosition, chain.HeadHash), Is.EqualTo((original.Rows, original.HeadPosition, original.HeadHash)));
        Assert.That(summary.AuditHead, Is.EqualTo($"{original.HeadPosition}:{original.HeadHash}"));
    }

    [Test]
    public async Task A_restored_catalog_takes_new_writes_with_fresh_ids_and_keeps_chaining_the_audit_log()
    {
        var (db, store) = SharedHistory();
        var archive = await BackupAsync(store);
        await using var target = await TestDatabase.CreateAsync();
        var restored = target.CreateStore();
        await restored.RestoreAsync(new MemoryStream(archive));

        await restored.PublishAsync(GeneratedTools.Create(3, capabilities: 2, prefix: Source, version: "2.0"));
        await restored.EnableAsync($"{Source}-00001");

        Assert.That(await ScalarAsync(target, "SELECT max(id) FROM tool_catalog.tools"), Is.GreaterThan(await ScalarAsync(db, "SELECT max(id) FROM tool_catalog.tools")));
        var chain = await restored.VerifyAuditChainAsync();
        Assert.That(chain.IsIntact, Is.True, string.Join("; ", chain.Problems.Select(p => p.Detail)));
        Assert.That(chain.Rows, Is.EqualTo((await store.VerifyAuditChainAsync()).Rows + 2));
        Assert.That(await ScalarAsync(target, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'tool_catalog.tool_audit_log'::regclass AND NOT tgisinternal AND tgenabled = 'D'"), Is.Zero,
            "the audit log's triggers are on again after the restore");
    }

    [Test]
    public async Task Telemetry_is_carried_only_when_asked_for_into_its_monthly_partitions()
    {
        var (db, store) = SharedHistory();
        await using var without = await TestDatabase.CreateAsync();
        await using var with = await TestDatabase.CreateAsync();

        await without.CreateStore().RestoreAsync(new MemoryStream(await BackupAsync(store, telemetry: false)));
        var summary = await with.CreateStore().RestoreAsync(new MemoryStream(await BackupAsync(store, telemetry: true)));

        Assert.That(await ScalarAsync(without, "SELECT count(*) FROM tool_catalog.tool_telemetry"), Is.Zero);
        Assert.That(await ScalarAsync(with, "SELECT count(*) FROM tool_catalog.tool_telemetry"), Is.EqualTo(5));
        Assert.That(summary.Tables.Single(t => t.Name == "tool_telemetry").Rows, Is.EqualTo(5));
        const string sameRows = "SELECT sum(hashtext(id::text || tool_id::text || actual_time_ms::text || executed_at::text)) FROM tool_catalog.tool_telemetry";
        Assert.That(await ScalarAsync(with, sameRows), Is.EqualTo(await ScalarAsync(db, sameRows)));
        Assert.That(await ScalarAsync(with, "SELECT count(*) FROM tool_catalog.tool_telemetry_default"), Is.Zero, "every month restored into its own partition");
        Assert.That(await ScalarAsync(with, "SELECT count(*) FROM pg_class WHERE relname IN ('tool_telemetry_2026_10', 'tool_telemetry_2026_11')"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_flipped_byte_anywhere_is_refused_before_anything_is_written_naming_the_table_or_the_manifest()
    {
        var (db, store) = SharedHistory();
        var (archive, written) = await BackupWithSummaryAsync(store);
        var manifestLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(archive.AsSpan(19, 4));

        var inManifest = (byte[])archive.Clone();
        inManifest[23 + (manifestLength / 2)] ^= 0x01;
        var inTools = (byte[])archive.Clone();
        var toolsStart = 23 + manifestLength + 32 + written.Tables.TakeWhile(t => t.Name != "tools").Sum(t => t.Bytes);
        inTools[(int)toolsStart + 40] ^= 0x01;
        await using var empty = await TestDatabase.CreateAsync();
        var emptyStore = empty.CreateStore();

        Assert.That(() => emptyStore.RestoreAsync(new MemoryStream(inManifest)),
            Throws.TypeOf<CatalogArchiveException>().With.Message.Contains("manifest"));
        Assert.That(() => emptyStore.RestoreAsync(new MemoryStream(inTools)),
            Throws.TypeOf<CatalogArchiveException>().With.Message.Contains("table tool_catalog.tools does not match its SHA-256"));
        Assert.That(() => emptyStore.RestoreAsync(new MemoryStream(archive[..^10])),
            Throws.TypeOf<CatalogArchiveException>().With.Message.Contains("truncated"));
        Assert.That(() => emptyStore.RestoreAsync(new MemoryStream("not a backup"u8.ToArray())),
            Throws.TypeOf<CatalogArchiveException>().With.Message.Contains("not a toolcatalog backup"));
        Assert.That(await ScalarAsync(empty, "SELECT count(*) FROM tool_catalog.tools"), Is.Zero);
        Assert.That(await ScalarAsync(empty, "SELECT revision FROM tool_catalog.catalog_revision"), Is.Zero);
    }

    [Test]
    public async Task A_non_empty_target_is_refused_unless_forced_and_then_replaced_whole()
    {
        var (db, store) = SharedHistory();
        var archive = await BackupAsync(store);
        var (target, targetStore) = await WithHistoryAsync("other");
        await using var __ = target;
        var before = await targetStore.ExportAsync(allVersions: true);

        Assert.That(() => targetStore.RestoreAsync(new MemoryStream(archive)),
            Throws.TypeOf<CatalogOperationException>().With.Message.Contains("not empty").And.Message.Contains("tools (7 rows)").And.Message.Contains("--force"));
        Assert.That(await targetStore.ExportAsync(allVersions: true), Is.EqualTo(before), "nothing written");

        await targetStore.RestoreAsync(new MemoryStream(archive), new RestoreOptions { Force = true });

        Assert.That(await targetStore.ExportAsync(allVersions: true), Is.EqualTo(await store.ExportAsync(allVersions: true)));
        Assert.That(await ScalarAsync(target, "SELECT count(*) FROM tool_catalog.tool_telemetry"), Is.Zero);
        var chain = await targetStore.VerifyAuditChainAsync();
        Assert.That(chain.IsIntact, Is.True, string.Join("; ", chain.Problems.Select(p => p.Detail)));
        Assert.That(chain.HeadHash, Is.EqualTo((await store.VerifyAuditChainAsync()).HeadHash));
    }

    [Test]
    public async Task A_target_at_another_schema_version_is_refused_naming_both_versions()
    {
        var (db, store) = SharedHistory();
        var archive = await BackupAsync(store);
        await using var target = await TestDatabase.CreateAsync();
        await using (var command = target.DataSource.CreateCommand("INSERT INTO tool_catalog.schema_migrations (version, name, checksum, execution_ms) VALUES (99, 'future', 'x', 0)"))
        {
            await command.ExecuteNonQueryAsync();
        }

        Assert.That(() => target.CreateStore().RestoreAsync(new MemoryStream(archive)),
            Throws.TypeOf<CatalogSchemaException>().With.Message.Contains($"schema version {SchemaMigrator.ProgramVersion}").And.Message.Contains("schema version 99"));
        Assert.That(await ScalarAsync(target, "SELECT count(*) FROM tool_catalog.tools"), Is.Zero);
    }

    /// <summary>What docs/operations.md says of PostgreSQL's own tools: a custom-format dump of the catalog's schema,
    /// restored into a new database with no migration, reproduces the catalog and its audit chain.</summary>
    [Test]
    public async Task A_pg_dump_of_the_schema_restored_with_pg_restore_keeps_the_catalog_and_its_audit_chain()
    {
        var (db, store) = SharedHistory();
        await using var target = await TestDatabase.CreateAsync(migrate: false);
        var binaries = await PostgresBinaries.FindAsync();
        var dump = Path.Combine(Path.GetTempPath(), $"toolcatalog-{Guid.NewGuid():N}.dump");
        try
        {
            await RunAsync(Path.Combine(binaries.Directory, "pg_dump"), db.ConnectionString, "-Fc", "-n", "tool_catalog", "-f", dump);
            await RunAsync(Path.Combine(binaries.Directory, "pg_restore"), target.ConnectionString, dump);
        }
        finally
        {
            File.Delete(dump);
        }

        var restored = target.CreateStore();
        Assert.That(await restored.ExportAsync(allVersions: true), Is.EqualTo(await store.ExportAsync(allVersions: true)));
        var original = await store.VerifyAuditChainAsync();
        var chain = await restored.VerifyAuditChainAsync($"{original.HeadPosition}:{original.HeadHash}");
        Assert.That(chain.IsIntact, Is.True, string.Join("; ", chain.Problems.Select(p => p.Detail)));
    }

    private static async Task RunAsync(string program, string connectionString, params string[] args)
    {
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-d");
        start.ArgumentList.Add($"host={c.Host} port={c.Port} user={c.Username} dbname={c.Database}");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PGPASSWORD"] = c.Password ?? "";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"{Path.GetFileName(program)}: {await error}");
    }
}
