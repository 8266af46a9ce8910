using Dapper;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Runtime;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Tenancy;

/// <summary>
/// One runtime of the global catalog serving many tenants (<see cref="IToolCatalog.ForTenant"/>): each tenant's view shares
/// the global snapshot, lays its overlay over it, equals what a runtime of that one tenant serves, and follows the global
/// changes and its own over the runtime's one listening connection.
/// </summary>
/// <remarks>The tests that write nothing (they start runtimes and read) share one seeded database of the fixture's;
/// every test that writes seeds a database of its own.</remarks>
[Parallelizable(ParallelScope.All)]
public sealed class TenantViewTests
{
    private const string Shadowed = "gen-tool-00000";
    private const string Hidden = "gen-tool-00001";
    private const string Inherited = "gen-tool-00002";

    private TestDatabase _readOnly = null!;

    [OneTimeSetUp]
    public async Task SeedShared() => _readOnly = await SeededAsync();

    [OneTimeTearDown]
    public async Task DropShared() => await _readOnly.DisposeAsync();

    /// <summary>Global tools 0–3 (capability_0 and capability_1); acme shadows tool 0, disables tool 1 and adds acme-tool;
    /// globex adds globex-tool.</summary>
    private static async Task<TestDatabase> SeededAsync()
    {
        var db = await TestDatabase.CreateAsync();
        var global = db.CreateStore();
        for (var i = 0; i < 4; i++)
        {
            await global.CreateAsync(GeneratedTools.Create(i, capabilities: 2, patterns: 2));
        }

        await global.CreateTenantAsync("acme", "Acme");
        await global.CreateTenantAsync("globex", "Globex");
        var acme = global.ForTenant("acme");
        await acme.PublishAsync(GeneratedTools.Create(0, capabilities: 2, patterns: 2, version: "2.0"));
        await acme.DisableGlobalToolAsync(Hidden);
        await acme.CreateAsync(GeneratedTools.Create(7, capabilities: 1, patterns: 2) with { Name = "acme-tool" });
        await global.ForTenant("globex").CreateAsync(GeneratedTools.Create(8, capabilities: 2, patterns: 1) with { Name = "globex-tool" });
        return db;
    }

    private static string[] Shape(CatalogSnapshot snapshot) =>
    [
        .. snapshot.Tools.Select(t => $"{t.Definition.Name} {t.Definition.Version}"),
        $"count {snapshot.ToolCount}",
        .. snapshot.CapabilityNames.Order(StringComparer.Ordinal).Select(c =>
            $"{c}: {string.Join(", ", snapshot.PatternsFor(c).ToArray().Select(p => $"{p.ToolName} {p.Tool.Definition.Version} {p.PatternName}"))}"),
    ];

    private static string Selected(CatalogSnapshot snapshot, string capability, string? query = null)
    {
        var result = new ToolSelector().Select(snapshot, new SelectionRequest { Capabilities = [capability], Query = query });
        return $"{result.ToolName} {result.Version} {result.Winner.Candidate.Pattern.PatternName}";
    }

    [Test]
    public async Task A_tenants_view_serves_what_a_runtime_of_that_tenant_serves_own_tools_shadows_disabled_globals_and_inherited_ones()
    {
        var db = _readOnly;
        await using var one = await RuntimeHarness.StartAsync(db, o => o.Tenant = "acme");
        await using var global = await RuntimeHarness.StartAsync(db);
        var view = await global.Catalog.ForTenantAsync("acme");

        Assert.That(Shape(view.Current), Is.EqualTo(Shape(one.Current)));
        Assert.That(view.Current.FindTool(Shadowed)!.Definition.Version, Is.EqualTo("2.0"));
        Assert.That(view.Current.FindTool(Hidden), Is.Null);
        Assert.That(view.Current.TryGetTool(Hidden, out _), Is.False);
        Assert.That(view.Current.FindTool("acme-tool"), Is.Not.Null);
        Assert.That(view.Current.FindTool("globex-tool"), Is.Null);
        foreach (var capability in new[] { "capability_0", "capability_1" })
        {
            Assert.That(Selected(view.Current, capability), Is.EqualTo(Selected(one.Current, capability)), capability);
            Assert.That(Selected(view.Current, capability, "gen tool 3 capability"), Is.EqualTo(Selected(one.Current, capability, "gen tool 3 capability")), capability + " with a query");
        }

        Assert.That(view.Revision, Is.EqualTo(one.Catalog.Revision));
        Assert.That(global.Current.FindTool(Shadowed)!.Definition.Version, Is.EqualTo("1.0"), "the global catalog is untouched");
    }

    [Test]
    public async Task A_view_shares_the_global_snapshot_and_keeps_its_compiled_overlay_across_a_global_change()
    {
        await using var db = await SeededAsync();
        await using var global = await RuntimeHarness.StartAsync(db);
        var view = await global.Catalog.ForTenantAsync("acme");
        var ownBefore = view.Current.FindTool("acme-tool");

        Assert.That(view.Current.FindTool(Inherited), Is.SameAs(global.Current.FindTool(Inherited)), "an inherited tool is the global snapshot's own object");
        Assert.That(view.Current.PatternsFor("capability_1").ToArray().Any(p => p.ToolName == "acme-tool"), Is.False);

        var change = await db.CreateStore().CreateAsync(GeneratedTools.Create(5, capabilities: 2, patterns: 2));
        var after = await view.WaitForRevisionAsync(change.Revision).WaitAsync(RuntimeHarness.Patience);

        Assert.That(after.FindTool("gen-tool-00005"), Is.SameAs(global.Current.FindTool("gen-tool-00005")));
        Assert.That(after.FindTool("acme-tool"), Is.SameAs(ownBefore), "the tenant's compiled tools are kept across a global change");
    }

    [Test]
    public async Task A_global_change_that_touches_nothing_of_the_overlay_still_shows_in_the_view_as_in_a_one_tenant_runtime()
    {
        await using var db = await SeededAsync();
        await using var one = await RuntimeHarness.StartAsync(db, o => o.Tenant = "acme");
        await using var global = await RuntimeHarness.StartAsync(db);
        var view = await global.Catalog.ForTenantAsync("acme");
        var store = db.CreateStore();

        var added = await store.CreateAsync(RuntimeHarness.Tool("elsewhere", capability: "other_capability"));
        var removed = await store.DeleteAsync(Inherited);
        var seen = await view.WaitForRevisionAsync(Math.Max(added.Revision, removed.Revision)).WaitAsync(RuntimeHarness.Patience);
        var expected = await one.ReachAsync(Math.Max(added.Revision, removed.Revision));

        Assert.That(Shape(seen), Is.EqualTo(Shape(expected)));
        Assert.That(seen.PatternsFor("other_capability").ToArray().Select(p => p.ToolName), Is.EqualTo(new[] { "elsewhere" }));
    }

    [Test]
    public async Task A_global_change_reaches_every_view_and_a_tenants_change_reaches_its_view_only()
    {
        await using var db = await SeededAsync();
        var store = db.CreateStore();
        await using var global = await RuntimeHarness.StartAsync(db, o => o.LoadTenantsAtStart = true);
        var acme = global.Catalog.ForTenant("acme");
        var globex = global.Catalog.ForTenant("globex");

        var added = await store.CreateAsync(GeneratedTools.Create(5, capabilities: 1, patterns: 1));
        var acmeAfterGlobal = await acme.WaitForRevisionAsync(added.Revision).WaitAsync(RuntimeHarness.Patience);
        var globexAfterGlobal = await globex.WaitForRevisionAsync(added.Revision).WaitAsync(RuntimeHarness.Patience);
        var globexBefore = globex.Current;

        var own = await store.ForTenant("acme").PublishAsync(GeneratedTools.Create(5, capabilities: 1, patterns: 1, version: "9.0"));
        var acmeAfterOwn = await acme.WaitForRevisionAsync(own.Revision).WaitAsync(RuntimeHarness.Patience);
        var globexAfterAcme = await globex.WaitForRevisionAsync(own.Revision).WaitAsync(RuntimeHarness.Patience);

        Assert.That(acmeAfterGlobal.FindTool("gen-tool-00005")!.Definition.Version, Is.EqualTo("1.0"));
        Assert.That(globexAfterGlobal.FindTool("gen-tool-00005")!.Definition.Version, Is.EqualTo("1.0"));
        Assert.That(acmeAfterOwn.FindTool("gen-tool-00005")!.Definition.Version, Is.EqualTo("9.0"), "acme's shadow reached acme's view");
        Assert.That(globexAfterAcme.FindTool("gen-tool-00005")!.Definition.Version, Is.EqualTo("1.0"), "acme's shadow never reaches globex");
        Assert.That(Shape(globexAfterAcme), Is.EqualTo(Shape(globexBefore)), "globex's view is unchanged by acme's write");
        Assert.That(global.Current.FindTool("gen-tool-00005")!.Definition.Version, Is.EqualTo("1.0"));
    }

    [Test]
    public async Task A_view_never_shows_another_tenants_tools_by_lookup_listing_capability_or_selection()
    {
        var db = _readOnly;
        await using var global = await RuntimeHarness.StartAsync(db, o => o.LoadTenantsAtStart = true);
        var acme = global.Catalog.ForTenant("acme").Current;
        var globex = global.Catalog.ForTenant("globex").Current;

        Assert.That(acme.Tools.Select(t => t.Name), Does.Not.Contain("globex-tool"));
        Assert.That(globex.Tools.Select(t => t.Name), Does.Not.Contain("acme-tool"));
        Assert.That(globex.FindTool("acme-tool"), Is.Null);
        Assert.That(globex.FindTool(Shadowed)!.Definition.Version, Is.EqualTo("1.0"), "acme's shadow is acme's only");
        Assert.That(globex.FindTool(Hidden), Is.Not.Null, "acme's disabled global tool is still globex's");
        foreach (var capability in acme.CapabilityNames.Concat(globex.CapabilityNames).Distinct())
        {
            Assert.That(acme.PatternsFor(capability).ToArray().Select(p => p.ToolName), Does.Not.Contain("globex-tool"));
            Assert.That(globex.PatternsFor(capability).ToArray().Select(p => p.ToolName), Does.Not.Contain("acme-tool"));
        }

        Assert.That(Selected(globex, "capability_0", "acme tool 7"), Does.Not.StartWith("acme-tool"));
    }

    [Test]
    public async Task Fifty_views_share_the_runtimes_one_listening_connection()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.CreateAsync(GeneratedTools.Create(0, capabilities: 1, patterns: 1));
        for (var i = 0; i < 50; i++)
        {
            await store.CreateTenantAsync($"t{i:00}", $"Tenant {i}");
        }

        var application = $"tview-{Guid.NewGuid():N}"[..20];
        await using var global = await RuntimeHarness.StartAsync(db, o =>
        {
            o.LoadTenantsAtStart = true;
            o.ListenerApplicationName = application;
        });
        var views = Enumerable.Range(0, 50).Select(i => global.Catalog.ForTenant($"t{i:00}")).ToList();
        var written = await store.ForTenant("t07").CreateAsync(GeneratedTools.Create(1, capabilities: 1, patterns: 1) with { Name = "t07-tool" });
        var t07 = await views[7].WaitForRevisionAsync(written.Revision).WaitAsync(RuntimeHarness.Patience);

        await using var connection = await db.DataSource.OpenConnectionAsync();
        var listeners = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @application", new { application });
        Assert.That(global.Catalog.TenantViewCount, Is.EqualTo(50));
        Assert.That(listeners, Is.EqualTo(1));
        Assert.That(t07.FindTool("t07-tool"), Is.Not.Null);
        Assert.That(views.Where((_, i) => i != 7).Select(v => v.Current.FindTool("t07-tool")), Is.All.Null);
    }

    [Test]
    public async Task A_tenants_change_hot_reloads_its_view_and_raises_its_Changed_signal()
    {
        await using var db = await SeededAsync();
        await using var global = await RuntimeHarness.StartAsync(db, o => o.LoadTenantsAtStart = true);
        var acme = global.Catalog.ForTenant("acme");
        var globex = global.Catalog.ForTenant("globex");
        var acmeChanges = System.Threading.Channels.Channel.CreateUnbounded<CatalogChangedEventArgs>();
        var globexChanges = System.Threading.Channels.Channel.CreateUnbounded<CatalogChangedEventArgs>();
        acme.Changed += (_, e) => acmeChanges.Writer.TryWrite(e);
        globex.Changed += (_, e) => globexChanges.Writer.TryWrite(e);

        await db.CreateStore().ForTenant("acme").DisableAsync("acme-tool");
        using var timeout = new CancellationTokenSource(RuntimeHarness.Patience);
        CatalogChangedEventArgs change;
        do
        {
            change = await acmeChanges.Reader.ReadAsync(timeout.Token);
        }
        while (change.Changes.Count == 0);

        Assert.That(change.Changes.Select(c => $"{c.Name} {c.Kind}"), Is.EqualTo(new[] { "acme-tool Disabled" }));
        Assert.That(change.Current.FindTool("acme-tool")!.IsSelectable, Is.False);
        Assert.That(change.Current.PatternsFor("capability_0").ToArray().Select(p => p.ToolName), Does.Not.Contain("acme-tool"));
        var globexSaw = new List<CatalogChangedEventArgs>();
        while (globexChanges.Reader.TryRead(out var seen))
        {
            globexSaw.Add(seen);
        }

        Assert.That(globexSaw.SelectMany(e => e.Changes), Is.Empty, "globex's view saw no change of a tool");
    }

    [Test]
    public async Task A_views_revision_waits_for_its_overlay_while_a_change_of_its_tenant_is_pending()
    {
        await using var db = await SeededAsync();
        await using var global = await RuntimeHarness.StartAsync(db, o => o.LoadTenantsAtStart = true);
        var acme = global.Catalog.ForTenant("acme");
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        global.Catalog.BeforeOverlayReload = async (_, ct) =>
        {
            held.TrySetResult();
            await hold.Task.WaitAsync(ct);
        };

        var write = await db.CreateStore().ForTenant("acme").PublishAsync(GeneratedTools.Create(2, capabilities: 2, patterns: 2, version: "3.0"));
        await global.ReachAsync(write.Revision);
        await held.Task.WaitAsync(RuntimeHarness.Patience);
        var waiting = acme.WaitForRevisionAsync(write.Revision);

        Assert.That(global.Catalog.Revision, Is.GreaterThanOrEqualTo(write.Revision), "the global snapshot reached the tenant's write");
        Assert.That(acme.Revision, Is.LessThan(write.Revision), "the view is not current up to a change its overlay does not hold");
        Assert.That(acme.Current.FindTool(Inherited)!.Definition.Version, Is.EqualTo("1.0"));
        Assert.That(waiting.IsCompleted, Is.False);

        hold.SetResult();
        var reached = await waiting.WaitAsync(RuntimeHarness.Patience);
        Assert.That(reached.FindTool(Inherited)!.Definition.Version, Is.EqualTo("3.0"));
    }

    [Test]
    public async Task A_lost_notice_of_a_tenant_is_caught_up_by_the_next_catch_up()
    {
        await using var db = await SeededAsync();
        await using var global = await RuntimeHarness.StartAsync(db, o => o.LoadTenantsAtStart = true);
        var acme = global.Catalog.ForTenant("acme");
        global.Catalog.NotificationFilter = n => n.Tenant is null;

        var write = await db.CreateStore().ForTenant("acme").CreateAsync(GeneratedTools.Create(9, capabilities: 1, patterns: 1) with { Name = "acme-late" });
        await global.Catalog.RefreshAsync();
        var reached = await acme.WaitForRevisionAsync(write.Revision).WaitAsync(RuntimeHarness.Patience);

        Assert.That(reached.FindTool("acme-late"), Is.Not.Null);
    }

    [Test]
    public async Task A_tenant_created_after_start_is_loaded_by_ForTenantAsync_and_unknown_or_disabled_tenants_are_refused_by_name()
    {
        await using var db = await SeededAsync();
        var store = db.CreateStore();
        await using var global = await RuntimeHarness.StartAsync(db, o => o.LoadTenantsAtStart = true);
        await store.CreateTenantAsync("initech", "Initech");
        await store.CreateTenantAsync("hooli", "Hooli");
        await store.DisableTenantAsync("hooli");

        var notLoaded = Assert.Throws<ToolCatalogException>(() => global.Catalog.ForTenant("initech"))!;
        var initech = await global.Catalog.ForTenantAsync("initech");
        var unknown = Assert.ThrowsAsync<ToolCatalogException>(() => global.Catalog.ForTenantAsync("nobody"))!;
        var disabled = Assert.ThrowsAsync<ToolCatalogException>(() => global.Catalog.ForTenantAsync("hooli"))!;

        Assert.That(notLoaded.Message, Does.Contain("'initech'").And.Contain("ForTenantAsync"));
        Assert.That(initech, Is.SameAs(global.Catalog.ForTenant("initech")));
        Assert.That(initech.Current.Tools.Select(t => t.Name), Is.EqualTo(global.Current.Tools.Select(t => t.Name)), "a tenant with no overlay sees the global catalog");
        Assert.That(unknown.Message, Does.Contain("no tenant 'nobody'"));
        Assert.That(disabled.Message, Does.Contain("'hooli' is disabled"));
    }

    [Test]
    public async Task A_tenant_refused_as_disabled_is_served_once_it_is_enabled_again()
    {
        await using var db = await SeededAsync();
        var store = db.CreateStore();
        await store.DisableTenantAsync("globex");
        await using var global = await RuntimeHarness.StartAsync(db);

        var refused = Assert.ThrowsAsync<ToolCatalogException>(() => global.Catalog.ForTenantAsync("globex"))!;
        await store.EnableTenantAsync("globex");
        var served = await global.Catalog.ForTenantAsync("globex");

        Assert.That(refused.Message, Does.Contain("'globex' is disabled"));
        Assert.That(served.Current.FindTool("globex-tool"), Is.Not.Null);
        Assert.That(global.Catalog.ForTenant("globex"), Is.SameAs(served));
    }

    [Test]
    public async Task ForTenant_is_refused_by_a_runtime_of_one_tenant_a_YAML_catalog_and_a_tenants_view_naming_the_reason()
    {
        var db = _readOnly;
        await using var one = await RuntimeHarness.StartAsync(db, o => o.Tenant = "acme");
        await using var global = await RuntimeHarness.StartAsync(db);
        var view = await global.Catalog.ForTenantAsync("acme");
        var yamlDirectory = Directory.CreateTempSubdirectory("tview-");
        try
        {
            await using var yaml = new ToolCatalogRuntime(new ToolCatalogOptions { Mode = CatalogMode.Yaml, YamlPath = yamlDirectory.FullName });

            var ofOne = Assert.Throws<ToolCatalogException>(() => one.Catalog.ForTenant("globex"))!;
            var ofYaml = Assert.Throws<ToolCatalogException>(() => yaml.ForTenant("acme"))!;
            var ofView = Assert.Throws<ToolCatalogException>(() => view.ForTenant("globex"))!;

            Assert.That(ofOne.Message, Does.Contain("serves tenant 'acme' only"));
            Assert.That(ofYaml.Message, Does.Contain("YAML"));
            Assert.That(ofView.Message, Does.Contain("tenant 'acme''s view"));
        }
        finally
        {
            yamlDirectory.Delete(recursive: true);
        }
    }
}
