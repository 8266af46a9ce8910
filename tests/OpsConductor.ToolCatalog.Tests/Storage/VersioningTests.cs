using Dapper;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

[Parallelizable(ParallelScope.Self)]
public sealed class VersioningTests
{
    private TestDatabase _db = null!;
    private ToolCatalogStore _store = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await TestDatabase.CreateAsync();
        _store = _db.CreateStore();
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Publishing_a_new_version_links_it_to_the_previous_latest_and_makes_it_the_only_latest()
    {
        var v1 = GeneratedTools.Create(1, prefix: "publish");
        var v2 = v1 with { Version = "1.1", Description = "Second" };
        var first = await _store.CreateAsync(v1);
        var second = await _store.PublishAsync(v2);

        var versions = await _store.ListVersionsAsync(v1.Name);

        Assert.That(second.Revision, Is.EqualTo(first.Revision + 1));
        Assert.That(versions.Select(v => (v.Version, v.IsLatest, v.ParentVersion)), Is.EqualTo(new[] { ("1.0", false, (string?)null), ("1.1", true, "1.0") }));
        Assert.That((await _store.GetAsync(v1.Name))!.Definition, Is.EqualTo(v2));
        Assert.That((await _store.GetAsync(v1.Name, "1.0"))!.Definition, Is.EqualTo(v1));
    }

    [Test]
    public async Task Creating_a_tool_that_exists_is_refused_and_says_to_publish_a_new_version()
    {
        var tool = GeneratedTools.Create(2, prefix: "create-twice");
        await _store.CreateAsync(tool);

        var error = Assert.ThrowsAsync<CatalogOperationException>(() => _store.CreateAsync(tool with { Version = "9.0" }));

        Assert.That(error!.Message, Does.Contain("create-twice-00002").And.Contain("exists already").And.Contain("new version"));
    }

    [Test]
    public async Task Publishing_an_existing_version_is_refused_because_versions_are_immutable_and_suggests_a_bump()
    {
        var tool = GeneratedTools.Create(3, prefix: "immutable");
        await _store.CreateAsync(tool);

        var error = Assert.ThrowsAsync<CatalogOperationException>(() => _store.PublishAsync(tool with { Description = "changed" }));

        Assert.That(error!.Message, Does.Contain("'1.0'").And.Contain("immutable").And.Contain("'1.1'"));
        Assert.That((await _store.GetAsync(tool.Name))!.Definition, Is.EqualTo(tool));
    }

    [Test]
    public async Task Twenty_concurrent_publishers_leave_exactly_one_latest_version_and_a_linear_history()
    {
        var baseTool = GeneratedTools.Create(4, prefix: "race");
        await _store.CreateAsync(baseTool);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publishers = Enumerable.Range(1, 20).Select(async i =>
        {
            await start.Task;
            return await _store.PublishAsync(baseTool with { Version = $"2.{i}" }, new ChangeContext { Actor = $"publisher-{i}" });
        }).ToList();

        start.SetResult();
        var results = await Task.WhenAll(publishers);

        var versions = await _store.ListVersionsAsync(baseTool.Name);
        Assert.That(versions, Has.Count.EqualTo(21));
        Assert.That(versions.Count(v => v.IsLatest), Is.EqualTo(1));
        Assert.That(results.Select(r => r.Revision).Distinct().Count(), Is.EqualTo(20), "every publish got its own revision");

        // Writers took turns: each version's parent is the one published just before it, and the last is latest.
        for (var i = 1; i < versions.Count; i++)
        {
            Assert.That(versions[i].ParentVersion, Is.EqualTo(versions[i - 1].Version));
        }

        Assert.That(versions[^1].IsLatest, Is.True);
        var lastByRevision = results.MaxBy(r => r.Revision)!;
        Assert.That((await _store.GetAsync(baseTool.Name))!.Definition.Version, Is.EqualTo(lastByRevision.Version));
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var latestRows = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM tool_catalog.tools WHERE tool_name = @name AND is_latest", new { name = baseTool.Name });
        Assert.That(latestRows, Is.EqualTo(1));
        Assert.That((await AuditReader.ReadAsync(_db, baseTool.Name)).Count(a => a.Action == "published"), Is.EqualTo(20));
    }

    [Test]
    public async Task Rollback_restores_the_previous_version_keeps_history_and_is_audited()
    {
        var v1 = GeneratedTools.Create(5, prefix: "rollback");
        var v2 = v1 with { Version = "2.0", Description = "Broken release" };
        await _store.CreateAsync(v1);
        await _store.PublishAsync(v2);

        var result = await _store.RollbackAsync(v1.Name, "1.0", new ChangeContext { Actor = "oncall", Reason = "2.0 breaks prod" });

        Assert.That(result.Changed, Is.True);
        Assert.That((await _store.GetAsync(v1.Name))!.Definition, Is.EqualTo(v1));
        var versions = await _store.ListVersionsAsync(v1.Name);
        Assert.That(versions.Select(v => (v.Version, v.IsLatest)), Is.EqualTo(new[] { ("1.0", true), ("2.0", false) }));
        var audit = (await AuditReader.ReadAsync(_db, v1.Name))[^1];
        Assert.That(audit.Action, Is.EqualTo("rolled_back"));
        Assert.That(audit.Revision, Is.EqualTo(result.Revision));
        Assert.That(audit.ChangedBy, Is.EqualTo("oncall"));
        Assert.That(audit.Reason, Is.EqualTo("2.0 breaks prod"));
        Assert.That(audit.Changes["version"]!["old"]!.GetValue<string>(), Is.EqualTo("2.0"));
        Assert.That(audit.Changes["version"]!["new"]!.GetValue<string>(), Is.EqualTo("1.0"));
        Assert.That(audit.Changes["description"]!["new"]!.GetValue<string>(), Is.EqualTo(v1.Description));

        // Publishing after a rollback links to the version rolled back to.
        await _store.PublishAsync(v1 with { Version = "3.0" });
        Assert.That((await _store.ListVersionsAsync(v1.Name))[^1].ParentVersion, Is.EqualTo("1.0"));
    }

    [Test]
    public async Task Rollback_to_the_latest_or_an_unknown_version_is_refused_clearly()
    {
        var tool = GeneratedTools.Create(6, prefix: "rollback-bad");
        await _store.CreateAsync(tool);

        var already = Assert.ThrowsAsync<CatalogOperationException>(() => _store.RollbackAsync(tool.Name, "1.0"));
        var unknown = Assert.ThrowsAsync<ToolNotFoundException>(() => _store.RollbackAsync(tool.Name, "0.9"));

        Assert.That(already!.Message, Does.Contain("already the latest"));
        Assert.That(unknown!.Message, Does.Contain("'0.9'").And.Contain(tool.Name));
    }

    [Test]
    public async Task Listing_versions_of_an_unknown_tool_says_it_does_not_exist()
    {
        var error = Assert.ThrowsAsync<ToolNotFoundException>(() => _store.ListVersionsAsync("no-such-tool"));
        Assert.That(error!.Message, Does.Contain("'no-such-tool' does not exist"));
        Assert.That(await _store.GetAsync("no-such-tool"), Is.Null);
    }

    [Test]
    public async Task Enable_disable_reenable_and_deprecate_change_state_audit_it_and_keep_the_version()
    {
        var tool = GeneratedTools.Create(7, prefix: "state");
        await _store.CreateAsync(tool);

        var disabled = await _store.DisableAsync(tool.Name, change: new ChangeContext { Actor = "admin" });
        var again = await _store.DisableAsync(tool.Name);
        Assert.That((await _store.GetAsync(tool.Name))!.Definition.Enabled, Is.False, "a disabled tool is still readable");
        var enabled = await _store.EnableAsync(tool.Name);
        var deprecated = await _store.DeprecateAsync(tool.Name);

        Assert.That(disabled.Changed, Is.True);
        Assert.That(again.Changed, Is.False, "disabling a disabled tool changes nothing");
        Assert.That(again.Revision, Is.EqualTo(disabled.Revision), "and does not bump the revision");
        Assert.That(enabled.Changed, Is.True, "re-enabling works (the original could not)");
        var current = (await _store.GetAsync(tool.Name))!.Definition;
        Assert.That(current, Is.EqualTo(tool with { Enabled = true, Status = ToolStatus.Deprecated }));
        var actions = (await AuditReader.ReadAsync(_db, tool.Name)).Select(a => a.Action);
        Assert.That(actions, Is.EqualTo(new[] { "created", "disabled", "enabled", "deprecated" }));
    }
}
