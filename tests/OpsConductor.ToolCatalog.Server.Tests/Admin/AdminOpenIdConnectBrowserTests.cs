using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
/// The admin UI's OpenID Connect sign-in in a real Chromium: the sample host on Kestrel (127.0.0.1) configured with an
/// in-process provider on another site (localhost, <see cref="TestOpenIdProvider"/>) that approves the user a test
/// sets; the authorization code flow with PKCE, the role from the id token's <c>roles</c> claim, sign-out through the
/// provider's end-session endpoint.
/// </summary>
[TestFixture]
// The provider approves one configured user at a time: it is the fixture's own (a port of its own), and a fixture's tests
// run one after another, so the fixture runs beside the others.
public sealed class AdminOpenIdConnectBrowserTests : AdminBrowserFixture
{
    private TestOpenIdProvider _provider = null!;

    /// <inheritdoc />
    protected override string KeyPrefix => "oidc";

    /// <inheritdoc />
    protected override ViewportSize? Viewport => AdminPages.Screen;

    private protected override async Task<ServerHost> StartHostAsync()
    {
        _provider = await TestOpenIdProvider.StartAsync();
        return await ServerHost.StartAsync(h => h.ServeOverKestrel().ConfigureServices(s => s.Configure<ToolCatalogServerOptions>(o =>
        {
            _provider.ConfigureClient(o.Authentication.OpenIdConnect);
            o.Authentication.OpenIdConnect.DisplayName = "Test IdP";
        })));
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
    public async Task An_admin_signs_in_through_the_provider_sees_edit_controls_and_signs_out_of_the_provider_too()
    {
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-oidc-admin"));
        _provider.User = new Dictionary<string, object> { ["sub"] = "u-ada", ["preferred_username"] = "ada", ["roles"] = new[] { "Admin", "staff" } };
        var page = await NewPageAsync();

        await page.GotoAsync(new Uri(Host.BaseAddress, $"/admin/tools/{tool.Name}").ToString());
        await page.GetByTestId("sign-in-oidc").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/admin/tools/{Regex.Escape(tool.Name)}$"), new() { Timeout = 30_000 });
        await AdminPages.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("ada (admin)");
        await Expect(page.GetByTestId("edit-controls")).ToBeVisibleAsync();
        Assert.That(_provider.TokensIssued, Is.GreaterThanOrEqualTo(1), "the code was redeemed at the provider's token endpoint");
        var cookie = (await Context!.CookiesAsync()).Single(c => c.Name == ToolCatalogAdmin.CookieName);
        Assert.That(cookie.SameSite, Is.EqualTo(SameSiteAttribute.Strict));

        await page.GetByTestId("sign-out").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/admin/signin$"), new() { Timeout = 30_000 });
        Assert.That(_provider.EndSessions, Is.Not.Empty, "the provider's end-session endpoint was called");
        Assert.That(_provider.EndSessions.Last(), Does.StartWith("ey"), "with the id token as the hint");
        Assert.That((await Context.CookiesAsync()).Any(c => c.Name == ToolCatalogAdmin.CookieName), Is.False, "the admin cookie is gone");
        await page.GotoAsync(new Uri(Host.BaseAddress, "/admin").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/admin/signin"));
    }

    [Test]
    public async Task A_viewer_signed_in_through_the_provider_sees_no_edit_controls_and_the_server_refuses_its_write()
    {
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-oidc-viewer"));
        _provider.User = new Dictionary<string, object> { ["sub"] = "u-vic", ["preferred_username"] = "vic", ["role"] = "viewer" };
        var page = await SignInThroughProviderAsync();

        await AdminPages.OpenAsync(page, Host.BaseAddress, $"/admin/tools/{tool.Name}");

        await Expect(page.GetByTestId("tool-name")).ToHaveTextAsync(tool.Name);
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("vic (viewer)");
        await Expect(page.GetByTestId("edit-controls")).ToHaveCountAsync(0);
        await Expect(page.Locator("button[data-testid^='rollback-']")).ToHaveCountAsync(0);

        // The session's own principal (read back from the browser's cookie) is refused by the server's check.
        var session = await SessionPrincipalAsync();
        Assert.That(session.Identity!.Name, Is.EqualTo("vic"));
        await using var scope = Host.Services.CreateAsyncScope();
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(session)));
        var result = await scope.ServiceProvider.GetRequiredService<AdminActions>().SetStateAsync(tool.Name, ToolStateAction.Disable);

        Assert.Multiple(async () =>
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.Message, Does.Contain("Refused"));
            Assert.That((await Host.Store.GetAsync(tool.Name))!.Definition.Enabled, Is.True, "nothing was changed");
        });
    }

    [Test]
    public async Task A_user_with_no_catalog_role_is_refused_with_a_clear_message_and_gets_no_session()
    {
        _provider.User = new Dictionary<string, object> { ["sub"] = "u-nobody", ["preferred_username"] = "nobody", ["roles"] = new[] { "staff" } };
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(Host.BaseAddress, "/admin/signin").ToString());

        await page.GetByTestId("sign-in-oidc").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/admin/signin\\?error=no-role"), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("sign-in-error")).ToContainTextAsync("no role in the tool catalog");
        await Expect(page.GetByTestId("sign-in-error")).ToContainTextAsync("'role' or 'roles'");
        Assert.That((await Context!.CookiesAsync()).Any(c => c.Name == ToolCatalogAdmin.CookieName), Is.False, "no session");
        await page.GotoAsync(new Uri(Host.BaseAddress, "/admin").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/admin/signin"));
    }

    [Test]
    public async Task A_provider_that_refuses_the_user_ends_on_the_sign_in_page_with_a_message_not_an_error_page()
    {
        _provider.User = null; // the provider answers access_denied
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(Host.BaseAddress, "/admin/signin").ToString());

        await page.GetByTestId("sign-in-oidc").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/admin/signin\\?error=provider"), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("sign-in-error")).ToContainTextAsync("Signing in at Test IdP did not complete");
        Assert.That((await Context!.CookiesAsync()).Any(c => c.Name == ToolCatalogAdmin.CookieName), Is.False, "no session");
    }

    [Test]
    public async Task The_sign_in_page_offers_the_provider_beside_the_API_key_form()
    {
        var page = await NewPageAsync();

        await page.GotoAsync(new Uri(Host.BaseAddress, "/admin/signin").ToString());

        await Expect(page.GetByTestId("sign-in-oidc")).ToHaveTextAsync("Sign in with Test IdP");
        await Expect(page.GetByTestId("api-key")).ToBeVisibleAsync();
        if (Environment.GetEnvironmentVariable("TOOLCATALOG_UI_SCREENSHOTS") is { Length: > 0 } folder)
        {
            // docs/ui/signin-oidc.png: the sign-in page of a server with a provider configured.
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetFullPath(folder), "signin-oidc.png") });
        }
    }

    private async Task<IPage> SignInThroughProviderAsync()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(Host.BaseAddress, "/admin/signin").ToString());
        await page.GetByTestId("sign-in-oidc").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin$"), new() { Timeout = 30_000 });
        await AdminPages.WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>The principal the browser's admin cookie carries, read with the cookie scheme's own ticket format.</summary>
    private async Task<ClaimsPrincipal> SessionPrincipalAsync()
    {
        var cookies = (await Context!.CookiesAsync()).ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);
        var value = cookies[ToolCatalogAdmin.CookieName];
        if (value.StartsWith("chunks-", StringComparison.Ordinal))
        {
            var count = int.Parse(value["chunks-".Length..], CultureInfo.InvariantCulture);
            value = string.Concat(Enumerable.Range(1, count).Select(i => cookies[$"{ToolCatalogAdmin.CookieName}C{i}"]));
        }

        var format = Host.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(ToolCatalogAdmin.CookieScheme).TicketDataFormat;
        return format.Unprotect(value)?.Principal ?? throw new AssertionException("The admin cookie could not be read.");
    }

    private async Task<ToolDefinition> CreateAsync(ToolDefinition tool)
    {
        var written = await Host.Store.CreateAsync(tool);
        await Host.Catalog.WaitForRevisionAsync(written.Revision);
        return tool;
    }
}
