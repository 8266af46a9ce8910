namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>
/// Where the tests put the data folders of the PostgreSQL servers they start (the shared throwaway server, private
/// servers, the launcher tests' servers, the CLI's private servers): <c>/dev/shm/toolcatalog-tests-&lt;user&gt;</c> when
/// <c>/dev/shm</c> is a writable folder with at least <see cref="MinimumFreeBytes"/> free, else the system temporary
/// folder; <c>TOOLCATALOG_TEST_SCRATCH</c> names another folder. On tmpfs, creating and dropping the tests' databases
/// costs no disk I/O and no ext4 inode work (which was half of a test run's CPU); nothing in the tests depends on where
/// the folder is.
/// </summary>
/// <remarks>The folder is the same for every run of one user, so that a throwaway server's start removes the instances
/// of a killed run (<see cref="OpsConductor.ToolCatalog.LocalPostgres.LocalPostgresServer.StartEphemeralAsync"/>). It
/// is traversable by others (mode 0755): when the tests run as root, the servers run as an unprivileged account that
/// must reach their data folders.</remarks>
internal static class TestScratch
{
    /// <summary>The environment variable naming the scratch folder instead of the default choice.</summary>
    public const string Variable = "TOOLCATALOG_TEST_SCRATCH";

    /// <summary>How much free space <c>/dev/shm</c> needs to be chosen (2 GB).</summary>
    public const long MinimumFreeBytes = 2L << 30;

    private const UnixFileMode Traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly Lazy<string> LazyRoot = new(() => Choose(Environment.GetEnvironmentVariable, "/dev/shm"));

    /// <summary>The scratch folder of this run (created on first use).</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>
    /// Chooses the scratch folder: <paramref name="getVariable"/>'s <see cref="Variable"/> when set, else a folder of
    /// this user under <paramref name="memoryFolder"/> when that is a writable folder with enough free space, else one
    /// under the system temporary folder. Creates it.
    /// </summary>
    internal static string Choose(Func<string, string?> getVariable, string memoryFolder)
    {
        var configured = getVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Create(Path.GetFullPath(configured));
        }

        var name = "toolcatalog-tests-" + Environment.UserName;
        return TryMemoryFolder(memoryFolder, name) ?? Create(Path.Combine(Path.GetTempPath(), name));
    }

    private static string? TryMemoryFolder(string memoryFolder, string name)
    {
        try
        {
            if (!Directory.Exists(memoryFolder) || new DriveInfo(memoryFolder).AvailableFreeSpace < MinimumFreeBytes)
            {
                return null;
            }

            var folder = Create(Path.Combine(memoryFolder, name));
            var probe = Path.Combine(folder, ".probe-" + Environment.ProcessId);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return folder;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static string Create(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, Traversable);
        }

        return folder;
    }
}
