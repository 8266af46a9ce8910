using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog tenants …</c> and <c>--tenant</c> on the catalog verbs, against a real test database.</summary>
/// <remarks>
/// The tests share one database holding two global tools, and each works in a tenant of its own. None may change
/// the global catalog: the test that reads it whole asserts it still holds just the two tools, unchanged, which a
/// write by another test would break, never satisfy.
/// </remarks>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class TenantsCommandTests
{
    private const string Shared = "gen-tool-00000";
    private const string Other = "gen-tool-00001";

    private static TestDatabase _db = null!;
    private static ToolCatalogStore _store = null!;

    [OneTimeSetUp]
    public static async Task CreateDatabase()
    {
        _db = await TestDatabase.CreateAsync();
        _store = _db.CreateStore();
        await _store.ImportAsync(GeneratedTools.CreateMany(2, capabilities: 1, patterns: 1));
    }

    [OneTimeTearDown]
    public static async Task DropDatabase() => await _db.DisposeAsync();

    private static Dictionary<string, string> Env => new() { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString };

    [Test]
    public async Task Tenants_are_created_listed_disabled_and_enabled_from_the_command_line()
    {
        var created = await CliHarness.RunAsync(Env, "tenants", "create", "acme", "--name", "Acme Inc");
        var disabled = await CliHarness.RunAsync(Env, "tenants", "disable", "acme");
        var listed = await CliHarness.RunAsync(Env, "tenants", "list");
        var enabled = await CliHarness.RunAsync(Env, "tenants", "enable", "acme");
        var twice = await CliHarness.RunAsync(Env, "tenants", "create", "acme");
        var badId = await CliHarness.RunAsync(Env, "tenants", "create", "Acme Inc");

        Assert.That(created.ExitCode, Is.EqualTo(0), created.Error);
        Assert.That(created.Output, Does.Contain("Created tenant 'acme' (Acme Inc)"));
        Assert.That(disabled.Output, Does.Contain("Tenant 'acme' is disabled."));
        var acmeRows = listed.Output.Split('\n').Where(l => l.Contains("acme", StringComparison.Ordinal)).ToList();
        Assert.That(acmeRows, Has.Count.EqualTo(1), listed.Output);
        Assert.That(acmeRows[0], Does.Contain("Acme Inc").And.Contain("disabled"), "acme's own row (other tests' tenants share the database)");
        Assert.That(enabled.Output, Does.Contain("Tenant 'acme' is active."));
        Assert.That(twice.ExitCode, Is.EqualTo(1));
        Assert.That(twice.Error, Does.Contain("exists already"));
        Assert.That(badId.ExitCode, Is.EqualTo(2));
        Assert.That(badId.Error, Does.Contain("'Acme Inc' is not a tenant id"));
    }

    [Test]
    public async Task The_catalog_verbs_with_tenant_import_list_show_export_and_change_the_tenants_overlay_only()
    {
        await _store.CreateTenantAsync("overlay", "Overlay");
        var globalFiles = CliTestData.NewFolder("tenant-global-export");
        var overlayFiles = CliTestData.NewFolder("tenant-overlay-export");
        await CliHarness.RunAsync(Env, "export", globalFiles);

        var imported = await CliHarness.RunAsync(Env, "import", globalFiles, "--tenant", "overlay");
        var hidden = await CliHarness.RunAsync(Env, "disable", Other, "--tenant", "overlay", "--global");
        var overlayList = await CliHarness.RunAsync(Env, "list", "--tenant", "overlay");
        var globalList = await CliHarness.RunAsync(Env, "list");
        var exported = await CliHarness.RunAsync(Env, "export", overlayFiles, "--tenant", "overlay");
        var selected = await CliHarness.RunAsync(Env, "select", "capability_0", "--tenant", "overlay");

        Assert.That(imported.ExitCode, Is.EqualTo(0), imported.Error + imported.Output);
        Assert.That(imported.Output, Does.Contain("2 tools: 2 new"));
        Assert.That(hidden.ExitCode, Is.EqualTo(0), hidden.Error);
        Assert.That(hidden.Output, Does.Contain($"Global tool {Other} 1.0 disabled for tenant overlay"));
        Assert.That(overlayList.Output, Does.Contain(Shared).And.Contain(Other), "overlay's own copy of the other tool is its shadow, which it still has");
        Assert.That(exported.ExitCode, Is.EqualTo(0), exported.Error);
        Assert.That(Directory.EnumerateFiles(overlayFiles, "*.yaml", SearchOption.AllDirectories).Count(), Is.EqualTo(2));
        Assert.That(selected.ExitCode, Is.EqualTo(0), selected.Error);
        Assert.That(await _store.ForTenant("overlay").ListDisabledGlobalToolsAsync(), Is.EqualTo(new[] { Other }));
        Assert.That((await _store.ExportAsync()).Count, Is.EqualTo(2), "the global catalog is unchanged");
        Assert.That(globalList.ExitCode, Is.EqualTo(0), globalList.Error);
    }

    [Test]
    public async Task A_tenant_changing_a_global_tool_fails_with_the_rule_and_a_bad_tenant_id_is_a_usage_error()
    {
        await _store.CreateTenantAsync("inheritor", "Inheritor");

        var rollback = await CliHarness.RunAsync(Env, "rollback", Shared, "--to", "1.0", "--tenant", "inheritor");
        var disable = await CliHarness.RunAsync(Env, "disable", Shared, "--tenant", "inheritor");
        var badId = await CliHarness.RunAsync(Env, "list", "--tenant", "Not-Valid!");
        var globalWithoutTenant = await CliHarness.RunAsync(Env, "disable", Shared, "--global");
        var show = await CliHarness.RunAsync(Env, "show", Shared, "--tenant", "inheritor");

        Assert.That(rollback.ExitCode, Is.EqualTo(1));
        Assert.That(disable.ExitCode, Is.EqualTo(1));
        Assert.That(disable.Error, Does.Contain("belongs to the global catalog").And.Contain("'inheritor'"));
        Assert.That(badId.ExitCode, Is.EqualTo(2));
        Assert.That(badId.Error, Does.Contain("--tenant 'Not-Valid!' is not a tenant id"));
        Assert.That(globalWithoutTenant.ExitCode, Is.EqualTo(2));
        Assert.That(show.ExitCode, Is.EqualTo(0), "inheritor inherits the global tool and reads it");
        Assert.That((await _store.GetAsync(Shared))!.Definition.Enabled, Is.True);
    }
}
