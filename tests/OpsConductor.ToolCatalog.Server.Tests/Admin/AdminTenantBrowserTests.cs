using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConductor.ToolCatalog.Admin;
using OpsConductor.ToolCatalog.Admin.Catalog;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>
/// The admin UI for a tenant's principal, in a real Chromium over the sample host with its real sign-in (API keys, and an
/// in-process OpenID Connect provider): a global catalog (one tool inherited as it is, one the tenant shadows, one it
/// disables), tenant acme with a tool of its own, tenant globex with one that acme must never see, and tenant defunct,
/// disabled. An acme key or an acme user of the provider works in acme's catalog only, with the API's rules.
/// </summary>
[TestFixture]
public sealed class AdminTenantBrowserTests : AdminBrowserFixture
{
    private const string Inherited = "tadm_global_inherited";
    private const string Shadowed = "tadm_global_shadowed";
    private const string ToHide = "tadm_global_hidden";
    private const string AcmeOwn = "tadm_acme_own";
    private const string GlobexOwn = "tadm_globex_own";

    private TestOpenIdProvider _provider = null!;
    private string _acmeAdmin = null!;
    private string _acmeViewer = null!;
    private string _defunctAdmin = null!;

    /// <inheritdoc />
    protected override string KeyPrefix => "tadm";

    private protected override async Task<ServerHost> StartHostAsync()
    {
        _provider = await TestOpenIdProvider.StartAsync();
        var host = await ServerHost.StartAsync(h => h.ServeOverKestrel().UseRealSignIn().ConfigureServices(s => s.Configure<ToolCatalogServerOptions>(o =>
            _provider.ConfigureClient(o.Authentication.OpenIdConnect))));
        var store = host.Store;
        await store.CreateAsync(Tool(0, Inherited));
        await store.CreateAsync(Tool(1, Shadowed));
        await store.CreateAsync(Tool(2, ToHide));
        await store.CreateTenantAsync("acme", "Acme Inc");
        await store.CreateTenantAsync("globex", "Globex");
        await store.CreateTenantAsync("defunct", "Defunct Ltd");
        var acme = store.ForTenant("acme");
        await acme.CreateAsync(Tool(3, AcmeOwn));
        await acme.PublishAsync(Tool(1, Shadowed) with { Version = "2.0", Description = "acme's own grep" });
        await store.ForTenant("globex").CreateAsync(Tool(4, GlobexOwn));
        await store.DisableTenantAsync("defunct");
        var keys = host.Services.GetRequiredService<ApiKeyStore>();
        _acmeAdmin = (await keys.CreateForTenantAsync("acme-admin", ToolCatalogRoles.Admin, null, "acme", "tests")).Key;
        _acmeViewer = (await keys.CreateForTenantAsync("acme-viewer", ToolCatalogRoles.Viewer, null, "acme", "tests")).Key;
        _defunctAdmin = (await keys.CreateForTenantAsync("defunct-admin", ToolCatalogRoles.Admin, null, "defunct", "tests")).Key;
        await host.Catalog.WaitForRevisionAsync(await store.GetRevisionAsync());
        return host;
    }

    [OneTimeTearDown]
    public async Task StopProvider()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    [Test]
    public async Task A_tenant_admin_sees_its_own_its_shadow_and_the_inherited_tools_labelled_and_never_another_tenants_tool()
    {
        var page = await SignInAsync(_acmeAdmin);

        await Expect(page.GetByTestId("tenant")).ToHaveTextAsync("Tenant acme · Acme Inc");
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("key:acme-admin (admin)");
        await Expect(Row(page, AcmeOwn).GetByTestId("origin")).ToHaveTextAsync("own");
        await Expect(Row(page, Shadowed).GetByTestId("origin")).ToHaveTextAsync("shadow");
        await Expect(Row(page, Shadowed)).ToContainTextAsync("2.0");
        await Expect(Row(page, Inherited).GetByTestId("origin")).ToHaveTextAsync("inherited");
        await Expect(page.GetByTestId("tools")).Not.ToContainTextAsync(GlobexOwn);
        await Expect(page.GetByTestId("nav-telemetry")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("nav-experiments")).ToHaveCountAsync(0);

        await OpenAsync(page, $"/admin/tools/{GlobexOwn}");
        await Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        await OpenAsync(page, $"/admin/tools/{Inherited}");
        await Expect(page.GetByTestId("origin-note")).ToContainTextAsync("inherited by tenant acme");
        await Expect(page.GetByTestId("edit-controls")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("disable-for-tenant")).ToBeVisibleAsync();
        await OpenAsync(page, "/admin/audit");
        await Expect(page.Locator("body")).ToContainTextAsync(AcmeOwn);
        await Expect(page.Locator("body")).Not.ToContainTextAsync(GlobexOwn);
    }

    [Test]
    public async Task A_tenant_admin_creates_a_tool_through_the_editor_that_the_API_then_shows_for_that_tenant_only()
    {
        const string name = "tadm_acme_created";
        var page = await SignInAsync(_acmeAdmin);
        await OpenAsync(page, "/admin/editor?template=linux-cli");

        await page.Locator("[data-field='tool_name'] input").FillAsync(name);
        await Expect(page.GetByTestId("validity")).ToHaveTextAsync(new Regex("^Valid(, \\d+ warning\\(s\\))?$"));
        await page.GetByTestId("review").ClickAsync();
        await page.GetByTestId("publish").ClickAsync();
        await Expect(page.GetByTestId("message")).ToContainTextAsync("created");

        using var acme = Host.ClientWithKey(_acmeViewer);
        using var global = Host.ClientWithKey(AdminKey);
        using var globex = Host.ClientWithKey((await Host.Services.GetRequiredService<ApiKeyStore>()
            .CreateForTenantAsync("globex-viewer-created", ToolCatalogRoles.Viewer, null, "globex", "tests")).Key);
        using var forAcme = await acme.GetAsync($"/api/v1/tools/{name}");
        using var forGlobex = await globex.GetAsync($"/api/v1/tools/{name}");
        using var forGlobal = await global.GetAsync($"/api/v1/tools/{name}");
        Assert.Multiple(() =>
        {
            Assert.That(forAcme.StatusCode, Is.EqualTo(HttpStatusCode.OK), "acme's catalog has the tool");
            Assert.That(forGlobex.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "globex never sees it");
            Assert.That(forGlobal.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the global catalog does not have it");
        });
        await OpenAsync(page, "/admin");
        await Expect(Row(page, name).GetByTestId("origin")).ToHaveTextAsync("own");
    }

    [Test]
    public async Task A_tenant_admin_disables_a_global_tool_for_itself_and_the_global_catalog_and_other_tenants_keep_it()
    {
        var page = await SignInAsync(_acmeAdmin);
        await OpenAsync(page, $"/admin/tools/{ToHide}");

        await page.GetByTestId("disable-for-tenant").ClickAsync();

        await Expect(page.GetByTestId("message")).ToContainTextAsync("disable for this tenant done");
        await Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        await OpenAsync(page, "/admin");
        await Expect(page.Locator($"[data-testid='disabled-for-tenant-row'][data-tool='{ToHide}']")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("tools")).Not.ToContainTextAsync(ToHide);
        Assert.Multiple(async () =>
        {
            Assert.That((await Host.Store.GetAsync(ToHide))!.Definition.Enabled, Is.True, "the global tool is untouched");
            Assert.That(await Host.Store.ForTenant("globex").GetAsync(ToHide), Is.Not.Null, "globex still has it");
            Assert.That(await Host.Store.ForTenant("acme").GetAsync(ToHide), Is.Null, "acme no longer has it");
        });

        await page.Locator($"[data-testid='disabled-for-tenant-row'][data-tool='{ToHide}'] [data-testid='enable-for-tenant']").ClickAsync();
        await Expect(Row(page, ToHide).GetByTestId("origin")).ToHaveTextAsync("inherited");
    }

    [TestCase("/admin/telemetry")]
    [TestCase("/admin/experiments")]
    [TestCase("/admin/experiments/any-experiment")]
    public async Task A_tenant_admin_typing_the_address_of_a_global_catalog_page_is_refused_with_the_reason(string path)
    {
        var page = await SignInAsync(_acmeAdmin);

        var response = await page.GotoAsync(new Uri(Host.BaseAddress, path).ToString());

        Assert.That(response!.Status, Is.EqualTo(403));
        await Expect(page.GetByTestId("tenant-refused")).ToContainTextAsync("works in tenant 'acme'");
        await Expect(page.GetByTestId("tenant-refused")).ToContainTextAsync("belongs to the global catalog");
    }

    [Test]
    public async Task A_tenant_viewer_gets_no_write_controls_and_the_server_refuses_its_writes()
    {
        var page = await SignInAsync(_acmeViewer);
        await OpenAsync(page, $"/admin/tools/{AcmeOwn}");
        await Expect(page.GetByTestId("tool-name")).ToHaveTextAsync(AcmeOwn);
        await Expect(page.GetByTestId("edit-controls")).ToHaveCountAsync(0);
        await OpenAsync(page, $"/admin/tools/{Inherited}");
        await Expect(page.GetByTestId("origin")).ToHaveTextAsync("inherited");
        await Expect(page.GetByTestId("disable-for-tenant")).ToHaveCountAsync(0);

        await using var scope = Host.Services.CreateAsyncScope();
        var viewer = new ClaimsPrincipal(new ClaimsIdentity(
            [new(ClaimTypes.Name, "key:acme-viewer"), new(ClaimTypes.Role, ToolCatalogRoles.Viewer), new(ToolCatalogClaims.Tenant, "acme")],
            ToolCatalogAdmin.CookieScheme, ClaimTypes.Name, ClaimTypes.Role));
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(viewer)));
        var actions = scope.ServiceProvider.GetRequiredService<AdminActions>();
        var disable = await actions.SetStateAsync(AcmeOwn, ToolStateAction.Disable);
        var hide = await actions.SetGlobalToolHiddenAsync(Inherited, hidden: true);

        Assert.Multiple(async () =>
        {
            Assert.That(disable.Message, Does.StartWith("Refused"));
            Assert.That(hide.Message, Does.StartWith("Refused"));
            Assert.That((await Host.Store.ForTenant("acme").GetAsync(AcmeOwn))!.Definition.Enabled, Is.True, "nothing was changed");
            Assert.That(await Host.Store.ForTenant("acme").ListDisabledGlobalToolsAsync(), Does.Not.Contain(Inherited));
        });
    }

    [Test]
    public async Task A_user_whose_id_token_names_a_tenant_signs_in_through_the_provider_into_that_tenants_catalog()
    {
        _provider.User = new Dictionary<string, object>
        {
            ["sub"] = "u-ann", ["preferred_username"] = "ann", ["roles"] = new[] { "admin" }, [ToolCatalogClaims.Tenant] = "acme",
        };
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(Host.BaseAddress, "/admin/signin").ToString());

        await page.GetByTestId("sign-in-oidc").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/admin$"), new() { Timeout = 30_000 });
        await AdminPages.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("tenant")).ToContainTextAsync("Tenant acme");
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("ann (admin)");
        await Expect(Row(page, AcmeOwn).GetByTestId("origin")).ToHaveTextAsync("own");
        await Expect(page.GetByTestId("tools")).Not.ToContainTextAsync(GlobexOwn);
    }

    [Test]
    public async Task A_disabled_tenants_key_and_user_are_refused_at_sign_in_naming_the_reason()
    {
        var page = await SignInAsync(_defunctAdmin);

        await Expect(page.GetByTestId("sign-in-error")).ToContainTextAsync("Tenant 'defunct' is disabled");
        await page.GotoAsync(new Uri(Host.BaseAddress, "/admin").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/admin/signin"));

        _provider.User = new Dictionary<string, object>
        {
            ["sub"] = "u-dan", ["preferred_username"] = "dan", ["roles"] = new[] { "admin" }, [ToolCatalogClaims.Tenant] = "defunct",
        };
        await page.GetByTestId("sign-in-oidc").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/signin\\?error=tenant-disabled"), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("sign-in-error")).ToContainTextAsync("Tenant 'defunct' is disabled");
        Assert.That((await Context!.CookiesAsync()).Any(c => c.Name == ToolCatalogAdmin.CookieName), Is.False, "no session");
    }

    [Test]
    public async Task A_session_whose_tenant_is_disabled_after_sign_in_is_refused_on_its_next_page_naming_the_reason()
    {
        await Host.Store.CreateTenantAsync("fading", "Fading");
        var key = (await Host.Services.GetRequiredService<ApiKeyStore>().CreateForTenantAsync("fading-admin", ToolCatalogRoles.Admin, null, "fading", "tests")).Key;
        var page = await SignInAsync(key);
        await Expect(page.GetByTestId("tenant")).ToHaveTextAsync("Tenant fading · Fading");

        await Host.Store.DisableTenantAsync("fading");
        var response = await page.GotoAsync(new Uri(Host.BaseAddress, "/admin").ToString());

        Assert.That(response!.Status, Is.EqualTo(403));
        await Expect(page.GetByTestId("tenant-refused")).ToContainTextAsync("Tenant 'fading' is disabled");
        await Expect(page.GetByTestId("tools")).ToHaveCountAsync(0);
    }

    [Test]
    public async Task A_tenant_admin_publishing_a_version_of_an_inherited_tool_makes_its_shadow_and_changes_nobody_elses()
    {
        const string name = "tadm_global_to_shadow";
        var written = await Host.Store.CreateAsync(Tool(5, name));
        await Host.Catalog.WaitForRevisionAsync(written.Revision);
        await using var scope = Host.Services.CreateAsyncScope();
        var admin = new ClaimsPrincipal(new ClaimsIdentity(
            [new(ClaimTypes.Name, "key:acme-admin"), new(ClaimTypes.Role, ToolCatalogRoles.Admin), new(ToolCatalogClaims.Tenant, "acme")],
            ToolCatalogAdmin.CookieScheme, ClaimTypes.Name, ClaimTypes.Role));
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(admin)));

        var published = await scope.ServiceProvider.GetRequiredService<AdminActions>()
            .PublishVersionAsync(Tool(5, name) with { Version = "1.1", Description = "acme's version" }, written.Revision, allowBreaking: false);

        Assert.That(published.Succeeded, Is.True, published.Message);
        Assert.Multiple(async () =>
        {
            Assert.That((await Host.Store.ForTenant("acme").GetAsync(name))!.Definition.Version, Is.EqualTo("1.1"), "acme's shadow");
            Assert.That((await Host.Store.GetAsync(name))!.Definition.Version, Is.EqualTo("1.0"), "the global tool is untouched");
            Assert.That((await Host.Store.ForTenant("globex").GetAsync(name))!.Definition.Version, Is.EqualTo("1.0"), "globex still inherits the global one");
        });
    }

    private static ILocator Row(IPage page, string tool) => page.Locator($"tr[data-testid='tool-row'][data-tool='{tool}']");

    private static ToolDefinition Tool(int index, string name) => GeneratedTools.Create(index, capabilities: 1, patterns: 1) with { Name = name };
}
