using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.AspNetCore.Tenancy;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Server.Tests.ChangeFeed;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Tenancy;

/// <summary>
/// The change feed and the catalog document of a tenant principal (real API keys, real Kestrel): acme's
/// <c>GET /catalog</c> is acme's view (global + acme's overlay) and its <c>GET /changes</c> carries acme's changes and the
/// global ones it inherits, never globex's; the global feed carries no tenant's change.
/// </summary>
[TestFixture]
public sealed class TenantChangeFeedTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ServerHost _host = null!;
    private HttpClient _acme = null!;
    private HttpClient _global = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = await ServerHost.StartAsync(static h => h.ServeOverKestrel().UseRealSignIn());
        var store = _host.Store;
        await store.CreateTenantAsync("acme", "Acme");
        await store.CreateTenantAsync("globex", "Globex");
        await store.CreateAsync(GeneratedTools.Create(0, prefix: "feed-global"));
        await store.ForTenant("acme").CreateAsync(GeneratedTools.Create(0, prefix: "feed-acme"));
        await store.ForTenant("globex").CreateAsync(GeneratedTools.Create(0, prefix: "feed-globex"));
        var keys = _host.Services.GetRequiredService<ApiKeyStore>();
        _acme = _host.ClientWithKey((await keys.CreateForTenantAsync("acme-feed", ToolCatalogRoles.Viewer, null, "acme", "test")).Key);
        _global = _host.ClientWithKey((await keys.CreateAsync("global-feed", ToolCatalogRoles.Viewer, null, "test")).Key);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        _acme.Dispose();
        _global.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task A_tenants_catalog_document_holds_its_overlay_and_the_global_catalog_but_not_another_tenants()
    {
        var catalog = await _acme.GetFromJsonAsync<JsonElement>("/api/v1/catalog");
        var names = catalog.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("tool_name").GetString()).ToList();

        Assert.That(names, Does.Contain("feed-acme-00000").And.Contain("feed-global-00000").And.Not.Contain("feed-globex-00000"));
    }

    [Test]
    public async Task A_tenants_feed_carries_its_own_change_and_a_global_one_and_never_another_tenants()
    {
        using var cancel = new CancellationTokenSource(Patience);
        var since = (await _acme.GetFromJsonAsync<JsonElement>("/api/v1/catalog", cancel.Token)).GetProperty("revision").GetInt64();
        using var response = await _acme.GetAsync($"/api/v1/changes?since={since}", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ReadIfNotOkAsync(response));
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));

        await _host.Store.ForTenant("globex").CreateAsync(GeneratedTools.Create(1, prefix: "feed-globex"));
        var global = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "feed-global"));
        var own = await _host.Store.ForTenant("acme").CreateAsync(GeneratedTools.Create(1, prefix: "feed-acme"));

        var seen = new StringBuilder();
        var revisions = new List<long>();
        while (revisions.Count == 0 || revisions[^1] < own.Revision)
        {
            var next = await events.NextAsync(cancel.Token);
            Assert.That(next, Is.Not.Null, "the stream ended");
            Assert.That(next!.Event, Is.EqualTo("change"), next.Data);
            seen.Append(next.Data);
            revisions.Add(long.Parse(next.Id!, CultureInfo.InvariantCulture));
        }

        Assert.Multiple(() =>
        {
            Assert.That(seen.ToString(), Does.Contain("\"tool\":\"feed-acme-00001\""), "its own change");
            Assert.That(seen.ToString(), Does.Contain("\"tool\":\"feed-global-00001\""), "the global change it inherits");
            Assert.That(seen.ToString(), Does.Not.Contain("feed-globex"), "never another tenant's");
            Assert.That(revisions, Is.Ordered.And.Unique);
            Assert.That(revisions[^1], Is.EqualTo(own.Revision));
            Assert.That(global.Revision, Is.LessThan(own.Revision));
        });
    }

    [Test]
    public async Task The_global_feed_carries_no_tenants_change()
    {
        using var cancel = new CancellationTokenSource(Patience);
        var since = (await _global.GetFromJsonAsync<JsonElement>("/api/v1/catalog", cancel.Token)).GetProperty("revision").GetInt64();
        using var response = await _global.GetAsync($"/api/v1/changes?since={since}", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ReadIfNotOkAsync(response));
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));

        await _host.Store.ForTenant("acme").CreateAsync(GeneratedTools.Create(2, prefix: "feed-acme"));
        var global = await _host.Store.CreateAsync(GeneratedTools.Create(2, prefix: "feed-global"));

        var seen = new StringBuilder();
        long last = 0;
        while (last < global.Revision)
        {
            var next = await events.NextAsync(cancel.Token);
            Assert.That(next, Is.Not.Null, "the stream ended");
            seen.Append(next!.Data);
            last = long.Parse(next.Id!, CultureInfo.InvariantCulture);
        }

        Assert.That(seen.ToString(), Does.Contain("feed-global-00002").And.Not.Contain("feed-acme"));
    }

    [Test]
    public async Task An_active_tenant_is_served_by_the_server_runtimes_view_of_it_sharing_its_snapshot()
    {
        using var read = await _acme.GetAsync("/api/v1/catalog");
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ReadIfNotOkAsync(read));

        var served = await _host.Services.GetRequiredService<TenantCatalogs>().GetAsync("acme", CancellationToken.None);

        Assert.That(served, Is.SameAs(_host.Catalog.ForTenant("acme")), "the server's runtime's own view, not a runtime of its own");
        Assert.That(served!.Current.TryGetTool("feed-global-00000", out var inherited) && _host.Catalog.Current.TryGetTool("feed-global-00000", out var global)
            && ReferenceEquals(inherited, global), Is.True, "an inherited tool is the global snapshot's own object");
    }

    [Test]
    public async Task A_disabled_tenant_which_views_do_not_serve_still_reads_its_catalog_through_a_runtime_of_its_own()
    {
        var store = _host.Store;
        await store.CreateTenantAsync("initech", "Initech");
        await store.ForTenant("initech").CreateAsync(GeneratedTools.Create(0, prefix: "feed-initech"));
        var key = (await _host.Services.GetRequiredService<ApiKeyStore>().CreateForTenantAsync("initech-feed", ToolCatalogRoles.Viewer, null, "initech", "test")).Key;
        await store.DisableTenantAsync("initech");
        using var initech = _host.ClientWithKey(key);

        using var response = await initech.GetAsync("/api/v1/catalog");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ReadIfNotOkAsync(response));
        var names = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("tool_name").GetString()).ToList();
        Assert.That(names, Does.Contain("feed-initech-00000").And.Contain("feed-global-00000").And.Not.Contain("feed-acme-00000"));
        Assert.That(await _host.Services.GetRequiredService<TenantCatalogs>().GetAsync("initech", CancellationToken.None), Is.InstanceOf<ToolCatalogRuntime>());
    }

    private static async Task<string> ReadIfNotOkAsync(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.OK ? string.Empty : await response.Content.ReadAsStringAsync();
}
