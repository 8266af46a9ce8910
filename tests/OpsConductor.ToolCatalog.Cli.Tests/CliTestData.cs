using OpsConductor.ToolCatalog.LocalPostgres;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>
/// Temporary folders of the test run, under the system temporary folder (never the user's own folders), readable by
/// the account a private server runs as when the tests run as root. Removed at the end of the run, after stopping any
/// private server started in them.
/// </summary>
internal static class CliTestData
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "toolcatalog-cli-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root, Traversable);
        return root;
    });

    private static int _folders;

    private const UnixFileMode Traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>The data folder the harness gives commands that set none.</summary>
    public static string DataDirectory => Path.Combine(Root.Value, "default-data");

    /// <summary>A new, empty folder of the run.</summary>
    public static string NewFolder(string label)
    {
        var folder = Path.Combine(Root.Value, $"{label}-{Interlocked.Increment(ref _folders)}");
        Directory.CreateDirectory(folder, Traversable);
        return folder;
    }

    /// <summary>Stops every private server started under the run's folders and deletes them.</summary>
    public static async Task CleanUpAsync()
    {
        if (!Root.IsValueCreated || !Directory.Exists(Root.Value))
        {
            return;
        }

        foreach (var state in Directory.EnumerateFiles(Root.Value, "instance.json", SearchOption.AllDirectories))
        {
            try
            {
                await LocalPostgresServer.StopPersistentAsync(Path.GetDirectoryName(state)!);
            }
            catch (LocalPostgresException)
            {
                // Best effort: the folder goes next, and a postmaster whose data folder vanished shuts down.
            }
        }

        Directory.Delete(Root.Value, recursive: true);
    }
}

/// <summary>Cleans up the run's temporary folders once every CLI test has run.</summary>
[SetUpFixture]
public sealed class CliTestDataSetUp
{
    [OneTimeTearDown]
    public async Task RemoveTemporaryFolders() => await CliTestData.CleanUpAsync();
}
