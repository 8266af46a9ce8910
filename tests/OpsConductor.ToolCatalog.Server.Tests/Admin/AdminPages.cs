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
        // Polls the address only. WaitForURLAsync, when the redirect has already landed, waits for the page's "load"
        // state whatever WaitUntil says, and that wait timed out once in a fresh-clone CI run although the page had
        // arrived; the page's own marker (below) says when it is usable.
        await Assertions.Expect(page).ToHaveURLAsync(
            new System.Text.RegularExpressions.Regex("/admin(/signin\\?.*)?$"),
            new PageAssertionsToHaveURLOptions { Timeout = 30_000 });
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
