using Dapper;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Tenancy;

/// <summary>
/// The store's tenant scope (<see cref="ToolCatalogStore.ForTenant"/>), through the library: isolation between tenants and
/// from the global catalog, overlay semantics (own tools, shadows, disabled global tools, inherited global changes), and
/// the global path that leaves tenant rows out.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class TenantScopeTests
{
    private const string Shared = "gen-tool-00000";
    private const string Other = "gen-tool-00001";

    private TestDatabase _seeded = null!;
    private TestDatabase _readOnly = null!;

    /// <summary>The seeded catalog (see <see cref="SeedAsync"/>) is built once: the tests that write nothing (their
    /// refused writes included) read one shared copy of it, each test that writes gets a copy of its own.</summary>
    [OneTimeSetUp]
    public async Task SeedOnce()
    {
        _seeded = await TestDatabase.CreateAsync();
        await SeedAsync(_seeded.CreateStore());
        _readOnly = await _seeded.CopyAsync();
    }

    [OneTimeTearDown]
    public async Task DropSeeded()
    {
        await _readOnly.DisposeAsync();
        await _seeded.DisposeAsync();
    }

    /// <summary>Two global tools; tenants acme and globex; acme owns "acme-tool" and a shadow (version 2.0) of the first
    /// global tool; globex owns "globex-tool". Every tenant row is written through the scoped stores.</summary>
    private static async Task SeedAsync(ToolCatalogStore global)
    {
        await global.CreateAsync(GeneratedTools.Create(0, capabilities: 1, patterns: 1));
        await global.CreateAsync(GeneratedTools.Create(1, capabilities: 1, patterns: 1));
        await global.CreateTenantAsync("acme", "Acme");
        await global.CreateTenantAsync("globex", "Globex");
        var acme = global.ForTenant("acme");
        var globex = global.ForTenant("globex");
        await acme.CreateAsync(GeneratedTools.Create(7, capabilities: 1, patterns: 1) with { Name = "acme-tool" });
        await acme.PublishAsync(GeneratedTools.Create(0, capabilities: 2, patterns: 1, version: "2.0") with { Description = "Acme's own grep" });
        await globex.CreateAsync(GeneratedTools.Create(8, capabilities: 1, patterns: 1) with { Name = "globex-tool" });
    }

    private static (TestDatabase Db, ToolCatalogStore Global, ToolCatalogStore Acme, ToolCatalogStore Globex) StoresOn(TestDatabase db)
    {
        var global = db.CreateStore();
        return (db, global, global.ForTenant("acme"), global.ForTenant("globex"));
    }

    /// <summary>The seeded catalog shared by the tests that write nothing.</summary>
    private (TestDatabase Db, ToolCatalogStore Global, ToolCatalogStore Acme, ToolCatalogStore Globex) ReadOnlySeeded() => StoresOn(_readOnly);

    /// <summary>A copy of the seeded catalog of the test's own (the test drops it), for a test that writes.</summary>
    private async Task<(TestDatabase Db, ToolCatalogStore Global, ToolCatalogStore Acme, ToolCatalogStore Globex)> OwnSeededAsync() =>
        StoresOn(await _seeded.CopyAsync());

    private static async Task<List<string>> NamesAsync(ToolCatalogStore store) =>
        (await store.ListAsync()).Items.Select(t => $"{t.Name} {t.Version}").ToList();

    [Test]
    public async Task A_tenant_reads_the_global_catalog_overlaid_with_its_own_tools_and_shadows_and_never_another_tenants()
    {
        var (_, _, acme, _) = ReadOnlySeeded();

        Assert.That(await NamesAsync(acme), Is.EqualTo(new[] { "acme-tool 1.0", $"{Shared} 2.0", $"{Other} 1.0" }));
        Assert.That((await acme.GetAsync(Shared))!.Definition.Description, Is.EqualTo("Acme's own grep"));
        Assert.That(await acme.GetAsync(Shared, "1.0"), Is.Null, "the shadow replaces the global tool's versions for acme");
        Assert.That(await acme.GetAsync("globex-tool"), Is.Null);
        Assert.That(await acme.SearchAsync("globex"), Is.Empty);
        Assert.That((await acme.LoadCatalogAsync()).Tools.Select(t => $"{t.Definition.Name} {t.Definition.Version}"),
            Is.EquivalentTo(new[] { "acme-tool 1.0", $"{Shared} 2.0", $"{Other} 1.0" }));
        Assert.That((await acme.ListVersionsAsync(Shared)).Select(v => v.Version), Is.EqualTo(new[] { "2.0" }));
        Assert.ThrowsAsync<ToolNotFoundException>(() => acme.ListVersionsAsync("globex-tool"));
    }

    [Test]
    public async Task The_global_path_leaves_every_tenant_row_out_of_reads_exports_and_snapshot_loads()
    {
        var (_, global, _, _) = ReadOnlySeeded();

        Assert.That(await NamesAsync(global), Is.EqualTo(new[] { $"{Shared} 1.0", $"{Other} 1.0" }));
        Assert.That((await global.GetAsync(Shared))!.Definition.Version, Is.EqualTo("1.0"));
        Assert.That(await global.GetAsync(Shared, "2.0"), Is.Null);
        Assert.That(await global.GetAsync("acme-tool"), Is.Null);
        Assert.That(await global.SearchAsync("tool"), Has.Count.EqualTo(2));
        Assert.That((await global.ExportAsync(allVersions: true)).Select(t => $"{t.Name} {t.Version}"), Is.EqualTo(new[] { $"{Shared} 1.0", $"{Other} 1.0" }));
        Assert.That((await global.LoadCatalogAsync()).Tools.Select(t => t.Definition.Name), Is.EquivalentTo(new[] { Shared, Other }));
        Assert.That((await global.ListVersionsAsync(Shared)).Select(v => v.Version), Is.EqualTo(new[] { "1.0" }));
        Assert.That((await global.GetAuditAsync("acme-tool")), Is.Empty);
        Assert.That((await global.QueryAuditAsync()).Items.Select(a => a.ToolName), Is.EquivalentTo(new[] { Shared, Other }));
    }

    [Test]
    public async Task A_tenant_exports_its_overlay_only_and_audits_its_rows_and_the_global_ones()
    {
        var (_, _, acme, _) = ReadOnlySeeded();

        var exported = await acme.ExportAsync(allVersions: true);
        var audit = await acme.QueryAuditAsync();

        Assert.That(exported.Select(t => $"{t.Name} {t.Version}"), Is.EqualTo(new[] { "acme-tool 1.0", $"{Shared} 2.0" }));
        Assert.That(audit.Items.Select(a => $"{a.ToolName} {a.Version}"),
            Is.EquivalentTo(new[] { $"{Shared} 1.0", $"{Other} 1.0", "acme-tool 1.0", $"{Shared} 2.0" }));
        Assert.That((await acme.GetAuditAsync(Shared)).Select(a => a.Version), Is.EqualTo(new[] { "1.0", "2.0" }));
        Assert.That(await acme.GetAuditAsync("globex-tool"), Is.Empty);
    }

    [Test]
    public async Task A_tenant_cannot_change_another_tenants_tool_nor_a_global_tool_except_as_its_own_shadow()
    {
        var (_, global, acme, globex) = ReadOnlySeeded();
        var revision = await global.GetRevisionAsync();

        Assert.ThrowsAsync<ToolNotFoundException>(() => acme.DisableAsync("globex-tool"));
        Assert.ThrowsAsync<ToolNotFoundException>(() => acme.DeleteAsync("globex-tool"));
        var onGlobal = Assert.ThrowsAsync<CatalogOperationException>(() => acme.DisableAsync(Other));
        Assert.ThrowsAsync<CatalogOperationException>(() => acme.RollbackAsync(Other, "1.0"));
        Assert.ThrowsAsync<CatalogOperationException>(() => acme.DeleteAsync(Other));

        Assert.That(onGlobal!.Message, Does.Contain($"'{Other}'").And.Contain("global catalog").And.Contain("'acme'"));
        Assert.That(await global.GetRevisionAsync(), Is.EqualTo(revision), "nothing was written");
        Assert.That((await global.GetAsync(Other))!.Definition.Enabled, Is.True);
        Assert.That((await globex.GetAsync("globex-tool"))!.Definition.Enabled, Is.True);
    }

    [Test]
    public async Task A_tenant_publishes_rolls_back_changes_state_and_deletes_its_own_tools()
    {
        var (db, global, acme, _) = await OwnSeededAsync();
        await using var _db = db;

        await acme.PublishAsync(GeneratedTools.Create(7, capabilities: 1, patterns: 1, version: "1.1") with { Name = "acme-tool" });
        await acme.RollbackAsync("acme-tool", "1.0");
        await acme.DisableAsync("acme-tool");
        var afterDisable = await acme.GetAsync("acme-tool");
        await acme.DeleteAsync(Shared);

        Assert.That(afterDisable!.Definition.Version, Is.EqualTo("1.0"));
        Assert.That(afterDisable.Definition.Enabled, Is.False);
        Assert.That((await acme.GetAsync(Shared))!.Definition.Version, Is.EqualTo("1.0"), "with its shadow deleted, acme inherits the global tool again");
        Assert.That((await global.GetAsync(Shared))!.Definition.Version, Is.EqualTo("1.0"));
        Assert.That((await acme.GetAuditAsync("acme-tool")).Select(a => a.Action), Is.EqualTo(new[] { "created", "published", "rolled_back", "disabled" }));
    }

    [Test]
    public async Task A_global_tool_disabled_for_a_tenant_is_absent_for_it_only_and_comes_back_when_enabled()
    {
        var (db, global, acme, globex) = await OwnSeededAsync();
        await using var _db = db;

        var disabled = await acme.DisableGlobalToolAsync(Other);
        var again = await acme.DisableGlobalToolAsync(Other);
        var hidden = await NamesAsync(acme);
        var listed = await acme.ListDisabledGlobalToolsAsync();
        await acme.EnableGlobalToolAsync(Other);

        Assert.That(disabled.Changed, Is.True);
        Assert.That(again.Changed, Is.False, "disabling it twice writes nothing");
        Assert.That(hidden, Is.EqualTo(new[] { "acme-tool 1.0", $"{Shared} 2.0" }));
        Assert.That(listed, Is.EqualTo(new[] { Other }));
        Assert.That(await NamesAsync(globex), Does.Contain($"{Other} 1.0"));
        Assert.That(await NamesAsync(global), Does.Contain($"{Other} 1.0"));
        Assert.That(await NamesAsync(acme), Does.Contain($"{Other} 1.0"));
        Assert.That((await acme.GetAuditAsync(Other)).Select(a => a.Action), Is.EqualTo(new[] { "created", "disabled", "enabled" }));
        Assert.That((await global.GetAuditAsync(Other)).Select(a => a.Action), Is.EqualTo(new[] { "created" }));
    }

    [Test]
    public async Task A_later_global_change_reaches_a_tenant_that_neither_shadows_nor_disabled_the_tool()
    {
        var (db, global, acme, _) = await OwnSeededAsync();
        await using var _db = db;

        await global.PublishAsync(GeneratedTools.Create(1, capabilities: 1, patterns: 1, version: "1.1"));
        await global.PublishAsync(GeneratedTools.Create(0, capabilities: 1, patterns: 1, version: "1.1"));

        Assert.That(await NamesAsync(acme), Is.EqualTo(new[] { "acme-tool 1.0", $"{Shared} 2.0", $"{Other} 1.1" }));
        Assert.That((await acme.ListVersionsAsync(Shared)).Select(v => v.Version), Is.EqualTo(new[] { "2.0" }), "its shadow stays its own");
    }

    [Test]
    public async Task A_disabled_tenants_writes_are_refused_with_an_error_naming_the_tenant_and_nothing_is_written()
    {
        var (db, global, acme, _) = await OwnSeededAsync();
        await using var _db = db;
        await global.DisableTenantAsync("acme");
        var revision = await global.GetRevisionAsync();

        var publish = Assert.ThrowsAsync<CatalogOperationException>(() => acme.PublishAsync(GeneratedTools.Create(9, capabilities: 1, patterns: 1)));
        var import = Assert.ThrowsAsync<CatalogOperationException>(() => acme.ImportAsync([GeneratedTools.Create(9, capabilities: 1, patterns: 1)]));
        var hide = Assert.ThrowsAsync<CatalogOperationException>(() => acme.DisableGlobalToolAsync(Other));
        var unknown = Assert.ThrowsAsync<CatalogOperationException>(() => global.ForTenant("nobody").PublishAsync(GeneratedTools.Create(9, capabilities: 1, patterns: 1)));

        Assert.That(publish!.Message, Does.Contain("Tenant 'acme' is disabled").And.Contain("Nothing was written"));
        Assert.That(import!.Message, Does.Contain("Tenant 'acme' is disabled"));
        Assert.That(hide!.Message, Does.Contain("Tenant 'acme' is disabled"));
        Assert.That(unknown!.Message, Does.Contain("no tenant 'nobody'"));
        Assert.That(await global.GetRevisionAsync(), Is.EqualTo(revision));
        Assert.That(await NamesAsync(acme), Is.EqualTo(new[] { "acme-tool 1.0", $"{Shared} 2.0", $"{Other} 1.0" }), "a disabled tenant still reads");
    }

    [Test]
    public async Task A_tenants_bulk_import_and_per_tool_import_write_its_own_rows_tagged_with_it()
    {
        var (db, global, acme, globex) = await OwnSeededAsync();
        await using var _db = db;

        var bulk = await acme.ImportAsync(GeneratedTools.CreateMany(3, capabilities: 1, patterns: 1, prefix: "bulk"));
        var perTool = await globex.ImportAsync([GeneratedTools.Create(1, capabilities: 1, patterns: 1, version: "3.0")], new ImportOptions { Mode = ImportMode.PerTool });

        await using var connection = await db.DataSource.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string, string?)>(
            "SELECT tool_name, tenant_id FROM tool_catalog.tools WHERE tool_name LIKE 'bulk%' OR version = '3.0' ORDER BY tool_name")).ToList();
        var feed = (await connection.QueryAsync<(string, string?)>(
            "SELECT tool_name, tenant_id FROM tool_catalog.catalog_changes WHERE revision IN (@A, @B) ORDER BY tool_name", new { A = bulk.Revision, B = perTool.Revision })).ToList();
        var audit = (await connection.QueryAsync<string?>(
            "SELECT DISTINCT tenant_id FROM tool_catalog.tool_audit_log WHERE revision IN (@A, @B) ORDER BY 1", new { A = bulk.Revision, B = perTool.Revision })).ToList();

        Assert.That(rows, Is.EqualTo(new[] { ("bulk-00000", "acme"), ("bulk-00001", "acme"), ("bulk-00002", "acme"), (Other, "globex") }));
        Assert.That(feed, Is.EqualTo(new[] { ("bulk-00000", "acme"), ("bulk-00001", "acme"), ("bulk-00002", "acme"), (Other, "globex") }));
        Assert.That(audit, Is.EqualTo(new[] { "acme", "globex" }));
        Assert.That(await NamesAsync(global), Is.EqualTo(new[] { $"{Shared} 1.0", $"{Other} 1.0" }));
        Assert.That((await global.VerifyAuditChainAsync()).IsIntact, Is.True, "tenant rows chain into the one audit chain");
    }

    [Test]
    public async Task A_tenants_write_notifies_with_the_tenant_and_the_global_change_feed_does_not_offer_it()
    {
        var (db, global, acme, _) = await OwnSeededAsync();
        await using var _db = db;
        var before = await global.GetRevisionAsync();
        await using var notices = await NotificationRecorder.StartAsync(db);

        var written = await acme.PublishAsync(GeneratedTools.Create(7, capabilities: 1, patterns: 1, version: "1.1") with { Name = "acme-tool" });
        var tenantNotice = await notices.NextAsync();
        await global.DisableAsync(Other);
        var globalNotice = await notices.NextAsync();
        var globalFeed = await global.LoadChangesSinceAsync(before);
        var acmeFeed = await acme.LoadChangesSinceAsync(before);

        Assert.That((tenantNotice.Revision, tenantNotice.Tenant, tenantNotice.Tools), Is.EqualTo((written.Revision, "acme", new[] { "acme-tool" })));
        Assert.That(globalNotice.Tenant, Is.Null);
        Assert.That(globalFeed.Changes.Select(c => c.Name), Is.EqualTo(new[] { Other }));
        Assert.That(acmeFeed.Changes.Select(c => (c.Name, c.Current?.Definition.Version)), Is.EqualTo(new[] { ("acme-tool", (string?)"1.1"), (Other, "1.0") }));
    }

    [Test]
    public async Task A_scoped_store_refuses_the_global_administrators_operations_naming_the_tenant()
    {
        var (_, _, acme, _) = ReadOnlySeeded();

        var tenants = Assert.ThrowsAsync<CatalogOperationException>(() => acme.ListTenantsAsync());
        var hardDelete = Assert.ThrowsAsync<CatalogOperationException>(() => acme.DeleteAsync("acme-tool", new DeleteOptions { Hard = true }));
        var verify = Assert.ThrowsAsync<CatalogOperationException>(() => acme.VerifyAuditChainAsync());

        Assert.That(tenants!.Message, Does.Contain("ListTenants").And.Contain("'acme'"));
        Assert.That(hardDelete!.Message, Does.Contain("'acme'"));
        Assert.That(verify!.Message, Does.Contain("VerifyAuditChain"));
        Assert.That(await acme.GetAsync("acme-tool"), Is.Not.Null);
        Assert.Throws<InvalidOperationException>(() => acme.ForTenant("globex"));
        Assert.Throws<ArgumentException>(() => acme.ForTenant("Not A Label"));
    }
}
