using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>
/// Temporary folders of the test run, under the tests' scratch folder (<see cref="TestScratch.Root"/>: tmpfs when
/// there is one; never the user's own folders), readable by the account a private server runs as when the tests run
/// as root. Removed at the end of the run, after stopping any private server started in them; the folders of a run
/// that was killed are removed by the next run's start (each holds its owner's process id).
/// </summary>
internal static class CliTestData
{
    private const string Prefix = "toolcatalog-cli-tests-";
    private const string OwnerFile = "owner.pid";

    private static readonly Lazy<string> Root = new(() =>
    {
        var root = Path.Combine(TestScratch.Root, Prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root, Traversable);
        File.WriteAllText(Path.Combine(root, OwnerFile), LocalPostgresServer.OwnerRecord(Environment.ProcessId));
        return root;
    });

    private static int _folders;

    private const UnixFileMode Traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly SemaphoreSlim DefaultServerGate = new(1, 1);

    /// <summary>The data folder the harness gives commands that set none.</summary>
    public static string DataDirectory => Path.Combine(Root.Value, "default-data");

    /// <summary>
    /// Gives <see cref="DataDirectory"/> an initialised private server instance (its <c>pg</c> folder) copied from the
    /// test servers' source (<see cref="TestServer.CopySourceAsync"/>) unless it has one, so that the first command
    /// there starts a server instead of running <c>initdb</c>. For the tests of commands that use the default server;
    /// the first use of a data folder, <c>initdb</c> included, is EmbeddedDatabaseTests' subject (a folder of their own).
    /// </summary>
    public static async Task PrepareDefaultServerAsync()
    {
        await DefaultServerGate.WaitAsync();
        try
        {
            var instance = Path.Combine(DataDirectory, "pg");
            if (!Directory.Exists(instance))
            {
                await TestServer.CopySourceAsync(instance, Path.Combine(Root.Value, "default-socket"));
            }
        }
        finally
        {
            DefaultServerGate.Release();
        }
    }

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
        if (Root.IsValueCreated && Directory.Exists(Root.Value))
        {
            await StopAndDeleteAsync(Root.Value);
        }
    }

    /// <summary>Stops the servers of earlier runs that were killed (their owner process is gone) and deletes their folders.</summary>
    public static async Task RemoveAbandonedAsync()
    {
        foreach (var folder in Directory.EnumerateDirectories(TestScratch.Root, Prefix + "*"))
        {
            var owner = Path.Combine(folder, OwnerFile);
            if (File.Exists(owner) && LocalPostgresServer.IsAbandoned(await File.ReadAllTextAsync(owner)))
            {
                await StopAndDeleteAsync(folder);
            }
        }
    }

    private static async Task StopAndDeleteAsync(string root)
    {
        foreach (var state in Directory.EnumerateFiles(root, "instance.json", SearchOption.AllDirectories))
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

        Directory.Delete(root, recursive: true);
    }
}

/// <summary>Removes the folders of killed runs before the CLI tests, and the run's own folders once every CLI test has run.</summary>
[SetUpFixture]
public sealed class CliTestDataSetUp
{
    [OneTimeSetUp]
    public async Task RemoveFoldersOfKilledRuns() => await CliTestData.RemoveAbandonedAsync();

    [OneTimeTearDown]
    public async Task RemoveTemporaryFolders() => await CliTestData.CleanUpAsync();
}
