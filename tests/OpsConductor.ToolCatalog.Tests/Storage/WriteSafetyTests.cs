using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

/// <remarks>
/// Tests marked <see cref="SharedDatabaseAttribute"/> share one database of the fixture's: each writes tools of names of its own
/// only and asserts nothing about the whole catalog (its revision, audit, rows, notices or locks); a revision the
/// catalog never reached stays unreached when other tests write a few revisions more. Every other test has a database
/// of its own.
/// </remarks>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class WriteSafetyTests
{
    private static readonly SharedOrOwnDatabase Databases = new();

    private TestDatabase _db = null!;
    private ToolCatalogStore _store = null!;

    [OneTimeSetUp]
    public static Task CreateSharedDatabase() => Databases.CreateSharedAsync();

    [OneTimeTearDown]
    public static async Task DropSharedDatabase() => await Databases.DisposeAsync();

    [SetUp]
    public async Task CreateDatabase()
    {
        _db = await Databases.ForCurrentTestAsync();
        _store = _db.CreateStore();
    }

    [TearDown]
    public Task DropDatabase() => Databases.ReleaseAsync(_db);

    [Test]
    public async Task A_write_failing_midway_leaves_no_rows_no_audit_no_revision_bump_and_no_notification()
    {
        await _store.CreateAsync(GeneratedTools.Create(1));
        var revisionBefore = await _store.GetRevisionAsync();
        var auditBefore = await AuditReader.CountAsync(_db);
        var rowsBefore = await CountRowsAsync();
        await using var listener = await NotificationRecorder.StartAsync(_db);

        // Bypassing validation: the third capability's last pattern breaks a database rule, after the tool row, two
        // capabilities and their patterns were already inserted in the transaction.
        var broken = GeneratedTools.Create(2);
        var capabilities = broken.Capabilities.ToArray();
        capabilities[2] = capabilities[2] with { Patterns = [capabilities[2].Patterns[0], capabilities[2].Patterns[1], capabilities[2].Patterns[2] with { ComplexityScore = 1.5 }] };
        var error = Assert.ThrowsAsync<CatalogOperationException>(() => _store.CreateAsync(broken with { Capabilities = [.. capabilities] }));

        Assert.That(error!.Message, Does.Contain("gen-tool-00002").And.Contain("capability_2").And.Contain("pattern_2").And.Contain("1.5").And.Contain("0 to 1"));
        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(revisionBefore));
        Assert.That(await AuditReader.CountAsync(_db), Is.EqualTo(auditBefore));
        Assert.That(await CountRowsAsync(), Is.EqualTo(rowsBefore));
        Assert.That(await _store.GetAsync("gen-tool-00002"), Is.Null);

        // Notices are delivered in commit order: if the failed write had sent one, it would arrive first.
        var success = await _store.CreateAsync(GeneratedTools.Create(3));
        var first = await listener.NextAsync();
        Assert.That(success.Revision, Is.EqualTo(revisionBefore + 1));
        Assert.That(first.Revision, Is.EqualTo(success.Revision));
        Assert.That(first.Tools, Is.EqualTo(new[] { "gen-tool-00003" }));
    }

    [Test]
    public async Task A_failed_import_leaves_no_trace_either()
    {
        var revisionBefore = await _store.GetRevisionAsync();
        var tools = GeneratedTools.CreateMany(5);
        tools[4] = tools[4] with { Capabilities = [tools[4].Capabilities[0] with { Patterns = [tools[4].Capabilities[0].Patterns[0] with { ComplexityScore = -1 }] }] };

        Assert.ThrowsAsync<CatalogOperationException>(() => _store.ImportAsync(tools));

        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(revisionBefore));
        Assert.That(await AuditReader.CountAsync(_db), Is.Zero);
        Assert.That(await CountRowsAsync(), Is.EqualTo((0L, 0L, 0L)));
    }

    [Test]
    public async Task Losing_the_connection_in_the_middle_of_a_write_says_nothing_was_written_and_nothing_was()
    {
        var tool = GeneratedTools.Create(1);
        await _store.CreateAsync(tool);
        var revisionBefore = await _store.GetRevisionAsync();
        await using var blocker = await _db.DataSource.OpenConnectionAsync();
        await using var held = await blocker.BeginTransactionAsync();
        await blocker.ExecuteAsync("SELECT id FROM tool_catalog.tools WHERE tool_name = @Name FOR UPDATE", new { tool.Name }, held);

        var disable = _store.DisableAsync(tool.Name);
        await using (var admin = await _db.DataSource.OpenConnectionAsync())
        {
            var waiting = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (waiting == 0)
            {
                waiting = await admin.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", cancellationToken: timeout.Token));
                if (waiting == 0)
                {
                    await Task.Delay(20, timeout.Token);
                }
            }

            await admin.ExecuteAsync("SELECT pg_terminate_backend(@waiting)", new { waiting });
        }

        var error = Assert.ThrowsAsync<CatalogConnectionLostException>(() => disable);
        await held.RollbackAsync();

        Assert.That(error!.Message, Does.Contain($"tool '{tool.Name}'").And.Contain("57P01").And.Contain("nothing was written"));
        Assert.That(error.OutcomeUnknown, Is.False);
        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(revisionBefore));
        Assert.That((await _store.GetAsync(tool.Name))!.Definition.Enabled, Is.True);
    }

    [Test]
    public async Task A_write_that_waits_too_long_for_another_writer_says_the_catalog_is_busy_and_for_how_long()
    {
        await using var blocker = await _db.DataSource.OpenConnectionAsync();
        await using var held = await blocker.BeginTransactionAsync();
        await blocker.ExecuteAsync("UPDATE tool_catalog.catalog_revision SET updated_at = now() WHERE id = 1", transaction: held);
        await using var impatient = _db.CreateDataSource(b => b.CommandTimeout = 1);

        var error = Assert.ThrowsAsync<CatalogBusyException>(() => new ToolCatalogStore(impatient).CreateAsync(GeneratedTools.Create(1)));
        await held.RollbackAsync();

        Assert.That(error!.Message, Does.StartWith("Another writer holds the catalog").And.Contain("Nothing was written"));
        Assert.That(error.Waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)));
        Assert.That(await _store.GetRevisionAsync(), Is.Zero);
    }

    [Test]
    [SharedDatabase]
    public async Task Disposing_a_copy_whose_connection_died_does_not_hide_the_failure_behind_its_own()
    {
        // The import writes through NpgsqlBinaryImporter inside 'await using': if disposing a dead COPY threw, its
        // "COPY operation has already ended" would replace the failure that matters (the server went away).
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var pid = connection.ProcessID;
        await connection.ExecuteAsync("CREATE TEMP TABLE copied (n bigint)");
        var copy = await connection.BeginBinaryImportAsync("COPY copied (n) FROM STDIN (FORMAT BINARY)");
        await using (var admin = await _db.CreateDataSource().OpenConnectionAsync())
        {
            await admin.ExecuteAsync("SELECT pg_terminate_backend(@pid)", new { pid });
        }

        // Rows until a flush meets the dead connection (the first writes may still fit in the socket's buffer).
        Assert.ThrowsAsync(Is.InstanceOf<NpgsqlException>().Or.InstanceOf<IOException>(), async () =>
        {
            for (var row = 0; row < 5_000_000; row++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync((long)row, NpgsqlTypes.NpgsqlDbType.Bigint);
            }
        }, "the failure that matters");
        Assert.DoesNotThrowAsync(async () => await copy.DisposeAsync(), "disposing adds no failure of its own");
    }

    [Test]
    public async Task Every_successful_write_notifies_with_identifiers_only()
    {
        await using var listener = await NotificationRecorder.StartAsync(_db);

        var created = await _store.CreateAsync(GeneratedTools.Create(1));
        var disabled = await _store.DisableAsync("gen-tool-00001");
        var imported = await _store.ImportAsync(GeneratedTools.CreateMany(25, prefix: "bulk"));

        var notices = new[] { await listener.NextAsync(), await listener.NextAsync(), await listener.NextAsync() };
        Assert.That(notices.Select(n => n.Revision), Is.EqualTo(new[] { created.Revision, disabled.Revision, imported.Revision }));
        Assert.That(notices[0].Tools, Is.EqualTo(new[] { "gen-tool-00001" }));
        Assert.That(notices[2].Tools, Is.Null, "a batch of more than 20 tools is announced by revision only");

        // Notices arrive in commit order: a second notice for the batch would come before the next write's.
        var next = await _store.CreateAsync(GeneratedTools.Create(2));
        Assert.That((await listener.NextAsync()).Revision, Is.EqualTo(next.Revision), "one notice for the whole batch");
    }

    [Test]
    public async Task A_stale_write_is_refused_naming_the_current_revision_and_writes_nothing()
    {
        var tool = GeneratedTools.Create(1);
        var created = await _store.CreateAsync(tool);
        var readAt = created.Revision;
        await _store.DisableAsync(tool.Name, change: new ChangeContext { Actor = "someone-else" });
        var current = await _store.GetRevisionAsync();

        var error = Assert.ThrowsAsync<CatalogConflictException>(() =>
            _store.PublishAsync(tool with { Version = "1.1" }, new ChangeContext { Actor = "me", ExpectedRevision = readAt }));

        Assert.That(error!.CurrentRevision, Is.EqualTo(current));
        Assert.That(error.ExpectedRevision, Is.EqualTo(readAt));
        Assert.That(error.Message, Does.Contain(tool.Name).And.Contain($"revision {readAt}").And.Contain($"now at revision {current}"));
        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(current));
        Assert.That((await _store.ListVersionsAsync(tool.Name)).Select(v => v.Version), Is.EqualTo(new[] { "1.0" }));
    }

    [Test]
    [SharedDatabase]
    public async Task Staleness_is_per_tool_so_changes_to_other_tools_do_not_conflict()
    {
        var mine = GeneratedTools.Create(1, prefix: "per-tool");
        var created = await _store.CreateAsync(mine);
        await _store.CreateAsync(GeneratedTools.Create(2, prefix: "per-tool"));

        var result = await _store.DisableAsync(mine.Name, change: new ChangeContext { ExpectedRevision = created.Revision });

        Assert.That(result.Changed, Is.True);
    }

    [Test]
    public async Task An_import_based_on_a_revision_is_refused_whole_when_any_of_its_tools_changed_after_it()
    {
        var first = GeneratedTools.Create(1);
        var second = GeneratedTools.Create(2);
        var created = await _store.ImportAsync([first, second]);
        var readAt = created.Revision;
        await _store.CreateAsync(GeneratedTools.Create(3)); // another tool: no conflict
        var unrelated = await _store.ImportAsync([first with { Version = "1.1" }], new ImportOptions { Change = new ChangeContext { ExpectedRevision = readAt } });
        Assert.That(unrelated.Revision, Is.GreaterThan(readAt), "a change to another tool is not a conflict");

        await _store.DisableAsync(second.Name, change: new ChangeContext { Actor = "someone-else" });
        var current = await _store.GetRevisionAsync();
        var auditBefore = await AuditReader.CountAsync(_db);

        var error = Assert.ThrowsAsync<CatalogConflictException>(() => _store.ImportAsync(
            [first with { Version = "1.2" }, second with { Version = "1.1" }],
            new ImportOptions { Change = new ChangeContext { Actor = "me", ExpectedRevision = unrelated.Revision } }));

        Assert.That(error!.ToolName, Is.EqualTo(second.Name));
        Assert.That(error.CurrentRevision, Is.EqualTo(current));
        Assert.That(error.Message, Does.Contain(second.Name).And.Contain($"revision {unrelated.Revision}"));
        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(current), "nothing written");
        Assert.That(await AuditReader.CountAsync(_db), Is.EqualTo(auditBefore));
        Assert.That((await _store.ListVersionsAsync(first.Name)).Select(v => v.Version), Is.EqualTo(new[] { "1.0", "1.1" }));
    }

    [Test]
    [SharedDatabase]
    public async Task A_write_claiming_a_revision_the_catalog_never_reached_is_refused()
    {
        var tool = GeneratedTools.Create(1, prefix: "unreached");
        await _store.CreateAsync(tool);

        var error = Assert.ThrowsAsync<CatalogConflictException>(() => _store.DisableAsync(tool.Name, change: new ChangeContext { ExpectedRevision = 99 }));

        Assert.That(error!.Message, Does.Contain("99").And.Contain("has not reached"));
    }

    [Test]
    public async Task Text_the_database_cannot_hold_is_refused_before_writing_with_the_field_named()
    {
        var tool = GeneratedTools.Create(1);
        var tooLong = Assert.ThrowsAsync<CatalogOperationException>(() => _store.CreateAsync(tool with { Version = new string('9', 21) }));
        var nul = Assert.ThrowsAsync<CatalogOperationException>(() => _store.CreateAsync(tool with { Description = "bad\0byte" }));

        Assert.That(tooLong!.Message, Does.Contain("version is 21 characters").And.Contain("at most 20"));
        Assert.That(nul!.Message, Does.Contain("description contains a NUL character"));
        Assert.That(await _store.GetRevisionAsync(), Is.Zero);
    }

    private async Task<(long Tools, long Capabilities, long Patterns)> CountRowsAsync()
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long, long)>(
            "SELECT (SELECT count(*) FROM tool_catalog.tools), (SELECT count(*) FROM tool_catalog.tool_capabilities), (SELECT count(*) FROM tool_catalog.tool_patterns)");
    }
}
