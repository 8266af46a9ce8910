using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConductor.ToolCatalog.Admin.Catalog;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Secrets;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>
/// The admin UI in a real Chromium over the sample host on a Kestrel port and a real PostgreSQL: the assembly's one
/// browser, a fresh browser context (no cookies) per test. Waits are Playwright's auto-waiting assertions on the DOM.
/// </summary>
[TestFixture]
public sealed class AdminUiBrowserTests : AdminBrowserFixture
{
    /// <inheritdoc />
    protected override string KeyPrefix => "ui";

    /// <summary>The host with a secret key ring, so a tool may hold a secret (the masking test).</summary>
    private protected override Task<ServerHost> StartHostAsync()
    {
        var ring = SecretKeyRing.Create(TimeProvider.System);
        return ServerHost.StartAsync(h => h.ServeOverKestrel().ConfigureServices(s => s.AddSingleton<ISecretProtector>(ring)));
    }

    [Test]
    public async Task An_admin_signs_in_with_an_API_key_and_the_tools_list_shows_a_tool()
    {
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-list"));
        var page = await SignInAsync(AdminKey);

        await page.GetByTestId("search").FillAsync(tool.Name);

        await Expect(page.Locator($"tr[data-tool='{tool.Name}']")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("key:ui-admin (admin)");
        await Expect(page.Locator("body")).Not.ToContainTextAsync(AdminKey);
    }

    [Test]
    public async Task A_wrong_key_is_refused_at_sign_in_and_no_page_opens()
    {
        var page = await SignInAsync("tc_AAAAAAAA_not-a-real-key-at-all-000000000000");

        await Expect(page.GetByTestId("sign-in-error")).ToContainTextAsync("not accepted");
        await page.GotoAsync(new Uri(Host.BaseAddress, "/admin").ToString());
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/signin"));
    }

    [Test]
    public async Task The_admin_cookie_is_HttpOnly_and_SameSite_Strict_and_holds_no_key()
    {
        await SignInAsync(AdminKey);

        var cookie = (await Context!.CookiesAsync()).Single(c => c.Name == "toolcatalog_admin");
        Assert.Multiple(() =>
        {
            Assert.That(cookie.HttpOnly, Is.True);
            Assert.That(cookie.SameSite, Is.EqualTo(SameSiteAttribute.Strict));
            Assert.That(cookie.Value, Does.Not.Contain(AdminKey));
        });
    }

    [Test]
    public async Task A_viewer_sees_no_edit_controls()
    {
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-viewer"));
        await PublishAsync(tool with { Version = "1.1" });
        var page = await SignInAsync(ViewerKey);

        await OpenAsync(page, ToolUrl(tool.Name));

        await Expect(page.GetByTestId("version")).ToHaveTextAsync("1.1");
        await Expect(page.GetByTestId("versions")).ToContainTextAsync("1.0");
        await Expect(page.GetByTestId("edit-controls")).ToHaveCountAsync(0);
        await Expect(page.Locator("button[data-testid^='rollback-']")).ToHaveCountAsync(0);
        await OpenAsync(page, new Uri(Host.BaseAddress, "/admin").ToString());
        await Expect(page.GetByTestId("tools")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("bulk-bar")).ToHaveCountAsync(0);
    }

    [Test]
    public async Task The_server_refuses_a_viewers_change_even_without_the_page_and_changes_nothing()
    {
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-refused"));
        await using var scope = Host.Services.CreateAsyncScope();
        var viewer = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "key:ui-viewer"), new Claim(ClaimTypes.Role, ToolCatalogRoles.Viewer)], "test", ClaimTypes.Name, ClaimTypes.Role));
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(viewer)));
        var actions = scope.ServiceProvider.GetRequiredService<AdminActions>();

        var result = await actions.SetStateAsync(tool.Name, ToolStateAction.Disable);

        Assert.Multiple(async () =>
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.Message, Does.Contain("Refused").And.Contain(tool.Name));
            Assert.That((await Host.Store.GetAsync(tool.Name))!.Definition.Enabled, Is.True, "nothing was changed");
        });
    }

    [Test]
    public async Task An_owner_changes_the_tool_its_key_owns_and_is_refused_another()
    {
        var owned = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-owned"));
        var other = await CreateAsync(GeneratedTools.Create(2, prefix: "ui-owned"));
        await using var scope = Host.Services.CreateAsyncScope();
        var owner = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "key:ui-owner"), new Claim(ClaimTypes.Role, ToolCatalogRoles.Owner), new Claim(ToolCatalogClaims.Tool, owned.Name)],
            "test", ClaimTypes.Name, ClaimTypes.Role));
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(owner)));
        var actions = scope.ServiceProvider.GetRequiredService<AdminActions>();

        var mine = await actions.SetStateAsync(owned.Name, ToolStateAction.Deprecate);
        var theirs = await actions.SetStateAsync(other.Name, ToolStateAction.Deprecate);

        Assert.Multiple(async () =>
        {
            Assert.That(mine.Succeeded, Is.True, mine.Message);
            Assert.That((await Host.Store.GetAsync(owned.Name))!.Definition.Status, Is.EqualTo(ToolStatus.Deprecated));
            Assert.That(theirs.Succeeded, Is.False);
            Assert.That((await Host.Store.GetAsync(other.Name))!.Definition.Status, Is.EqualTo(ToolStatus.Active));
        });
    }

    [Test]
    public async Task A_description_with_a_script_tag_renders_as_text()
    {
        const string description = "<script>window.__xss = 1</script><b>bold</b> & 'quotes'";
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-xss") with { Description = description });
        var page = await SignInAsync(AdminKey);

        await OpenAsync(page, ToolUrl(tool.Name));

        var shown = page.GetByTestId("description");
        await Expect(shown).ToHaveTextAsync(description);
        await Expect(shown.Locator("b, script")).ToHaveCountAsync(0);
        Assert.That(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), Is.True, "the script never ran");
    }

    [Test]
    public async Task A_secret_shows_as_the_mask_on_the_tool_page_even_to_an_admin()
    {
        const string value = "ui-s3cret-4c1d9a";
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-secret") with
        {
            Metadata = DataMap.Create(("token", DataValue.FromSecret(SecretValue.FromPlaintext(value)))),
        });
        var page = await SignInAsync(AdminKey);

        await OpenAsync(page, ToolUrl(tool.Name));

        await Expect(page.GetByTestId("definition")).ToContainTextAsync("token: !secret");
        await Expect(page.GetByTestId("definition")).ToContainTextAsync(SecretValue.Mask);
        Assert.That(await page.ContentAsync(), Does.Not.Contain(value));
    }

    [Test]
    public async Task An_admin_rolls_a_tool_back_through_the_tool_page()
    {
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-rollback") with { Description = "first version" });
        await PublishAsync(tool with { Version = "2.0", Description = "second version" });
        var page = await SignInAsync(AdminKey);
        await OpenAsync(page, ToolUrl(tool.Name));
        await Expect(page.GetByTestId("version")).ToHaveTextAsync("2.0");
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("second version");

        await page.GetByTestId("rollback-1.0").ClickAsync();

        await Expect(page.GetByTestId("version")).ToHaveTextAsync("1.0");
        await Expect(page.GetByTestId("description")).ToHaveTextAsync("first version");
        await Expect(page.GetByTestId("audit")).ToContainTextAsync("key:ui-admin");
        Assert.That((await Host.Store.GetAsync(tool.Name))!.Definition.Version, Is.EqualTo("1.0"));
    }

    [Test]
    public async Task A_change_made_through_the_API_appears_on_open_pages_without_a_reload()
    {
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-live"));
        var list = await SignInAsync(AdminKey);
        await list.GetByTestId("search").FillAsync(tool.Name);
        var status = list.Locator($"tr[data-tool='{tool.Name}'] [data-testid='status']");
        await Expect(status).ToHaveTextAsync("active");
        var detail = await Context!.NewPageAsync();
        await OpenAsync(detail, ToolUrl(tool.Name));
        await Expect(detail.GetByTestId("status")).ToHaveTextAsync("active");
        await AdminPages.WaitForCircuitAsync(detail);

        using var api = Host.ClientAs("admin", "api-user");
        using var response = await api.PatchAsync($"/api/v1/tools/{tool.Name}/disable", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await Expect(status).ToHaveTextAsync("disabled");
        await Expect(detail.GetByTestId("status")).ToHaveTextAsync("disabled");
    }

    [Test]
    public async Task An_admin_disables_selected_tools_in_bulk()
    {
        var first = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-bulk"));
        var second = await CreateAsync(GeneratedTools.Create(2, prefix: "ui-bulk"));
        var page = await SignInAsync(AdminKey);
        await page.GetByTestId("search").FillAsync("ui-bulk-");
        await Expect(page.GetByTestId("tool-row")).ToHaveCountAsync(2);

        await page.GetByLabel($"Select {first.Name}").CheckAsync();
        await page.GetByLabel($"Select {second.Name}").CheckAsync();
        await page.GetByTestId("bulk-disable").ClickAsync();

        await Expect(page.GetByTestId("message")).ToContainTextAsync("2 tool(s) done");
        Assert.Multiple(async () =>
        {
            Assert.That((await Host.Store.GetAsync(first.Name))!.Definition.Enabled, Is.False);
            Assert.That((await Host.Store.GetAsync(second.Name))!.Definition.Enabled, Is.False);
        });
    }

    private string ToolUrl(string name) => new Uri(Host.BaseAddress, $"/admin/tools/{name}").ToString();

    private async Task<ToolDefinition> CreateAsync(ToolDefinition tool)
    {
        var written = await Host.Store.CreateAsync(tool);
        await Host.Catalog.WaitForRevisionAsync(written.Revision);
        return tool;
    }

    private async Task PublishAsync(ToolDefinition tool)
    {
        var written = await Host.Store.PublishAsync(tool);
        await Host.Catalog.WaitForRevisionAsync(written.Revision);
    }
}
