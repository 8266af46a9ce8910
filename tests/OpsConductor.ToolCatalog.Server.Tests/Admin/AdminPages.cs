using Microsoft.Playwright;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>What every admin browser test does with a page: sign in with a key, open an admin page, and wait until the
/// page's interactive circuit is up (a click on a prerendered button before that is lost).</summary>
internal static class AdminPages
{
    /// <summary>The viewport the screenshots in docs/ui are taken at.</summary>
    public static ViewportSize Screen { get; } = new() { Width = 1280, Height = 860 };

    /// <summary>Signs in on a new page of <paramref name="context"/>; waits for the admin page's circuit unless the sign-in
    /// was refused (the page then stays on the sign-in form).</summary>
    public static async Task<IPage> SignInAsync(IBrowserContext context, Uri baseAddress, string key)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(baseAddress, "/admin/signin").ToString());
        await page.GetByTestId("api-key").FillAsync(key);
        await page.GetByTestId("sign-in").ClickAsync();
        // Only the navigation's commit: the page's own marker (below) says when it is usable. Waiting for the "load"
        // event as well timed out once under a full parallel suite although the page had arrived (network idle).
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/admin(/signin\\?.*)?$"), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        if (!page.Url.Contains("/signin", StringComparison.Ordinal))
        {
            await WaitForCircuitAsync(page);
        }

        return page;
    }

    /// <summary>Opens <paramref name="pathOrUrl"/> (relative to <paramref name="baseAddress"/>) and waits for its circuit.</summary>
    public static async Task OpenAsync(IPage page, Uri baseAddress, string pathOrUrl)
    {
        await page.GotoAsync(new Uri(baseAddress, pathOrUrl).ToString());
        await WaitForCircuitAsync(page);
    }

    /// <summary>Waits until the page's interactive circuit is up (the page renders a marker once it is interactive).</summary>
    public static async Task WaitForCircuitAsync(IPage page) =>
        await page.GetByTestId("live").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
}
