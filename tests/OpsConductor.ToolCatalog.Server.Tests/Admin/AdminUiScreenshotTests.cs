using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;
using static Microsoft.Playwright.Assertions;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>
/// Screenshots of the sign-in, tools, tool, playground and audit pages over the sample catalog (samples/tools), taken in a real Chromium: into
/// <c>TOOLCATALOG_UI_SCREENSHOTS</c> when set (<c>docs/ui</c> to refresh the docs' pictures), else into the test's
/// work folder. Each page is checked to show what it is about before it is taken.
/// </summary>
[TestFixture]
public sealed class AdminUiScreenshotTests
{
    [Test]
    public async Task A_screenshot_of_each_page_shows_the_sample_catalog()
    {
        var folder = Environment.GetEnvironmentVariable("TOOLCATALOG_UI_SCREENSHOTS") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(TestContext.CurrentContext.WorkDirectory, "admin-ui-screenshots");
        Directory.CreateDirectory(folder);
        await using var host = await ServerHost.StartAsync(static h => h.ServeOverKestrel());
        var tools = new ToolYamlReader().ReadFolder(TestPaths.SampleTools).SelectMany(d => d.Tools).ToList();
        await host.Store.ImportAsync(tools);
        var changed = tools[0] with { Version = tools[0].Version + ".1", Description = tools[0].Description + " Now with a shorter timeout." };
        var written = await host.Store.PublishAsync(changed);
        await host.Catalog.WaitForRevisionAsync(written.Revision);
        var key = (await host.Services.GetRequiredService<ApiKeyStore>().CreateAsync("docs-admin", ToolCatalogRoles.Admin, null, "tests")).Key;
        var browser = await Chromium.SharedAsync();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(host.BaseAddress, "/admin/signin").ToString());
        await Expect(page.GetByTestId("api-key")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "signin.png") });

        await page.GetByTestId("api-key").FillAsync(key);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.GetByTestId("live").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await Expect(page.GetByTestId("tool-row")).ToHaveCountAsync(Math.Min(25, tools.Count));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "tools.png") });

        await page.GotoAsync(new Uri(host.BaseAddress, $"/admin/tools/{changed.Name}").ToString());
        await Expect(page.GetByTestId("version")).ToHaveTextAsync(changed.Version);
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("shorter timeout");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "tool.png"), FullPage = true });

        await AdminPages.OpenAsync(page, host.BaseAddress, "/admin/playground");
        await page.GetByTestId("capabilities").FillAsync("log_search");
        await page.GetByTestId("query").FillAsync("find errors in the journal quickly");
        await page.GetByTestId("variable-name-0").FillAsync("N");
        await page.GetByTestId("variable-value-0").FillAsync("5");
        await page.GetByTestId("add-variable").ClickAsync();
        await page.GetByTestId("variable-name-1").FillAsync("lines");
        await page.GetByTestId("variable-value-1").FillAsync("1000");
        await page.GetByTestId("select").ClickAsync();
        await Expect(page.GetByTestId("result-revision")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "playground.png"), FullPage = true });
        await Expect(page.Locator("tr.chosen[data-testid='candidate']")).ToHaveCountAsync(1);

        await AdminPages.OpenAsync(page, host.BaseAddress, "/admin/audit");
        var published = page.Locator($"tr[data-testid='audit-entry'][data-tool='{changed.Name}']").First;
        await published.GetByTestId("audit-expand").ClickAsync();
        await Expect(published.GetByTestId("audit-diff")).ToContainTextAsync("shorter timeout");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "audit.png") });

        Assert.That(new[] { "signin.png", "tools.png", "tool.png", "playground.png", "audit.png" }.Select(f => new FileInfo(Path.Combine(folder, f)).Length), Has.All.GreaterThan(10_000));
    }
}
