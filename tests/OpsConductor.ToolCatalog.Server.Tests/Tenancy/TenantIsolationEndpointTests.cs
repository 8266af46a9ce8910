using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Server.Tests.Writes;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Tenancy;

/// <summary>
/// The isolation matrix through the API with real API keys: a key bound to tenant acme sees the global catalog and acme's
/// overlay, never globex's tools by any route, writes only acme's overlay, and is refused the global catalog's own data;
/// a key without a tenant (a global admin) manages the global catalog.
/// </summary>
[TestFixture]
public sealed class TenantIsolationEndpointTests
{
    private const string Global = "shared-tool";
    private const string AcmeOnly = "acme-only";
    private const string GlobexOnly = "globex-only";

    private ServerHost _host = null!;
    private HttpClient _acmeAdmin = null!;
    private HttpClient _acmeViewer = null!;
    private HttpClient _globalAdmin = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = await ServerHost.StartAsync(static h => h.UseRealSignIn());
        var store = _host.Store;
        await store.CreateAsync(GeneratedTools.Create(0, capabilities: 1, patterns: 1) with { Name = Global });
        await store.CreateTenantAsync("acme", "Acme");
        await store.CreateTenantAsync("globex", "Globex");
        await store.ForTenant("acme").CreateAsync(GeneratedTools.Create(1, capabilities: 1, patterns: 1) with { Name = AcmeOnly });
        await store.ForTenant("globex").CreateAsync(GeneratedTools.Create(2, capabilities: 1, patterns: 1) with { Name = GlobexOnly });
        var keys = _host.Services.GetRequiredService<ApiKeyStore>();
        _acmeAdmin = _host.ClientWithKey((await keys.CreateForTenantAsync("acme-admin", ToolCatalogRoles.Admin, null, "acme", "test")).Key);
        _acmeViewer = _host.ClientWithKey((await keys.CreateForTenantAsync("acme-viewer", ToolCatalogRoles.Viewer, null, "acme", "test")).Key);
        _globalAdmin = _host.ClientWithKey((await keys.CreateAsync("global-admin", ToolCatalogRoles.Admin, null, "test")).Key);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        _acmeAdmin.Dispose();
        _acmeViewer.Dispose();
        _globalAdmin.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task A_tenant_key_lists_the_global_catalog_and_its_own_tools_but_never_another_tenants()
    {
        var listed = await _acmeViewer.GetStringAsync("/api/v1/tools?limit=100");
        var searched = await _acmeViewer.GetStringAsync("/api/v1/tools/search?q=only");
        var catalog = await _acmeViewer.GetStringAsync("/api/v1/catalog");

        Assert.Multiple(() =>
        {
            Assert.That(listed, Does.Contain(Global).And.Contain(AcmeOnly).And.Not.Contain(GlobexOnly));
            Assert.That(searched, Does.Contain(AcmeOnly).And.Not.Contain(GlobexOnly));
            Assert.That(catalog, Does.Contain(AcmeOnly).And.Not.Contain(GlobexOnly));
        });
    }

    [TestCase("/api/v1/tools/" + GlobexOnly)]
    [TestCase("/api/v1/tools/" + GlobexOnly + "/versions")]
    [TestCase("/api/v1/tools/" + GlobexOnly + "/versions/1.0")]
    public async Task A_tenant_key_does_not_find_another_tenants_tool(string path)
    {
        using var response = await _acmeViewer.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_tenant_keys_audit_export_and_selection_hold_nothing_of_another_tenant()
    {
        var audit = await _acmeViewer.GetStringAsync("/api/v1/audit?limit=100");
        using var export = await _acmeViewer.PostAsync("/api/v1/tools/export", null);
        var exported = await export.Content.ReadAsStringAsync();
        using var select = await _acmeViewer.PostAsJsonAsync("/api/v1/select", new { capability = "capability_0", explain = true });
        var selected = await select.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(audit, Does.Contain(AcmeOnly).And.Not.Contain(GlobexOnly));
            Assert.That(export.StatusCode, Is.EqualTo(HttpStatusCode.OK), exported);
            Assert.That(exported, Does.Contain(AcmeOnly).And.Not.Contain(GlobexOnly).And.Not.Contain(Global), "an export holds the tenant's overlay only");
            Assert.That(select.StatusCode, Is.EqualTo(HttpStatusCode.OK), selected);
            Assert.That(selected, Does.Not.Contain(GlobexOnly));
        });
    }

    [TestCase("DELETE", "/api/v1/tools/" + GlobexOnly)]
    [TestCase("PATCH", "/api/v1/tools/" + GlobexOnly + "/disable")]
    [TestCase("POST", "/api/v1/tools/" + GlobexOnly + "/deprecate")]
    public async Task A_tenant_admin_cannot_change_another_tenants_tool(string method, string path)
    {
        using var response = await _acmeAdmin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var globex = await _host.Store.ForTenant("globex").GetAsync(GlobexOnly);
        Assert.That((globex!.Definition.Status, globex.Definition.Enabled, globex.DeletedAt), Is.EqualTo((ToolStatus.Active, true, (DateTimeOffset?)null)), "globex's tool is untouched");
    }

    [Test]
    public async Task A_tenant_admin_cannot_change_a_global_tool_but_a_global_admin_can()
    {
        using var refused = await _acmeAdmin.PostAsync($"/api/v1/tools/{Global}/deprecate", null);
        var afterRefusal = await _host.Store.GetAsync(Global);
        using var allowed = await _globalAdmin.PatchAsync($"/api/v1/tools/{Global}/disable", null);
        var afterGlobal = await _host.Store.GetAsync(Global);
        using var enabled = await _globalAdmin.PatchAsync($"/api/v1/tools/{Global}/enable", null);

        Assert.Multiple(async () =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("global catalog"));
            Assert.That(afterRefusal!.Definition.Status, Is.EqualTo(ToolStatus.Active));
            Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(afterGlobal!.Definition.Enabled, Is.False);
            Assert.That(enabled.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task A_tenant_admins_write_lands_in_its_overlay_only()
    {
        using var response = await _acmeAdmin.PostAsync("/api/v1/tools", WriteRequests.Json(GeneratedTools.Create(3, capabilities: 1, patterns: 1) with { Name = "acme-written" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        Assert.Multiple(async () =>
        {
            Assert.That(await _host.Store.ForTenant("acme").GetAsync("acme-written"), Is.Not.Null);
            Assert.That(await _host.Store.GetAsync("acme-written"), Is.Null, "not in the global catalog");
            Assert.That(await _host.Store.ForTenant("globex").GetAsync("acme-written"), Is.Null, "not in another tenant's");
        });
    }

    [TestCase("GET", "/api/v1/telemetry/report")]
    [TestCase("GET", "/api/v1/experiments")]
    [TestCase("POST", "/api/v1/replay")]
    public async Task A_tenant_key_is_refused_the_global_catalogs_own_data_with_a_problem_naming_the_rule(string method, string path)
    {
        using var response = await _acmeAdmin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("tenant 'acme'").And.Contain("global"));
    }
}
