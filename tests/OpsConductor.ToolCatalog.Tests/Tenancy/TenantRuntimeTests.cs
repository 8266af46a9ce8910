using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Runtime;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Tenancy;

/// <summary>A runtime that serves one tenant (<see cref="ToolCatalogOptions.Tenant"/>): its snapshot is the global catalog
/// overlaid with the tenant's tools, and it follows both the tenant's changes and the global ones by hot reload.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class TenantRuntimeTests
{
    private const string Shared = "gen-tool-00000";
    private const string Hidden = "gen-tool-00001";

    private static async Task<TestDatabase> SeededAsync()
    {
        var db = await TestDatabase.CreateAsync();
        var global = db.CreateStore();
        await global.CreateAsync(GeneratedTools.Create(0, capabilities: 1, patterns: 1));
        await global.CreateAsync(GeneratedTools.Create(1, capabilities: 1, patterns: 1));
        await global.CreateTenantAsync("acme", "Acme");
        await global.CreateTenantAsync("globex", "Globex");
        var acme = global.ForTenant("acme");
        await acme.PublishAsync(GeneratedTools.Create(0, capabilities: 1, patterns: 1, version: "2.0"));
        await acme.DisableGlobalToolAsync(Hidden);
        return db;
    }

    private static ToolSelectionResult Select(CatalogSnapshot snapshot) =>
        new ToolSelector().Select(snapshot, new SelectionRequest { Capabilities = ["capability_0"] });

    [Test]
    public async Task Selection_in_a_tenants_catalog_picks_its_shadow_and_never_a_global_tool_it_disabled()
    {
        await using var db = await SeededAsync();
        await using var acme = await RuntimeHarness.StartAsync(db, o => o.Tenant = "acme");
        await using var global = await RuntimeHarness.StartAsync(db);

        Assert.That(acme.Current.FindTool(Shared)!.Definition.Version, Is.EqualTo("2.0"));
        Assert.That(acme.Current.FindTool(Hidden), Is.Null);
        Assert.That(acme.Current.PatternsFor("capability_0").ToArray().Select(p => $"{p.ToolName} {p.Tool.Definition.Version}"), Is.EqualTo(new[] { $"{Shared} 2.0" }));
        Assert.That(Select(acme.Current).Version, Is.EqualTo("2.0"));
        Assert.That(global.Current.Tools.Select(t => $"{t.Definition.Name} {t.Definition.Version}"), Is.EqualTo(new[] { $"{Shared} 1.0", $"{Hidden} 1.0" }),
            "a runtime without a tenant serves the global catalog as before");
    }

    [Test]
    public async Task A_tenants_runtime_inherits_a_later_global_change_and_follows_its_own_changes_by_hot_reload()
    {
        await using var db = await SeededAsync();
        var store = db.CreateStore();
        await using var acme = await RuntimeHarness.StartAsync(db, o => o.Tenant = "acme");

        var added = await store.CreateAsync(GeneratedTools.Create(2, capabilities: 1, patterns: 1));
        await store.PublishAsync(GeneratedTools.Create(0, capabilities: 1, patterns: 1, version: "1.1"));
        var inherited = await acme.ReachAsync(added.Revision + 1);
        var own = await store.ForTenant("acme").PublishAsync(GeneratedTools.Create(0, capabilities: 1, patterns: 1, version: "2.1"));
        var reloaded = await acme.ReachAsync(own.Revision);
        var other = await store.ForTenant("globex").CreateAsync(GeneratedTools.Create(5, capabilities: 1, patterns: 1) with { Name = "globex-tool" });
        var afterOther = await acme.ReachAsync(other.Revision);

        Assert.That(inherited.FindTool("gen-tool-00002"), Is.Not.Null, "a global tool added later reaches the tenant");
        Assert.That(inherited.FindTool(Shared)!.Definition.Version, Is.EqualTo("2.0"), "the global 1.1 does not replace acme's shadow");
        Assert.That(reloaded.FindTool(Shared)!.Definition.Version, Is.EqualTo("2.1"));
        Assert.That(afterOther.FindTool("globex-tool"), Is.Null, "another tenant's change never reaches acme");
        Assert.That(afterOther.Tools.Select(t => t.Definition.Name), Is.EqualTo(new[] { Shared, "gen-tool-00002" }));
    }
}
