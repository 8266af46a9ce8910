using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>
/// What every admin browser fixture sets up: the sample host over Kestrel and a real PostgreSQL, an admin and a viewer
/// key, the test assembly's one Chromium (<see cref="Chromium.SharedAsync"/>) and a fresh browser context (no cookies)
/// per test; Playwright's assertions wait up to 20 s on the DOM.
/// </summary>
public abstract class AdminBrowserFixture
{
    private IBrowserContext? _context;

    /// <summary>The server under test.</summary>
    private protected ServerHost Host { get; private set; } = null!;

    /// <summary>The browser (shared by every browser fixture of the assembly: open contexts, never close it).</summary>
    protected IBrowser Browser { get; private set; } = null!;

    /// <summary>An admin key of the server.</summary>
    protected string AdminKey { get; private set; } = null!;

    /// <summary>A viewer key of the server.</summary>
    protected string ViewerKey { get; private set; } = null!;

    /// <summary>The current test's browser context (created by the first sign-in or new page), or null.</summary>
    protected IBrowserContext? Context => _context;

    /// <summary>Names the fixture's keys (<c>{prefix}-admin</c>, <c>{prefix}-viewer</c>): the actor its changes are audited as.</summary>
    protected abstract string KeyPrefix { get; }

    /// <summary>The viewport of the test's pages (null: Playwright's default).</summary>
    protected virtual ViewportSize? Viewport => null;

    /// <summary>Starts the host; a fixture that needs more services overrides it.</summary>
    private protected virtual Task<ServerHost> StartHostAsync() => ServerHost.StartAsync(static h => h.ServeOverKestrel());

    [OneTimeSetUp]
    public async Task StartHostAndBrowser()
    {
        Host = await StartHostAsync();
        var keys = Host.Services.GetRequiredService<ApiKeyStore>();
        AdminKey = (await keys.CreateAsync($"{KeyPrefix}-admin", ToolCatalogRoles.Admin, null, "tests")).Key;
        ViewerKey = (await keys.CreateAsync($"{KeyPrefix}-viewer", ToolCatalogRoles.Viewer, null, "tests")).Key;
        Browser = await Chromium.SharedAsync();
        SetDefaultExpectTimeout(20_000);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }

    [TearDown]
    public async Task CloseContext()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
            _context = null;
        }
    }

    /// <summary>Signs in with <paramref name="key"/> on a new page of the test's context.</summary>
    protected async Task<IPage> SignInAsync(string key) => await AdminPages.SignInAsync(await ContextAsync(), Host.BaseAddress, key);

    /// <summary>A new page of the test's context (created when the test has none yet), not signed in by itself.</summary>
    protected async Task<IPage> NewPageAsync() => await (await ContextAsync()).NewPageAsync();

    private async Task<IBrowserContext> ContextAsync() =>
        _context ??= await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Host.BaseAddress.ToString(), ViewportSize = Viewport });

    /// <summary>Opens <paramref name="path"/> and waits for its interactive circuit.</summary>
    protected Task OpenAsync(IPage page, string path) => AdminPages.OpenAsync(page, Host.BaseAddress, path);
}
