using System.Globalization;
using System.Security.Cryptography;
using Npgsql;

namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <summary>
/// A private PostgreSQL server started from the machine's own binaries: listening on 127.0.0.1 only, on a free
/// port, with its unix socket in a private folder, password authentication with a generated secret, and run as
/// an unprivileged account when this process is root.
/// </summary>
/// <remarks>
/// <para>Two modes. <see cref="StartEphemeralAsync"/> makes a throwaway instance in a temporary folder (durability
/// switched off for speed) that <see cref="DisposeAsync"/> stops and deletes; test runs use it.
/// <see cref="StartPersistentAsync"/> keeps an instance in a given folder, initialises it on first use and reuses
/// it when it is already running; disposing the object leaves that server running for the next process, and
/// <see cref="StopPersistentAsync"/> stops it.</para>
/// <para>Instance folder layout: <c>instance.json</c> (port, superuser, secret; mode 0600), <c>data/</c>
/// (<c>PGDATA</c>), <c>run/</c> (unix socket and <c>server.log</c>). When this process is root, <c>data/</c> and
/// <c>run/</c> belong to the service account, and every folder above the instance must let that account through:
/// a folder under <c>/root</c> (mode 0700) cannot be used; <see cref="DefaultInstanceDirectory"/> picks
/// <c>/var/lib/opsconductor-toolcatalog/pg</c> for root for that reason.</para>
/// </remarks>
public sealed partial class LocalPostgresServer : IAsyncDisposable
{
    private const string EphemeralPrefix = "toolcatalog-pg-";
    private const string OwnerFileName = "owner.pid";
    private const string LockFileName = ".lock";
    private const string SettingsFileName = "toolcatalog.conf";
    private const int MaxUnixSocketPath = 100;

    private readonly LocalPostgresOptions _options;
    private readonly ServerAccount _account;
    private InstanceState _state;
    private bool _disposed;

    private LocalPostgresServer(string instanceDirectory, bool isEphemeral, PostgresBinaries binaries, ServerAccount account, InstanceState state, LocalPostgresOptions options)
    {
        InstanceDirectory = instanceDirectory;
        IsEphemeral = isEphemeral;
        Binaries = binaries;
        _account = account;
        _state = state;
        _options = options;
    }

    /// <summary>The instance folder.</summary>
    public string InstanceDirectory { get; }

    /// <summary>The PostgreSQL data folder (<c>PGDATA</c>).</summary>
    public string DataDirectory => DataDirectoryOf(InstanceDirectory);

    /// <summary>The server log.</summary>
    public string LogFile => LogFileOf(InstanceDirectory);

    /// <summary>Whether this is a throwaway instance, deleted on dispose.</summary>
    public bool IsEphemeral { get; }

    /// <summary>The server programs used.</summary>
    public PostgresBinaries Binaries { get; }

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port => _state.Port;

    /// <summary>The superuser's name.</summary>
    public string Username => _state.Username;

    /// <summary>The account the server runs as when it is not the current user (this process is root), else null.</summary>
    public string? ServiceAccount => _account.Name;

    /// <summary>Whether the server was started (or found running) and not stopped since through this object.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>A connection string for the <c>postgres</c> database as the superuser (it holds the secret: never log it).</summary>
    public string ConnectionString => GetConnectionString("postgres");

    /// <summary>
    /// The default instance folder of the <c>toolcatalog</c> command: <c>$XDG_DATA_HOME/opsconductor-toolcatalog/pg</c>
    /// (else <c>~/.local/share/opsconductor-toolcatalog/pg</c>); for root <c>/var/lib/opsconductor-toolcatalog/pg</c>,
    /// because the server then runs as an unprivileged account that cannot enter <c>/root</c>.
    /// </summary>
    public static string DefaultInstanceDirectory
    {
        get
        {
            if (Environment.IsPrivilegedProcess)
            {
                return "/var/lib/opsconductor-toolcatalog/pg";
            }

            var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(dataHome))
            {
                dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }

            return Path.Combine(dataHome, "opsconductor-toolcatalog", "pg");
        }
    }

    /// <summary>A connection string for <paramref name="database"/> as the superuser.</summary>
    public string GetConnectionString(string database)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = _state.Port,
            Username = _state.Username,
            Password = _state.Password,
            Database = database,
        }.ConnectionString;
    }

    /// <summary>
    /// Starts a throwaway server in a new temporary folder. Also removes throwaway folders whose owning process
    /// has died (a test run that was killed), stopping their servers.
    /// </summary>
    /// <exception cref="LocalPostgresException">No binaries, no usable account, or the server would not start; the message says what to do.</exception>
    public static async Task<LocalPostgresServer> StartEphemeralAsync(LocalPostgresOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalPostgresOptions();
        EnsureSupportedPlatform();
        var binaries = await FindBinariesAsync(options, cancellationToken).ConfigureAwait(false);
        var account = await ServerAccount.ResolveAsync(options.ServiceAccount, cancellationToken).ConfigureAwait(false);
        var parent = Path.GetFullPath(options.EphemeralParentDirectory ?? Path.GetTempPath());
        await RemoveAbandonedEphemeralInstancesAsync(parent, binaries, account, options.TimeProvider, cancellationToken).ConfigureAwait(false);

        var instance = Path.Combine(parent, EphemeralPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(instance, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        await File.WriteAllTextAsync(Path.Combine(instance, OwnerFileName), OwnerRecord(Environment.ProcessId), cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await InitializeAsync(instance, binaries, account, options, durable: false, cancellationToken).ConfigureAwait(false);
            var server = new LocalPostgresServer(instance, isEphemeral: true, binaries, account, state, options);
            await server.StartServerAsync(preferredPort: null, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await StopQuietlyAsync(instance, binaries, account).ConfigureAwait(false);
            TryDeleteDirectory(instance);
            throw;
        }
    }

    /// <summary>
    /// Starts (or reuses) the persistent server in <paramref name="instanceDirectory"/>: initialises it on first use,
    /// returns at once when it is already running (same port and secret), otherwise starts it on its previous port
    /// when free, else on a new free one. Safe when several processes call it at once (a lock file serialises them).
    /// </summary>
    /// <exception cref="LocalPostgresException">No binaries, the folder is unusable (for example unreachable by the service
    /// account), or the server would not start; the message says what to do.</exception>
    public static async Task<LocalPostgresServer> StartPersistentAsync(string instanceDirectory, LocalPostgresOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceDirectory);
        options ??= new LocalPostgresOptions();
        EnsureSupportedPlatform();
        var instance = Path.GetFullPath(instanceDirectory);
        Directory.CreateDirectory(instance, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        using var instanceLock = await AcquireLockAsync(instance, options.StartTimeout, cancellationToken).ConfigureAwait(false);

        var account = await ServerAccount.ResolveAsync(options.ServiceAccount, cancellationToken).ConfigureAwait(false);
        var state = InstanceState.TryRead(instance);
        var initialized = File.Exists(Path.Combine(DataDirectoryOf(instance), "PG_VERSION"));
        var binaries = await ChooseBinariesForInstanceAsync(instance, state, initialized, options, cancellationToken).ConfigureAwait(false);

        if (!initialized || state is null)
        {
            if (initialized)
            {
                throw new LocalPostgresException(
                    $"The data folder '{DataDirectoryOf(instance)}' exists but its state file '{Path.Combine(instance, InstanceState.FileName)}' "
                    + "(port and secret) is missing, so the server's password is unknown. Delete the instance folder to start afresh.");
            }

            state = await InitializeAsync(instance, binaries, account, options, durable: true, cancellationToken).ConfigureAwait(false);
        }

        var server = new LocalPostgresServer(instance, isEphemeral: false, binaries, account, state, options);
        var running = ReadRunningPostmaster(instance);
        if (running is not null)
        {
            server._state = state with { Port = running.Value.Port };
            await server.WaitUntilAcceptingAsync(cancellationToken).ConfigureAwait(false);
            server.IsRunning = true;
            return server;
        }

        await server.StartServerAsync(preferredPort: state.Port == 0 ? null : state.Port, cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Reports on the persistent instance in <paramref name="instanceDirectory"/> without starting anything.</summary>
    public static Task<LocalPostgresStatus> GetStatusAsync(string instanceDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceDirectory);
        cancellationToken.ThrowIfCancellationRequested();
        var instance = Path.GetFullPath(instanceDirectory);
        var state = InstanceState.TryRead(instance);
        var versionFile = Path.Combine(DataDirectoryOf(instance), "PG_VERSION");
        var dataVersion = File.Exists(versionFile) ? File.ReadAllText(versionFile).Trim() : null;
        var running = ReadRunningPostmaster(instance);
        return Task.FromResult(new LocalPostgresStatus(
            instance,
            DataDirectoryOf(instance),
            IsInitialized: dataVersion is not null,
            IsRunning: running is not null,
            Port: running?.Port ?? (state?.Port is > 0 ? state.Port : null),
            ProcessId: running?.ProcessId,
            DataVersion: dataVersion,
            ServerVersion: state?.ServerVersion,
            ServiceAccount: state?.ServiceAccount,
            LogFile: LogFileOf(instance)));
    }

    /// <summary>Stops the persistent server in <paramref name="instanceDirectory"/> (<c>pg_ctl stop -m fast</c>).</summary>
    /// <returns>True when a running server was stopped, false when none was running.</returns>
    public static async Task<bool> StopPersistentAsync(string instanceDirectory, LocalPostgresOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceDirectory);
        options ??= new LocalPostgresOptions();
        var instance = Path.GetFullPath(instanceDirectory);
        if (ReadRunningPostmaster(instance) is null)
        {
            return false;
        }

        using var instanceLock = await AcquireLockAsync(instance, options.StartTimeout, cancellationToken).ConfigureAwait(false);
        var state = InstanceState.TryRead(instance);
        var binaries = await ChooseBinariesForInstanceAsync(instance, state, initialized: true, options, cancellationToken).ConfigureAwait(false);
        var account = await ServerAccount.ResolveAsync(state?.ServiceAccount ?? options.ServiceAccount, cancellationToken).ConfigureAwait(false);
        await StopAsync(instance, binaries, account, "fast", options.StartTimeout, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stops this server (<c>pg_ctl stop -m fast</c>), keeping its files; <see cref="StartAsync"/> starts it again.
    /// Open connections are closed by the server.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await StopAsync(InstanceDirectory, Binaries, _account, "fast", _options.StartTimeout, cancellationToken).ConfigureAwait(false);
        IsRunning = false;
    }

    /// <summary>Starts this server again after <see cref="StopAsync(CancellationToken)"/>, on the same port unless another process took it
    /// meanwhile (then on a new free port: read <see cref="Port"/> again). Does nothing when it is running.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ReadRunningPostmaster(InstanceDirectory) is not null)
        {
            IsRunning = true;
            return;
        }

        await StartServerAsync(_state.Port, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops and starts the server (see <see cref="StopAsync(CancellationToken)"/> and <see cref="StartAsync"/>).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken).ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An ephemeral server is stopped and its folder deleted; a persistent one is left running for reuse.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (IsEphemeral)
        {
            NpgsqlConnection.ClearAllPools();
            await StopQuietlyAsync(InstanceDirectory, Binaries, _account).ConfigureAwait(false);
            TryDeleteDirectory(InstanceDirectory);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"PostgreSQL {Binaries.Version} on 127.0.0.1:{Port} (data: {DataDirectory}{(ServiceAccount is null ? "" : ", running as " + ServiceAccount)})";

    private static string DataDirectoryOf(string instance) => Path.Combine(instance, "data");

    private static string RunDirectoryOf(string instance) => Path.Combine(instance, "run");

    private static string LogFileOf(string instance) => Path.Combine(RunDirectoryOf(instance), "server.log");

    private async Task StartServerAsync(int? preferredPort, CancellationToken cancellationToken)
    {
        var durable = !IsEphemeral;
        string? lastFailure = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = attempt == 0 && preferredPort is > 0 && IsPortFree(preferredPort.Value) ? preferredPort.Value : FindFreePort();
            _state = _state with { Port = port };
            await WriteSettingsAsync(InstanceDirectory, _state, _account, durable, _options, cancellationToken).ConfigureAwait(false);
            var timeout = ((int)Math.Ceiling(_options.StartTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var result = await _account.RunAsync(
                Binaries.PgCtl,
                ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", timeout, "-s"],
                InstanceDirectory,
                cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                _state.Write(InstanceDirectory);
                await WaitUntilAcceptingAsync(cancellationToken).ConfigureAwait(false);
                IsRunning = true;
                return;
            }

            lastFailure = $"{result.Diagnostics}{Environment.NewLine}{TailOfLog()}".Trim();
            if (!lastFailure.Contains("could not bind", StringComparison.OrdinalIgnoreCase)
                && !lastFailure.Contains("already in use", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }
        }

        throw new LocalPostgresException($"The PostgreSQL server in '{DataDirectory}' did not start: {lastFailure}");
    }
}
