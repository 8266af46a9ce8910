using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

/// <remarks>
/// Tests marked <see cref="SharedDatabaseAttribute"/> share one database of the fixture's: each writes and reads tools of names
/// of its own only and asserts nothing about the whole catalog (its revision, audit, notices or export). Every other
/// test has a database of its own.
/// </remarks>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class ImportExportTests
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
    public async Task A_dry_run_reports_what_would_happen_and_writes_nothing()
    {
        var existing = GeneratedTools.CreateMany(3);
        await _store.ImportAsync(existing);
        var revision = await _store.GetRevisionAsync();
        var input = new[]
        {
            existing[0],
            existing[1] with { Version = "1.1" },
            existing[2] with { Description = "edited without a version bump" },
            GeneratedTools.Create(7),
        };

        var report = await _store.ImportAsync(input, new ImportOptions { DryRun = true });

        Assert.That(report.DryRun, Is.True);
        Assert.That(report.Applied, Is.False);
        Assert.That(report.Items.Select(i => i.Outcome), Is.EqualTo(new[] { ImportOutcome.Unchanged, ImportOutcome.NewVersion, ImportOutcome.Refused, ImportOutcome.NewTool }));
        Assert.That(report.Items[2].Message, Does.Contain("stored already with different content").And.Contain("description").And.Contain("immutable").And.Contain("'1.1'"));
        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(revision));
        Assert.That(await _store.GetAsync(GeneratedTools.Create(7).Name), Is.Null);
    }

    [Test]
    public async Task By_default_one_refused_tool_means_nothing_is_written()
    {
        var existing = GeneratedTools.Create(1);
        await _store.CreateAsync(existing);
        var revision = await _store.GetRevisionAsync();

        var report = await _store.ImportAsync([GeneratedTools.Create(2), existing with { Category = "other" }, GeneratedTools.Create(3)]);

        Assert.That(report.Applied, Is.False);
        Assert.That(report.HasProblems, Is.True);
        Assert.That(report.Items.Select(i => i.Outcome), Is.EqualTo(new[] { ImportOutcome.NewTool, ImportOutcome.Refused, ImportOutcome.NewTool }));
        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(revision));
        Assert.That(await _store.GetAsync(GeneratedTools.Create(2).Name), Is.Null);
    }

    [Test]
    public async Task Per_tool_mode_writes_the_good_tools_reports_the_bad_ones_and_announces_once()
    {
        var existing = GeneratedTools.Create(1);
        await _store.CreateAsync(existing);
        await using var listener = await NotificationRecorder.StartAsync(_db);
        var broken = GeneratedTools.Create(4);
        broken = broken with { Capabilities = [broken.Capabilities[0] with { Patterns = [broken.Capabilities[0].Patterns[0] with { ComplexityScore = 7 }] }] };

        var report = await _store.ImportAsync(
            [GeneratedTools.Create(2), existing with { Category = "other" }, broken, GeneratedTools.Create(3)],
            new ImportOptions { Mode = ImportMode.PerTool });

        Assert.That(report.Applied, Is.True);
        Assert.That(report.Items.Select(i => i.Outcome), Is.EqualTo(new[] { ImportOutcome.NewTool, ImportOutcome.Refused, ImportOutcome.Failed, ImportOutcome.NewTool }));
        Assert.That(report.Items[2].Message, Does.Contain("complexity_score 7"));
        Assert.That(await _store.GetAsync(GeneratedTools.Create(2).Name), Is.Not.Null);
        Assert.That(await _store.GetAsync(GeneratedTools.Create(3).Name), Is.Not.Null);
        Assert.That(await _store.GetAsync(broken.Name), Is.Null);
        var notice = await listener.NextAsync();
        Assert.That(notice.Revision, Is.EqualTo(report.Revision));
        Assert.That(notice.Tools, Is.EquivalentTo(new[] { GeneratedTools.Create(2).Name, GeneratedTools.Create(3).Name }));
    }

    [Test]
    public async Task Reimporting_unchanged_tools_changes_nothing_no_audit_no_revision()
    {
        var tools = GeneratedTools.CreateMany(10);
        await _store.ImportAsync(tools);
        var revision = await _store.GetRevisionAsync();
        var audits = await AuditReader.CountAsync(_db);
        await using var listener = await NotificationRecorder.StartAsync(_db);

        var report = await _store.ImportAsync(tools);

        Assert.That(report.Items.All(i => i.Outcome == ImportOutcome.Unchanged), Is.True);
        Assert.That(report.Applied, Is.False);
        Assert.That(report.Revision, Is.EqualTo(revision));
        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(revision));
        Assert.That(await AuditReader.CountAsync(_db), Is.EqualTo(audits));

        // The next real write is the first notice: the unchanged import sent none.
        var next = await _store.DisableAsync(tools[0].Name);
        Assert.That((await listener.NextAsync()).Revision, Is.EqualTo(next.Revision));
    }

    [Test]
    [SharedDatabase]
    public async Task Several_versions_of_one_tool_in_one_import_are_chained_and_the_last_becomes_latest()
    {
        var v1 = GeneratedTools.Create(1, prefix: "chained");

        var report = await _store.ImportAsync([v1, v1 with { Version = "1.1" }, v1 with { Version = "1.2" }]);

        Assert.That(report.Items.Select(i => i.Outcome), Is.EqualTo(new[] { ImportOutcome.NewTool, ImportOutcome.NewVersion, ImportOutcome.NewVersion }));
        var versions = await _store.ListVersionsAsync(v1.Name);
        Assert.That(versions.Select(v => (v.Version, v.ParentVersion, v.IsLatest)), Is.EqualTo(new[] { ("1.0", (string?)null, false), ("1.1", "1.0", false), ("1.2", "1.1", true) }));
    }

    [Test]
    [SharedDatabase]
    public async Task The_same_version_twice_in_one_input_is_refused()
    {
        var tool = GeneratedTools.Create(1, prefix: "twice");

        var report = await _store.ImportAsync([tool, tool]);

        Assert.That(report.Items[1].Outcome, Is.EqualTo(ImportOutcome.Refused));
        Assert.That(report.Items[1].Message, Does.Contain("appears twice").And.Contain("position 0"));
    }

    [Test]
    public async Task Export_then_import_into_an_empty_database_reproduces_the_catalog_exactly()
    {
        var tools = GeneratedTools.CreateMany(30);
        tools.Add(RichTools.Create());
        await _store.ImportAsync(tools);
        await _store.PublishAsync(tools[1] with { Version = "2.0", Description = "second" });
        await _store.PublishAsync(tools[2] with { Version = "2.0" });
        await _store.RollbackAsync(tools[2].Name, "1.0");
        await _store.DisableAsync(tools[3].Name);
        await _store.DeprecateAsync(tools[4].Name);
        await _store.DeleteAsync(tools[5].Name);
        var latest = await _store.ExportAsync();
        var everything = await _store.ExportAsync(allVersions: true);

        await using var empty = await TestDatabase.CreateAsync();
        var copy = empty.CreateStore();
        await copy.ImportAsync(everything);

        Assert.That(latest, Has.Count.EqualTo(30), "31 tools, one deleted");
        Assert.That(await copy.ExportAsync(), Is.EqualTo(latest));
        Assert.That(await copy.ExportAsync(allVersions: true), Is.EqualTo(everything));
        Assert.That((await copy.LoadCatalogAsync()).Tools.Select(t => t.Definition), Is.EqualTo((await _store.LoadCatalogAsync()).Tools.Select(t => t.Definition)));

        await using var latestOnly = await TestDatabase.CreateAsync();
        var second = latestOnly.CreateStore();
        await second.ImportAsync(latest);
        Assert.That(await second.ExportAsync(), Is.EqualTo(latest));
    }

    [Test]
    public async Task Export_filters_like_listing()
    {
        var tools = GeneratedTools.CreateMany(10);
        await _store.ImportAsync(tools);

        var windows = await _store.ExportAsync(new ToolFilter { Platform = "windows" });

        Assert.That(windows, Is.EqualTo(tools.Where(t => t.Platform == "windows").OrderBy(t => t.Name, StringComparer.Ordinal)));
    }

    [Test]
    public async Task Copy_and_row_by_row_imports_store_identical_rows()
    {
        var tools = GeneratedTools.CreateMany(5);
        tools.Add(RichTools.Create());
        await _store.ImportAsync(tools, new ImportOptions(), RowWriteMode.Statements, CancellationToken.None);
        await using var other = await TestDatabase.CreateAsync();
        var copyStore = other.CreateStore();
        await copyStore.ImportAsync(tools, new ImportOptions(), RowWriteMode.Copy, CancellationToken.None);

        Assert.That(await copyStore.ExportAsync(), Is.EqualTo(await _store.ExportAsync()));
        Assert.That(await SnapshotPatternsAsync(other), Is.EqualTo(await SnapshotPatternsAsync(_db)), "the JSONB columns hold the same documents");
    }

    [Test]
    [SharedDatabase]
    public async Task A_bulk_import_logs_where_its_time_went_at_debug_level()
    {
        var logger = new FakeLogger<ToolCatalogStore>();
        var store = new ToolCatalogStore(_db.DataSource, TimeProvider.System, logger);

        await store.ImportAsync(GeneratedTools.CreateMany(3, prefix: "logged"));

        var phases = logger.Collector.GetSnapshot().Single(r => r.Id.Id == 4022);
        Assert.That(phases.Level, Is.EqualTo(LogLevel.Debug));
        var names = phases.StructuredState!.Where(s => s.Key.EndsWith("Milliseconds", StringComparison.Ordinal)).Select(s => s.Key);
        Assert.That(names, Is.EqualTo(new[]
        {
            "CheckMilliseconds", "BeginMilliseconds", "PlanMilliseconds", "IdsMilliseconds", "RowsMilliseconds", "AuditWaitMilliseconds", "FinishMilliseconds",
        }));
        Assert.That(phases.Message, Does.StartWith("Import of 3 tools, where the time went: storage rules "));
    }

    [Test]
    public async Task Ids_are_the_ones_the_sequences_handed_out_when_they_are_not_consecutive()
    {
        await using (var connection = await _db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                """
                ALTER SEQUENCE tool_catalog.tools_id_seq INCREMENT BY 2;
                ALTER SEQUENCE tool_catalog.tool_capabilities_id_seq INCREMENT BY 3;
                ALTER SEQUENCE tool_catalog.tool_patterns_id_seq INCREMENT BY 5;
                """);
        }

        var first = GeneratedTools.CreateMany(4, prefix: "spaced");
        await _store.ImportAsync(first);

        await using (var connection = await _db.DataSource.OpenConnectionAsync())
        {
            var spacing = await connection.QuerySingleAsync<(long Tools, long Capabilities, long Patterns)>(
                """
                SELECT (SELECT count(DISTINCT (id - (SELECT min(id) FROM tool_catalog.tools)) % 2) FROM tool_catalog.tools),
                       (SELECT count(DISTINCT (id - (SELECT min(id) FROM tool_catalog.tool_capabilities)) % 3) FROM tool_catalog.tool_capabilities),
                       (SELECT count(DISTINCT (id - (SELECT min(id) FROM tool_catalog.tool_patterns)) % 5) FROM tool_catalog.tool_patterns)
                """);
            Assert.That(spacing, Is.EqualTo((1L, 1L, 1L)), "every id is one the sequence handed out, not first + n");
            await connection.ExecuteAsync(
                """
                ALTER SEQUENCE tool_catalog.tools_id_seq INCREMENT BY 1;
                ALTER SEQUENCE tool_catalog.tool_capabilities_id_seq INCREMENT BY 1;
                ALTER SEQUENCE tool_catalog.tool_patterns_id_seq INCREMENT BY 1;
                """);
        }

        var second = GeneratedTools.CreateMany(4, prefix: "dense");
        await _store.ImportAsync(second);

        Assert.That(await _store.ExportAsync(), Is.EqualTo(first.Concat(second).OrderBy(t => t.Name, StringComparer.Ordinal)), "no id taken twice");
    }

    [Test]
    [SharedDatabase]
    public async Task A_deleted_tool_is_restored_by_importing_it_unchanged_and_becomes_latest_again()
    {
        var v1 = GeneratedTools.Create(1, prefix: "restored");
        await _store.ImportAsync([v1, v1 with { Version = "2.0" }]);
        await _store.DeleteAsync(v1.Name);

        var report = await _store.ImportAsync([v1, v1 with { Version = "2.0" }]);

        Assert.That(report.Items.Select(i => i.Outcome), Is.EqualTo(new[] { ImportOutcome.Restored, ImportOutcome.Restored }));
        Assert.That((await _store.GetAsync(v1.Name))!.Definition.Version, Is.EqualTo("2.0"));
    }

    [Test]
    [SharedDatabase]
    public async Task Restoring_an_old_deleted_version_does_not_displace_the_latest()
    {
        var v1 = GeneratedTools.Create(1, prefix: "old-version");
        await _store.ImportAsync([v1, v1 with { Version = "2.0" }]);
        await _store.DeleteAsync(v1.Name, new DeleteOptions { Version = "1.0" });

        var report = await _store.ImportAsync([v1]);

        Assert.That(report.Items.Single().Outcome, Is.EqualTo(ImportOutcome.Restored));
        Assert.That((await _store.GetAsync(v1.Name))!.Definition.Version, Is.EqualTo("2.0"));
        Assert.That(await _store.GetAsync(v1.Name, "1.0"), Is.Not.Null);
    }

    private static async Task<List<string>> SnapshotPatternsAsync(TestDatabase db)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<string>(
            """
            SELECT t.tool_name || '/' || c.capability_name || '/' || p.pattern_name || ' ' ||
                   jsonb_build_array(p.typical_use_cases, p.limitations, p.policy, p.preference_match, p.required_inputs,
                       p.optional_inputs, p.expected_outputs, p.examples, p.extensions, t.metadata, t.defaults, t.examples)::text
            FROM tool_catalog.tool_patterns p
            JOIN tool_catalog.tool_capabilities c ON c.id = p.capability_id
            JOIN tool_catalog.tools t ON t.id = c.tool_id
            ORDER BY 1
            """);
        return rows.ToList();
    }
}
