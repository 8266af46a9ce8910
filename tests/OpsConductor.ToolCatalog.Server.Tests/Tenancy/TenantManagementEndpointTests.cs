using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tenancy;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Tenancy;

/// <summary>
/// Tenant management through the API (<c>/tenants</c>) with real API keys: a global admin lists, reads, creates, disables
/// and enables tenants through the store methods the CLI uses; every other principal (a global viewer, and a tenant's
/// admin, owner or viewer) is refused, a tenant's admin with the problem naming the rule; a tenant principal reads its
/// own tenant at <c>GET /tenant</c>.
/// </summary>
[TestFixture]
public sealed class TenantManagementEndpointTests
{
    private ServerHost _host = null!;
    private readonly Dictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = await ServerHost.StartAsync(static h => h.UseRealSignIn());
        await _host.Store.CreateAsync(GeneratedTools.Create(0, capabilities: 1, patterns: 1) with { Name = "managed-global" });
        await _host.Store.CreateTenantAsync("acme", "Acme");
        var keys = _host.Services.GetRequiredService<ApiKeyStore>();
        _clients["global admin"] = _host.ClientWithKey((await keys.CreateAsync("global-admin", ToolCatalogRoles.Admin, null, "test")).Key);
        _clients["global viewer"] = _host.ClientWithKey((await keys.CreateAsync("global-viewer", ToolCatalogRoles.Viewer, null, "test")).Key);
        _clients["tenant admin"] = _host.ClientWithKey((await keys.CreateForTenantAsync("acme-admin", ToolCatalogRoles.Admin, null, "acme", "test")).Key);
        _clients["tenant owner"] = _host.ClientWithKey((await keys.CreateForTenantAsync("acme-owner", ToolCatalogRoles.Owner, ["managed-global"], "acme", "test")).Key);
        _clients["tenant viewer"] = _host.ClientWithKey((await keys.CreateForTenantAsync("acme-viewer", ToolCatalogRoles.Viewer, null, "acme", "test")).Key);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await _host.DisposeAsync();
    }

    [Test]
    public async Task A_global_admin_creates_reads_lists_disables_and_enables_a_tenant_as_the_cli_does()
    {
        var admin = _clients["global admin"];

        using var created = await admin.PostAsJsonAsync("/api/v1/tenants", new { id = "initech", name = "Initech" });
        var createdBody = await created.Content.ReadFromJsonAsync<JsonElement>();
        var read = await admin.GetFromJsonAsync<JsonElement>("/api/v1/tenants/initech");
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/tenants?limit=500");
        using var disabled = await admin.PatchAsync("/api/v1/tenants/initech/disable", null);
        var afterDisable = (await _host.Store.ListTenantsAsync()).Single(t => t.Id == "initech");
        using var enabled = await admin.PatchAsync("/api/v1/tenants/initech/enable", null);
        var afterEnable = (await _host.Store.ListTenantsAsync()).Single(t => t.Id == "initech");

        Assert.Multiple(async () =>
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), createdBody.ToString());
            Assert.That(created.Headers.Location?.ToString(), Is.EqualTo("/api/v1/tenants/initech"));
            Assert.That(createdBody.GetProperty("name").GetString(), Is.EqualTo("Initech"));
            Assert.That(createdBody.GetProperty("state").GetString(), Is.EqualTo("active"));
            Assert.That(createdBody.GetProperty("created_by").GetString(), Is.EqualTo("key:global-admin"), "recorded as the CLI records its actor");
            Assert.That(read.GetProperty("id").GetString(), Is.EqualTo("initech"));
            Assert.That(listed.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()), Does.Contain("acme").And.Contain("initech"));
            Assert.That(disabled.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString(), Is.EqualTo("disabled"));
            Assert.That(afterDisable.State, Is.EqualTo(TenantState.Disabled));
            Assert.That(enabled.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(afterEnable.State, Is.EqualTo(TenantState.Active));
        });
    }

    [Test]
    public async Task The_tenant_list_pages_by_id_with_a_cursor()
    {
        var admin = _clients["global admin"];
        foreach (var id in new[] { "page-a", "page-b", "page-c" })
        {
            await _host.Store.CreateTenantAsync(id, id);
        }

        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/tenants?limit=1" + (cursor is null ? "" : "&cursor=" + cursor));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.That(ids, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal).And.Unique.And.SupersetOf(new[] { "acme", "page-a", "page-b", "page-c" }));
    }

    [TestCase("global viewer")]
    [TestCase("tenant admin")]
    [TestCase("tenant owner")]
    [TestCase("tenant viewer")]
    public async Task Anyone_but_a_global_admin_is_refused_every_tenant_endpoint_and_nothing_changes(string who)
    {
        var client = _clients[who];
        var before = await _host.Store.ListTenantsAsync();

        using var list = await client.GetAsync("/api/v1/tenants");
        using var get = await client.GetAsync("/api/v1/tenants/acme");
        using var create = await client.PostAsJsonAsync("/api/v1/tenants", new { id = "refused-" + who.Replace(' ', '-'), name = "x" });
        using var disable = await client.PatchAsync("/api/v1/tenants/acme/disable", null);
        using var enable = await client.PatchAsync("/api/v1/tenants/acme/enable", null);

        Assert.That(new[] { list, get, create, disable, enable }.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await _host.Store.ListTenantsAsync(), Is.EqualTo(before), "nothing was created, disabled or enabled");
    }

    [Test]
    public async Task A_tenant_admin_is_refused_with_the_problem_naming_the_rule()
    {
        using var response = await _clients["tenant admin"].PostAsJsonAsync("/api/v1/tenants", new { id = "by-tenant", name = "x" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("#problem-tenant-global-only"));
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("tenant 'acme'").And.Contain("tenants are managed by the global catalog's admins"));
        });
    }

    [TestCase("Bad_Id")]
    [TestCase("-acme")]
    [TestCase("a.b")]
    public async Task An_id_that_is_not_a_tenant_id_is_a_400_naming_the_rule_and_nothing_is_written(string id)
    {
        var admin = _clients["global admin"];

        using var create = await admin.PostAsJsonAsync("/api/v1/tenants", new { id, name = "x" });
        using var get = await admin.GetAsync("/api/v1/tenants/" + Uri.EscapeDataString(id));
        using var disable = await admin.PatchAsync("/api/v1/tenants/" + Uri.EscapeDataString(id) + "/disable", null);

        foreach (var response in new[] { create, get, disable })
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(TenantId.Rule));
            Assert.That(problem.GetProperty("field").GetString(), Is.EqualTo("id"));
        }

        Assert.That((await _host.Store.ListTenantsAsync()).Select(t => t.Id), Does.Not.Contain(id));
    }

    [Test]
    public async Task A_missing_id_or_a_blank_name_is_a_400_naming_the_field()
    {
        var admin = _clients["global admin"];

        using var noId = await admin.PostAsJsonAsync("/api/v1/tenants", new { name = "x" });
        using var blankName = await admin.PostAsJsonAsync("/api/v1/tenants", new { id = "blank-name", name = " " });

        Assert.Multiple(async () =>
        {
            Assert.That(noId.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await noId.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString(), Is.EqualTo("id"));
            Assert.That(blankName.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await blankName.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString(), Is.EqualTo("name"));
            Assert.That((await _host.Store.ListTenantsAsync()).Select(t => t.Id), Does.Not.Contain("blank-name"));
        });
    }

    [Test]
    public async Task Creating_an_existing_tenant_is_a_409_and_leaves_it_as_it_was()
    {
        using var response = await _clients["global admin"].PostAsJsonAsync("/api/v1/tenants", new { id = "acme", name = "Another Acme" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Does.Contain("'acme' exists already"));
        Assert.That((await _host.Store.ListTenantsAsync()).Single(t => t.Id == "acme").Name, Is.EqualTo("Acme"));
    }

    [TestCase("GET", "/api/v1/tenants/nobody")]
    [TestCase("PATCH", "/api/v1/tenants/nobody/disable")]
    [TestCase("PATCH", "/api/v1/tenants/nobody/enable")]
    public async Task An_unknown_tenant_is_a_404_naming_it(string method, string path)
    {
        using var response = await _clients["global admin"].SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Does.Contain("no tenant 'nobody'"));
    }

    [Test]
    public async Task A_tenant_principal_reads_its_own_tenant_and_a_global_one_has_none()
    {
        var own = await _clients["tenant viewer"].GetFromJsonAsync<JsonElement>("/api/v1/tenant");
        using var global = await _clients["global admin"].GetAsync("/api/v1/tenant");

        Assert.Multiple(() =>
        {
            Assert.That(own.GetProperty("id").GetString(), Is.EqualTo("acme"));
            Assert.That(own.GetProperty("name").GetString(), Is.EqualTo("Acme"));
            Assert.That(global.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }
}
