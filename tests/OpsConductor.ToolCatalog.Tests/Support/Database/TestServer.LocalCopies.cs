using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <content>
/// Local servers started from a copy of one initialised instance folder instead of running <c>initdb</c> each time.
/// <para>The first local server the machine's test processes need for a build makes the <em>source</em>: a throwaway
/// server of its own <c>initdb</c> (<see cref="LocalPostgresServer.StartEphemeralAsync"/>), in which the migrated template
/// database is built; then it is stopped (a clean shutdown: no <c>postmaster.pid</c>, nothing to recover) and kept, never
/// started again, in a folder the other test processes of the run (and later runs of the same build) copy from
/// (<see cref="GetSourceAsync"/>). Every local test
/// server, shared or private, is then a full copy of that folder (<c>cp -a</c>: new files, nothing shared or hard-linked
/// with the source, owners and modes kept for the service account), started as a persistent instance
/// (<see cref="LocalPostgresServer.StartPersistentAsync"/>) with the throwaway servers' speed settings, and with state
/// of its own: a free port chosen at start, its own unix socket folder, and a new superuser password set at once (so a
/// connection string of one server can never log in to another that later gets the same port). It already holds the
/// migrated template database, so it runs no migration; <c>template1</c> is untouched, so a database made with
/// <c>migrate: false</c> still starts empty. Disposing the server stops it and deletes the copy. Copies are named and
/// owned like throwaway instances (<c>toolcatalog-pg-…</c>, <c>owner.pid</c>), so the next start of a throwaway server
/// removes those of a killed run.</para>
/// <para>One source serves every server the tests make here: they all use the launcher's default superuser and
/// authentication (what <c>initdb</c> writes), and TLS (<see cref="StartPrivateLocalAsync"/>) is set in the settings
/// file at every start, not by <c>initdb</c>; only the password differs, and each copy sets its own. The tests whose
/// subject is initialisation itself (LocalPostgresServerTests: first use, the secret file, the service account, the
/// throwaway lifecycle; the CLI's first use of a data folder) do not come here: they start their servers directly and
/// run the real <c>initdb</c>.</para>
/// </content>
internal sealed partial class TestServer
{
    /// <summary>
    /// The throwaway servers' settings (durability off for speed), for the copies started as persistent instances, and a
    /// small buffer pool: a server zeroes and maps all of <c>shared_buffers</c> at every start, and the default 128 MB
    /// made that a tenth of the test servers' CPU (docs/benchmarks.md, "Test suite"); the test databases are small.
    /// </summary>
    private static readonly Dictionary<string, string> ThrowawaySettings = new()
    {
        ["fsync"] = "off",
        ["synchronous_commit"] = "off",
        ["full_page_writes"] = "off",
        ["shared_buffers"] = "16MB",
    };

    private static readonly LocalPostgresOptions CopyOptions = new() { ServerSettings = ThrowawaySettings };

    private static readonly SemaphoreSlim SourceGate = new(1, 1);
    private const string SourcePrefix = "toolcatalog-testsource-";
    private static string? _sourceFolder;
    private static string? _sourceTemplate;

    private bool _isCopy;

    /// <summary>
    /// A private local server (never a container nor TOOLCATALOG_TEST_CONNECTION) that accepts TLS connections with the
    /// given certificate and key (<see cref="LocalPostgresOptions.Tls"/>, applied at every start, so a copy of the
    /// source instance serves). Disposing it stops it and deletes its folder.
    /// </summary>
    public static async Task<TestServer> StartPrivateLocalAsync(LocalPostgresTls tls, CancellationToken cancellationToken = default)
    {
        var options = new LocalPostgresOptions { ServerSettings = ThrowawaySettings, Tls = tls };
        if (await StartLocalCopyAsync(options, cancellationToken) is { } copy)
        {
            return copy;
        }

        var local = await LocalPostgresServer.StartEphemeralAsync(new LocalPostgresOptions { EphemeralParentDirectory = TestScratch.Root, Tls = tls }, cancellationToken);
        return new TestServer(TestServerKind.Local, local.ConnectionString, local, null);
    }

    /// <summary>Starts a copy of the source instance (made on first call), or returns null when a copy cannot be made here
    /// (the caller then runs <c>initdb</c>).</summary>
    private static async Task<TestServer?> StartLocalCopyAsync(LocalPostgresOptions options, CancellationToken cancellationToken)
    {
        var copy = Path.Combine(TestScratch.Root, "toolcatalog-pg-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        var run = Path.Combine(copy, "run");
        if (OperatingSystem.IsWindows() || !SocketFits(run))
        {
            // The product would put the socket in a folder of its own elsewhere (unix socket paths are short); not worth copying.
            return null;
        }

        LocalPostgresServer? local = null;
        try
        {
            var (template, _) = await CopyFromSourceAsync(copy, run, cancellationToken);
            // owner.pid ("<process id> <pid namespace>", LocalPostgresServer.OwnerRecord) came with the copy and names the
            // process that built the source, maybe another test process of the run, gone by now: name this process, so
            // that the housekeeping of a throwaway server's start never takes this live copy for an abandoned one.
            var owner = Path.Combine(copy, "owner.pid");
            var record = (await File.ReadAllTextAsync(owner, cancellationToken)).Split(' ', 2);
            await File.WriteAllTextAsync(owner, $"{Environment.ProcessId} {record.ElementAtOrDefault(1)}".TrimEnd(), cancellationToken);

            // Started with the source's password, which is then replaced by one of its own.
            local = await LocalPostgresServer.StartPersistentAsync(copy, options, cancellationToken);
            var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
            await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(WithoutTypeLoading(local.ConnectionString)) { Pooling = false }.ConnectionString))
            {
                await admin.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand($"ALTER ROLE \"{local.Username}\" PASSWORD '{password}'", admin);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            UpdateState(copy, state => state["password"] = password);
            local = await LocalPostgresServer.StartPersistentAsync(copy, options, cancellationToken); // the running server, with the new password
            return new TestServer(TestServerKind.Local, local.ConnectionString, local, null) { _template = template, _isCopy = true };
        }
        catch
        {
            if (local is not null)
            {
                await StopAndDeleteCopyAsync(local);
            }
            else
            {
                TryDelete(copy);
            }

            throw;
        }
    }

    /// <summary>
    /// Makes <paramref name="instanceDirectory"/> (which must not exist yet) a stopped, initialised instance folder as
    /// <c>initdb</c> would leave it, by copying the source: the launcher's next <see cref="LocalPostgresServer.StartPersistentAsync"/>
    /// there starts it without running <c>initdb</c> (for tests whose subject is using a private server, not making one).
    /// Its unix socket goes in <paramref name="socketDirectory"/> (made here, owned by the service account), which must be
    /// short (the launcher's own initialisation puts the socket elsewhere when the instance path is too long). It keeps the
    /// source's password, which no running test server has (every copy started here sets its own), and holds the source's
    /// template database besides <c>template1</c>.
    /// </summary>
    internal static async Task CopySourceAsync(string instanceDirectory, string socketDirectory, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Local server copies are made on Linux and macOS only.");
        }

        if (!SocketFits(socketDirectory))
        {
            throw new ArgumentException($"The socket folder '{socketDirectory}' is too long for a unix socket path.", nameof(socketDirectory));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(instanceDirectory)!);
        var (_, account) = await CopyFromSourceAsync(instanceDirectory, socketDirectory, cancellationToken);
        File.Delete(Path.Combine(instanceDirectory, "owner.pid")); // the mark of a throwaway instance: this one is persistent
        Directory.CreateDirectory(socketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (account is not null && Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", [account + ":", socketDirectory], cancellationToken);
        }
    }

    /// <summary>Whether a unix socket in <paramref name="directory"/> has a short enough path (as the launcher checks).</summary>
    private static bool SocketFits(string directory) => Path.Combine(directory, ".s.PGSQL.65535").Length <= 100;

    /// <summary>
    /// Copies the source (<see cref="GetSourceAsync"/>, made on first call) to <paramref name="destination"/> (<c>cp -a</c>),
    /// without the source's server log and <c>template.name</c>, its state set to choose a free port at start and to put its
    /// socket in <paramref name="socketDirectory"/>. Returns the template database's name and the service account the
    /// state names (null when not root).
    /// </summary>
    private static async Task<(string Template, string? Account)> CopyFromSourceAsync(string destination, string socketDirectory, CancellationToken cancellationToken)
    {
        var (source, template) = await GetSourceAsync(cancellationToken);
        await RunAsync("cp", ["-a", source, destination], cancellationToken);
        File.Delete(Path.Combine(destination, "template.name"));
        File.Delete(Path.Combine(destination, "run", "server.log"));
        string? account = null;
        UpdateState(destination, state =>
        {
            account = (string?)state["service_account"];
            state["port"] = 0; // a free port, chosen at start
            state["socket_directory"] = socketDirectory;
        });
        return (template, account);
    }

    /// <summary>
    /// The stopped source instance folder and the name of its migrated template database. The source is shared by every
    /// test process of the machine that tests the same build (the test projects of one <c>dotnet test</c> run start
    /// together): it lives in <see cref="TestScratch.Root"/> under a name keyed by the product assemblies' module version
    /// ids (they change with their content: the migrations, the launcher's <c>initdb</c>) and the PostgreSQL binaries, and
    /// the first process to need it builds it while holding a machine-wide named mutex, so the others wait for it instead of
    /// running <c>initdb</c> and the migrations again. It is complete once its <c>template.name</c> file exists (written
    /// last). It stays for the next run of the same build; caches of other builds unused for two hours are removed.
    /// </summary>
    private static async Task<(string Folder, string Template)> GetSourceAsync(CancellationToken cancellationToken)
    {
        await SourceGate.WaitAsync(cancellationToken);
        try
        {
            if (_sourceFolder is null)
            {
                var binaries = await PostgresBinaries.FindAsync(cancellationToken: cancellationToken);
                var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|',
                    typeof(ToolCatalogStore).Assembly.ManifestModule.ModuleVersionId,
                    typeof(LocalPostgresServer).Assembly.ManifestModule.ModuleVersionId,
                    binaries.Directory,
                    binaries.VersionText,
                    string.Join(',', ThrowawaySettings.Select(setting => setting.Key + "=" + setting.Value))))))[..16];
                var folder = Path.Combine(TestScratch.Root, SourcePrefix + key);
                var templateFile = Path.Combine(folder, "template.name");
                if (!File.Exists(templateFile))
                {
                    await WithMachineLockAsync(SourcePrefix + key, async () =>
                    {
                        if (!File.Exists(templateFile))
                        {
                            await BuildSourceAsync(folder, templateFile, cancellationToken);
                        }
                    });
                }

                _sourceTemplate = await File.ReadAllTextAsync(templateFile, cancellationToken);
                File.SetLastWriteTimeUtc(templateFile, DateTime.UtcNow); // in use: see BuildSourceAsync's clean-up
                _sourceFolder = folder;
            }

            return (_sourceFolder, _sourceTemplate!);
        }
        finally
        {
            SourceGate.Release();
        }
    }

    /// <summary>
    /// Builds the source in <paramref name="folder"/>: a throwaway server of its own <c>initdb</c> in which the migrated
    /// template database is made, stopped cleanly (no <c>postmaster.pid</c>, nothing to recover), copied into the folder,
    /// then deleted; <paramref name="templateFile"/> is written last. Also removes the sources of other builds.
    /// </summary>
    private static async Task BuildSourceAsync(string folder, string templateFile, CancellationToken cancellationToken)
    {
        TryDelete(folder); // a build a killed run left unfinished
        await using (var source = await StartLocalAsync(cancellationToken))
        {
            var template = await source.GetTemplateAsync(cancellationToken);
            await source.StopAsync(cancellationToken); // a clean shutdown, the admin pool emptied first
            await RunAsync("cp", ["-a", source.Local!.InstanceDirectory, folder], cancellationToken);
            File.Delete(Path.Combine(folder, "run", "server.log"));
            await File.WriteAllTextAsync(templateFile, template, cancellationToken);
        }

        foreach (var other in Directory.GetDirectories(TestScratch.Root, SourcePrefix + "*"))
        {
            var mark = Path.Combine(other, "template.name");
            // Each process that uses a source marks its template.name (GetSourceAsync): one no process used for two hours
            // (or left unfinished) belongs to an old build.
            if (other != folder && (!File.Exists(mark) || File.GetLastWriteTimeUtc(mark) < DateTime.UtcNow.AddHours(-2)))
            {
                TryDelete(other);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> holding the machine-wide named mutex <paramref name="name"/>, on a thread of its own
    /// (a mutex is released by the thread that took it, so the action runs to its end there). A mutex abandoned by a
    /// killed process is taken over.
    /// </summary>
    private static Task WithMachineLockAsync(string name, Func<Task> action) =>
        Task.Factory.StartNew(
            () =>
            {
                using var mutex = new Mutex(initiallyOwned: false, name);
                try
                {
                    mutex.WaitOne();
                }
                catch (AbandonedMutexException)
                {
                    // Ours now: the process that held it died; whatever it left half made is made again.
                }

                try
                {
                    action().GetAwaiter().GetResult();
                }
                finally
                {
                    mutex.ReleaseMutex();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private static async Task StopAndDeleteCopyAsync(LocalPostgresServer local)
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await local.StopAsync();
        }
        catch (LocalPostgresException)
        {
            // Best effort: the folder goes next, and a postmaster whose data folder vanished shuts itself down.
        }

        TryDelete(local.InstanceDirectory);
    }

    /// <summary>Rewrites the instance's state file (<c>instance.json</c>, mode 0600, kept on overwrite).</summary>
    private static void UpdateState(string instance, Action<JsonObject> change)
    {
        var path = Path.Combine(instance, "instance.json");
        var state = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidOperationException($"'{path}' holds no JSON object.");
        foreach (var key in new[] { "port", "password", "socket_directory" })
        {
            if (!state.ContainsKey(key))
            {
                throw new InvalidOperationException($"'{path}' has no \"{key}\": the instance state file changed; update {nameof(TestServer)}.{nameof(UpdateState)}.");
            }
        }

        change(state);
        File.WriteAllText(path, state.ToJsonString());
    }

    private static async Task RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} failed (exit code {process.ExitCode}): {error}");
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the next throwaway server's start removes it once this process is gone.
        }
    }
}
