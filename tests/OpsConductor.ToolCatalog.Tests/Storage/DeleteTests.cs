using Dapper;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

[Parallelizable(ParallelScope.Self)]
public sealed class DeleteTests
{
    private TestDatabase _db = null!;
    private ToolCatalogStore _store = null!;
    private int _next;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await TestDatabase.CreateAsync();
        _store = _db.CreateStore();
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Soft_delete_hides_the_tool_but_keeps_its_rows_and_history()
    {
        var tool = await CreatedAsync();

        await _store.DeleteAsync(tool.Name);

        Assert.That(await _store.GetAsync(tool.Name), Is.Null);
        Assert.That((await _store.ListAsync()).Items.Select(i => i.Name), Does.Not.Contain(tool.Name));
        var versions = await _store.ListVersionsAsync(tool.Name);
        Assert.That(versions.Single().DeletedAt, Is.Not.Null);
        Assert.That(versions.Single().IsLatest, Is.False);
        Assert.ThrowsAsync<ToolNotFoundException>(() => _store.DeleteAsync(tool.Name), "deleting it again: it is gone");
    }

    [Test]
    public async Task Deleting_one_older_version_keeps_the_latest()
    {
        var tool = await CreatedAsync();
        await _store.PublishAsync(tool with { Version = "2.0" });

        await _store.DeleteAsync(tool.Name, new DeleteOptions { Version = "1.0" });

        Assert.That((await _store.GetAsync(tool.Name))!.Definition.Version, Is.EqualTo("2.0"));
        Assert.That(await _store.GetAsync(tool.Name, "1.0"), Is.Null);
    }

    [Test]
    public async Task The_latest_version_cannot_be_deleted_alone_while_others_exist()
    {
        var tool = await CreatedAsync();
        await _store.PublishAsync(tool with { Version = "2.0" });

        var error = Assert.ThrowsAsync<CatalogOperationException>(() => _store.DeleteAsync(tool.Name, new DeleteOptions { Version = "2.0" }));

        Assert.That(error!.Message, Does.Contain("latest version").And.Contain($"rollback {tool.Name} --to 1.0"));
    }

    [Test]
    public async Task Hard_delete_of_a_version_referenced_by_telemetry_or_an_ab_test_is_refused_unless_forced()
    {
        var tool = await CreatedAsync();
        var other = await CreatedAsync();
        var stored = (await _store.GetAsync(tool.Name))!;
        var otherId = (await _store.GetAsync(other.Name))!.Id;
        await using (var connection = await _db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO tool_catalog.tool_telemetry (tool_id, pattern_id, actual_time_ms, success) VALUES (@id, @pattern, 12, true)",
                new { id = stored.Id, pattern = stored.GetPatternId("capability_0", "pattern_0") });
            await connection.ExecuteAsync(
                "INSERT INTO tool_catalog.tool_ab_tests (test_name, tool_a_id, tool_b_id) VALUES ('a-vs-b', @a, @b)",
                new { a = stored.Id, b = otherId });
        }

        var refused = Assert.ThrowsAsync<CatalogOperationException>(() => _store.DeleteAsync(tool.Name, new DeleteOptions { Hard = true }));
        Assert.That(refused!.Message, Does.Contain("1 telemetry row(s) and 1 A/B test(s)").And.Contain("--force").And.Contain("Soft-delete"));
        Assert.That(await _store.GetAsync(tool.Name), Is.Not.Null, "nothing was deleted");

        var forced = await _store.DeleteAsync(tool.Name, new DeleteOptions { Hard = true, Force = true });

        Assert.That(forced.Changed, Is.True);
        Assert.ThrowsAsync<ToolNotFoundException>(() => _store.ListVersionsAsync(tool.Name));
        await using var check = await _db.DataSource.OpenConnectionAsync();
        Assert.That(await check.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.tool_telemetry WHERE tool_id = @id", new { id = stored.Id }), Is.Zero);
        Assert.That(await check.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.tool_capabilities WHERE tool_id = @id", new { id = stored.Id }), Is.Zero);
        Assert.That(await _store.GetAsync(other.Name), Is.Not.Null, "the other arm of the A/B test stays");
    }

    [Test]
    public async Task Hard_deleting_a_middle_version_relinks_its_child_to_its_parent()
    {
        var tool = await CreatedAsync();
        await _store.PublishAsync(tool with { Version = "2.0" });
        await _store.PublishAsync(tool with { Version = "3.0" });

        await _store.DeleteAsync(tool.Name, new DeleteOptions { Version = "2.0", Hard = true });

        var versions = await _store.ListVersionsAsync(tool.Name);
        Assert.That(versions.Select(v => (v.Version, v.ParentVersion)), Is.EqualTo(new[] { ("1.0", (string?)null), ("3.0", "1.0") }));
    }

    [Test]
    public async Task A_soft_deleted_tool_can_be_hard_deleted_afterwards()
    {
        var tool = await CreatedAsync();
        await _store.DeleteAsync(tool.Name);

        await _store.DeleteAsync(tool.Name, new DeleteOptions { Hard = true });

        Assert.ThrowsAsync<ToolNotFoundException>(() => _store.ListVersionsAsync(tool.Name));
    }

    private async Task<OpsConductor.ToolCatalog.Model.ToolDefinition> CreatedAsync()
    {
        var tool = GeneratedTools.Create(Interlocked.Increment(ref _next), prefix: "deletable");
        await _store.CreateAsync(tool);
        return tool;
    }
}
