using System.Diagnostics;
using Microsoft.Playwright;

namespace OpsConductor.ToolCatalog.Server.Tests.Support;

/// <summary>
/// The real Chromium the admin UI's browser tests drive: Debian's <c>chromium</c> package (<c>/usr/bin/chromium</c>,
/// or <c>TOOLCATALOG_CHROMIUM</c>). When it is missing and the tests run as root with apt, it is installed
/// (<c>apt-get install -y chromium</c>) once per run; otherwise the test fails saying how to install it. Never skipped,
/// and never Playwright's own browser download (the network is closed).
/// </summary>
internal static class Chromium
{
    /// <summary>Launch flags that work as root on a closed network.</summary>
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static readonly SemaphoreSlim SharedLock = new(1, 1);
    private static string? _path;
    private static (IPlaywright Playwright, IBrowser Browser)? _shared;

    /// <summary>
    /// The test assembly's one Chromium (and its Playwright driver), launched by the first browser fixture that asks and
    /// closed after the assembly's last test (<c>SharedChromiumTeardown</c>). Fixtures share the browser, never a context: each
    /// test opens a fresh <see cref="IBrowserContext"/> (own cookies and storage) and closes it.
    /// </summary>
    public static async Task<IBrowser> SharedAsync()
    {
        await SharedLock.WaitAsync();
        try
        {
            if (_shared is not { Browser.IsConnected: true } shared)
            {
                await CloseSharedCoreAsync();
                shared = await LaunchAsync();
                _shared = shared;
            }

            return shared.Browser;
        }
        finally
        {
            SharedLock.Release();
        }
    }

    /// <summary>Closes the shared Chromium, if one was launched.</summary>
    public static async Task CloseSharedAsync()
    {
        await SharedLock.WaitAsync();
        try
        {
            await CloseSharedCoreAsync();
        }
        finally
        {
            SharedLock.Release();
        }
    }

    private static async Task CloseSharedCoreAsync()
    {
        if (_shared is { } shared)
        {
            _shared = null;
            await shared.Browser.DisposeAsync();
            shared.Playwright.Dispose();
        }
    }

    /// <summary>Starts Playwright and a headless Chromium with a fresh profile of its own.</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var path = await FindOrInstallAsync();
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = path,
                Headless = true,
                // Playwright gives every launch a fresh temporary profile (--user-data-dir) of its own and deletes it on close.
                Args = Flags,
                Timeout = 60_000,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    private static async Task<string> FindOrInstallAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (_path is not null)
            {
                return _path;
            }

            var configured = Environment.GetEnvironmentVariable("TOOLCATALOG_CHROMIUM");
            string[] candidates = configured is { Length: > 0 } ? [configured] : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
            if (candidates.FirstOrDefault(File.Exists) is { } found)
            {
                return _path = found;
            }

            if (configured is { Length: > 0 })
            {
                Assert.Fail($"TOOLCATALOG_CHROMIUM names '{configured}', which does not exist. Point it at a Chromium binary, or unset it to use Debian's /usr/bin/chromium.");
            }

            if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
            {
                Assert.Fail("The admin UI's browser tests need Chromium at /usr/bin/chromium, and this process cannot install it (not root, or no apt-get). "
                    + "Install it with 'sudo apt-get install -y chromium', or set TOOLCATALOG_CHROMIUM to a Chromium binary.");
            }

            TestContext.Progress.WriteLine("Chromium is not installed: installing Debian's chromium package (apt-get) for the browser tests...");
            var update = await RunAsync("apt-get", "update");
            var install = await RunAsync("apt-get", "install -y chromium");
            if (!File.Exists("/usr/bin/chromium"))
            {
                Assert.Fail($"Installing Debian's chromium package failed, so the admin UI's browser tests cannot run.\napt-get update:\n{update}\napt-get install:\n{install}");
            }

            return _path = "/usr/bin/chromium";
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static async Task<string> RunAsync(string program, string arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        var text = (await output) + (await error);
        return text.Length > 4000 ? text[^4000..] : text;
    }
}
