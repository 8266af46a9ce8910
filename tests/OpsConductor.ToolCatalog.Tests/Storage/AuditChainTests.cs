using Npgsql;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

/// <summary>
/// The audit log's hash chain (schema 0008): every row chained however it is written, verification finds rows changed,
/// removed, relinked or slipped in past the trigger, and the log refuses updates, deletes and truncation.
/// <para>The tests that change nothing (they verify, or are refused) share one catalog with a history of the fixture's;
/// every test that tampers with the log or writes has a database of its own.</para>
/// </summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class AuditChainTests
{
    private static TestDatabase? _untouched;

    [OneTimeSetUp]
    public static async Task CreateUntouchedHistory() => _untouched = (await WithHistoryAsync("chain")).Db;

    [OneTimeTearDown]
    public static async Task DropUntouchedHistory()
    {
        if (_untouched is not null)
        {
            await _untouched.DisposeAsync();
            _untouched = null;
        }
    }

    /// <summary>The shared catalog with a history (see <see cref="WithHistoryAsync"/>), which no test changes.</summary>
    private static (TestDatabase Db, ToolCatalogStore Store) UntouchedHistory() => (_untouched!, _untouched!.CreateStore());

    private static async Task<(TestDatabase Db, ToolCatalogStore Store)> WithHistoryAsync(string prefix)
    {
        var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync(GeneratedTools.CreateMany(5, capabilities: 1, prefix: prefix));   // COPY: 5 rows
        await store.PublishAsync(GeneratedTools.Create(0, capabilities: 1, prefix: prefix, version: "2.0"));
        await store.DisableAsync($"{prefix}-00001");
        await store.EnableAsync($"{prefix}-00001");
        return (db, store);
    }

    private static async Task ExecuteAsync(TestDatabase db, string sql)
    {
        await using var command = db.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <paramref name="sql"/> with the log's user triggers off, as someone with the table's rights could.</summary>
    private static Task TamperAsync(TestDatabase db, string sql) => ExecuteAsync(db, $"""
        BEGIN;
        ALTER TABLE tool_catalog.tool_audit_log DISABLE TRIGGER USER;
        {sql};
        ALTER TABLE tool_catalog.tool_audit_log ENABLE TRIGGER USER;
        COMMIT;
        """);

    [Test]
    public async Task Every_write_is_chained_and_an_untouched_log_verifies_with_its_head()
    {
        var (_, store) = UntouchedHistory();

        var report = await store.VerifyAuditChainAsync();

        Assert.That(report.Rows, Is.EqualTo(8));
        Assert.That(report.HeadPosition, Is.EqualTo(8));
        Assert.That(report.HeadHash, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(report.Problems, Is.Empty);
        Assert.That(report.IsIntact, Is.True);
        Assert.That((await store.VerifyAuditChainAsync($"{report.HeadPosition}:{report.HeadHash}")).ExpectedHeadFound, Is.True);
    }

    [Test]
    public async Task The_log_refuses_updates_deletes_and_truncation()
    {
        var (db, _) = UntouchedHistory();

        foreach (var sql in new[]
        {
            "UPDATE tool_catalog.tool_audit_log SET changed_by = 'mallory' WHERE id = (SELECT min(id) FROM tool_catalog.tool_audit_log)",
            "DELETE FROM tool_catalog.tool_audit_log",
            "TRUNCATE tool_catalog.tool_audit_log",
        })
        {
            var e = Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, sql), sql);
            Assert.That(e!.MessageText, Does.Contain("The audit log is append-only"));
        }
    }

    [Test]
    public async Task A_row_changed_afterwards_is_found_by_position()
    {
        var (db, store) = await WithHistoryAsync("changed");
        await using var _ = db;

        await TamperAsync(db, "UPDATE tool_catalog.tool_audit_log SET changed_by = 'mallory' WHERE chain_position = 3");
        var report = await store.VerifyAuditChainAsync();

        var problem = report.Problems.Single();
        Assert.That((problem.Kind, problem.Position), Is.EqualTo((AuditChainProblemKind.Changed, (long?)3)));
        Assert.That(problem.Detail, Does.Contain("was changed after it was written"));
        Assert.That(report.IsIntact, Is.False);
    }

    [Test]
    public async Task A_row_removed_from_the_middle_leaves_a_gap_that_is_named()
    {
        var (db, store) = await WithHistoryAsync("removed");
        await using var _ = db;

        await TamperAsync(db, "DELETE FROM tool_catalog.tool_audit_log WHERE chain_position = 4");
        var report = await store.VerifyAuditChainAsync();

        var problem = report.Problems.Single();
        Assert.That((problem.Kind, problem.Position), Is.EqualTo((AuditChainProblemKind.Missing, (long?)5)));
        Assert.That(problem.Detail, Does.Contain("rows 4 to 4 before"));
    }

    [Test]
    public async Task A_row_rewritten_with_a_matching_hash_breaks_the_next_link()
    {
        var (db, store) = await WithHistoryAsync("relinked");
        await using var _ = db;

        await TamperAsync(db, """
            UPDATE tool_catalog.tool_audit_log a SET changed_by = 'mallory' WHERE chain_position = 2;
            UPDATE tool_catalog.tool_audit_log a SET row_hash = tool_catalog.audit_row_hash(a, a.previous_hash) WHERE chain_position = 2
            """);
        var report = await store.VerifyAuditChainAsync();

        var problem = report.Problems.Single();
        Assert.That((problem.Kind, problem.Position), Is.EqualTo((AuditChainProblemKind.BrokenLink, (long?)3)));
    }

    [Test]
    public async Task A_row_slipped_in_past_the_trigger_is_unchained_and_rows_removed_from_the_end_miss_the_recorded_head()
    {
        var (db, store) = await WithHistoryAsync("slipped");
        await using var _ = db;
        var before = await store.VerifyAuditChainAsync();

        await TamperAsync(db, """
            DELETE FROM tool_catalog.tool_audit_log WHERE chain_position = 8;
            INSERT INTO tool_catalog.tool_audit_log (revision, tool_name, action, changes, changed_by) VALUES (99, 'slipped-00000', 'updated', '{}', 'mallory')
            """);
        var after = await store.VerifyAuditChainAsync($"{before.HeadPosition}:{before.HeadHash}");

        Assert.That(after.Problems.Select(p => p.Kind), Is.EqualTo(new[] { AuditChainProblemKind.Unchained }));
        Assert.That(after.HeadPosition, Is.EqualTo(7), "the chain alone looks whole without its last row");
        Assert.That(after.ExpectedHeadFound, Is.False, "the head recorded earlier is gone");
        Assert.That(after.IsIntact, Is.False);
    }

    [Test]
    public async Task Concurrent_writers_extend_one_chain_without_gaps()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync(GeneratedTools.CreateMany(8, capabilities: 1, prefix: "conc"));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.PublishAsync(GeneratedTools.Create(i, capabilities: 1, prefix: "conc", version: "2.0"))));
        var report = await store.VerifyAuditChainAsync();

        Assert.That(report.Rows, Is.EqualTo(16));
        Assert.That(report.HeadPosition, Is.EqualTo(16));
        Assert.That(report.Problems, Is.Empty);
    }

    [Test]
    public async Task Rows_written_before_the_migration_are_chained_by_it_in_id_order()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        await ExecuteAsync(db, "CREATE SCHEMA IF NOT EXISTS tool_catalog");
        foreach (var migration in SchemaMigrator.Migrations.Where(m => m.Version < 8))
        {
            await ExecuteAsync(db, migration.Script);
        }

        await ExecuteAsync(db, """
            INSERT INTO tool_catalog.tool_audit_log (revision, tool_name, action, changes, changed_by)
            SELECT g, 'old-' || g, 'updated', '{"x": 1}', 'before' FROM generate_series(1, 5) g
            """);
        await ExecuteAsync(db, SchemaMigrator.Migrations.Single(m => m.Version == 8).Script);
        await ExecuteAsync(db, "INSERT INTO tool_catalog.tool_audit_log (revision, tool_name, action, changes, changed_by) VALUES (6, 'new', 'updated', '{}', 'after')");

        var report = await db.CreateStore().VerifyAuditChainAsync();

        Assert.That((report.Rows, report.HeadPosition), Is.EqualTo((6L, 6L)));
        Assert.That(report.Problems, Is.Empty);
    }

    [Test]
    public async Task A_malformed_expected_head_is_refused_naming_the_form()
    {
        var (db, _) = UntouchedHistory();

        Assert.That(() => db.CreateStore().VerifyAuditChainAsync("12:xyz"), Throws.ArgumentException.With.Message.Contains("POSITION:HASH"));
    }
}
