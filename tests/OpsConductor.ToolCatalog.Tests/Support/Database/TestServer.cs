using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Storage;
using Testcontainers.PostgreSql;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>Where a test server came from.</summary>
internal enum TestServerKind
{
    /// <summary>The connection string in TOOLCATALOG_TEST_CONNECTION.</summary>
    ConnectionString,

    /// <summary>A Testcontainers PostgreSQL container (a Docker engine answered).</summary>
    Container,

    /// <summary>A throwaway server started from the machine's PostgreSQL binaries.</summary>
    Local,
}

/// <summary>
/// The PostgreSQL server the tests use, chosen in this order: the connection string in
/// <c>TOOLCATALOG_TEST_CONNECTION</c>; else a Testcontainers container when a Docker engine answers; else a
/// throwaway server started from the machine's binaries (<see cref="LocalPostgresServer.StartEphemeralAsync"/>), its
/// data folder under <see cref="TestScratch.Root"/> (tmpfs when there is one).
/// The shared one starts on first use (tests that need no database pay nothing) and is stopped by
/// <see cref="DatabaseSetUpFixture"/> at the end of the run. Tests normally go through <see cref="TestDatabase"/>.
/// <para>A local server (shared or private) is a copy of one stopped, initialised instance folder that already
/// holds the migrated template database (see TestServer.LocalCopies.cs): <c>initdb</c> and the migrations run once per
/// build for all the machine's test processes, not once per server or per test project.</para>
/// <para>Each server keeps one migrated template database (<see cref="GetTemplateAsync"/>), built on first use;
/// a migrated test database is a copy of it (<c>CREATE DATABASE … TEMPLATE</c>), which is several times cheaper than
/// running every migration again.</para>
/// </summary>
internal sealed partial class TestServer : IAsyncDisposable
{
    public const string ConnectionVariable = "TOOLCATALOG_TEST_CONNECTION";

    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static TestServer? _shared;

    private readonly PostgreSqlContainer? _container;
    private readonly SemaphoreSlim _templateGate = new(1, 1);
    private readonly Lock _adminLock = new();
    private NpgsqlDataSource? _admin;
    private string? _adminSourceConnectionString;
    private string _adminConnectionString = "";
    private string? _template;
    private string? _strategy;

    private TestServer(TestServerKind kind, string adminConnectionString, LocalPostgresServer? local, PostgreSqlContainer? container)
    {
        Kind = kind;
        AdminConnectionString = adminConnectionString;
        Local = local;
        _container = container;
    }

    public TestServerKind Kind { get; }

    /// <summary>
    /// A connection string with the right to CREATE and DROP DATABASE (it holds a secret: never print it). It and every
    /// connection string made from it (<see cref="GetConnectionString"/>, so every test database's) turn Npgsql's type
    /// loading off (<see cref="WithoutTypeLoading"/>).
    /// </summary>
    public string AdminConnectionString { get => _adminConnectionString; private set => _adminConnectionString = WithoutTypeLoading(value); }

    /// <summary>The local server, when <see cref="Kind"/> is <see cref="TestServerKind.Local"/>.</summary>
    public LocalPostgresServer? Local { get; }

    /// <summary>Whether <see cref="StopAsync"/>/<see cref="StartAsync"/> can take this server down and up again.</summary>
    public bool CanRestart => Local is not null || _container is not null;

    /// <summary>The server shared by the whole test run, started on first use.</summary>
    public static async Task<TestServer> GetSharedAsync(CancellationToken cancellationToken = default)
    {
        await SharedGate.WaitAsync(cancellationToken);
        try
        {
            return _shared ??= await CreateAsync(allowConnectionString: true, cancellationToken);
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>
    /// A server of the test's own, for tests that stop or restart it (other fixtures keep using the shared one):
    /// a local throwaway server, else a container. An external TOOLCATALOG_TEST_CONNECTION cannot be restarted,
    /// so it is not used here.
    /// </summary>
    public static Task<TestServer> StartPrivateAsync(CancellationToken cancellationToken = default) =>
        CreateAsync(allowConnectionString: false, cancellationToken);

    /// <summary>Stops the shared server, if one was started (called once at the end of the run).</summary>
    public static async Task StopSharedAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            if (_shared is not null)
            {
                await _shared.DisposeAsync();
                _shared = null;
            }
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>Builds a connection string for <paramref name="database"/> on this server, as the admin user.</summary>
    public string GetConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    /// <summary>
    /// <paramref name="connectionString"/> with Npgsql's type loading off (<c>Server Compatibility Mode=NoTypeLoading</c>).
    /// <para>A data source otherwise reads the server's whole type catalogue on its first connection, a catalogue query of
    /// 15–40 ms of server time on a fresh database, and the tests make about 190 data sources a run: one or more per test
    /// database, one per CLI command. The catalog uses only built-in types (text, integers, <c>jsonb</c>,
    /// <c>timestamptz</c>, arrays of them), which Npgsql knows without loading them; should the catalog ever need a type
    /// that must be loaded (an enum, a domain, an extension's), its tests fail here first: stricter than a real host,
    /// never looser. It is set in the connection string, not with <c>NpgsqlDataSourceBuilder.ConfigureTypeLoading</c>,
    /// so that it also reaches the data sources the product and the CLI build from the connection strings the tests give
    /// them (docs/benchmarks.md, "Test suite").</para>
    /// </summary>
    internal static string WithoutTypeLoading(string connectionString)
    {
#pragma warning disable CS0618 // Obsolete as a connection string key since Npgsql 9 (the builder is preferred), still honoured: see above for why the key.
        return new NpgsqlConnectionStringBuilder(connectionString) { ServerCompatibilityMode = ServerCompatibilityMode.NoTypeLoading }.ConnectionString;
#pragma warning restore CS0618
    }

    /// <summary>
    /// The name of this server's migrated template database (<c>tc_template_…</c>), built on first call: a fresh
    /// database, migrated over connections that are closed at once (no pooling), then marked
    /// <c>IS_TEMPLATE true ALLOW_CONNECTIONS false</c>, so that nothing can connect to it and
    /// <c>CREATE DATABASE … TEMPLATE</c> (which needs no other session on the template) always works.
    /// A test database copied from it is exactly a freshly migrated database.
    /// </summary>
    public async Task<string> GetTemplateAsync(CancellationToken cancellationToken = default)
    {
        await _templateGate.WaitAsync(cancellationToken);
        try
        {
            return _template ??= await BuildTemplateAsync(cancellationToken);
        }
        finally
        {
            _templateGate.Release();
        }
    }

    /// <summary>
    /// <c>CREATE DATABASE name</c> followed by <paramref name="clauses"/> (for example <c> TEMPLATE "x"</c>), with
    /// <c>STRATEGY FILE_COPY</c> on PostgreSQL 15 and later. A file copy of the template measured about 0.9x the CPU of the
    /// default (<c>WAL_LOG</c>, which writes every block of the new database into the WAL) for the library tests, with
    /// the data folder on tmpfs (docs/benchmarks.md, "Test suite"); a server before 15 has only the file copy.
    /// </summary>
    internal async Task CreateDatabaseAsync(string name, string clauses, CancellationToken cancellationToken = default)
    {
        if (_strategy is null)
        {
            await using var admin = await AdminSource.OpenConnectionAsync(cancellationToken);
            _strategy = admin.PostgreSqlVersion.Major >= 15 ? " STRATEGY FILE_COPY" : "";
        }

        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\"{clauses}{_strategy}", cancellationToken);
    }

    /// <summary>
    /// Runs one statement on the <c>postgres</c> database over a pooled admin connection (<see cref="AdminSource"/>).
    /// A connection the pool kept from before a restart, or whose backend a test terminated, fails on first use without
    /// running the statement: the pool is then emptied and the statement runs once more on a new connection.
    /// </summary>
    internal async Task ExecuteAdminAsync(string sql, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var source = AdminSource;
            try
            {
                await using var command = source.CreateCommand(sql);
                await command.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException e) when (attempt == 1 && IsBrokenConnection(e))
            {
                source.Clear();
            }
        }
    }

    /// <summary>
    /// The admin data source: pooled, so that the two admin statements of every test database (CREATE and DROP
    /// DATABASE) reuse a few backends instead of starting one each (a backend's start, authentication and exit cost the
    /// server more CPU than the statement; docs/benchmarks.md, "Test suite"). Replaced when the admin connection string
    /// changes (a container restarted on another port), emptied when this server stops or starts.
    /// </summary>
    private NpgsqlDataSource AdminSource
    {
        get
        {
            lock (_adminLock)
            {
                if (_admin is null || _adminSourceConnectionString != AdminConnectionString)
                {
                    _admin?.Dispose();
                    _adminSourceConnectionString = AdminConnectionString;
                    _admin = NpgsqlDataSource.Create(AdminConnectionString);
                }

                return _admin;
            }
        }
    }

    /// <summary>A failure of the connection itself (its backend terminated, the server restarted under it), not of the statement.</summary>
    private static bool IsBrokenConnection(NpgsqlException e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown } || e is not PostgresException;

    /// <summary>Closes the admin pool's idle connections (their backends are gone once the server stops).</summary>
    private void ClearAdminPool()
    {
        lock (_adminLock)
        {
            _admin?.Clear();
        }
    }

    /// <summary>Takes the server down (existing connections break).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        ClearAdminPool();
        if (Local is not null)
        {
            await Local.StopAsync(cancellationToken);
        }
        else if (_container is not null)
        {
            await _container.StopAsync(cancellationToken);
        }
        else
        {
            throw new InvalidOperationException("The server given by TOOLCATALOG_TEST_CONNECTION cannot be stopped by the tests; use TestServer.StartPrivateAsync().");
        }
    }

    /// <summary>Brings the server up again after <see cref="StopAsync"/> (a local server keeps its port).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Local is not null)
        {
            await Local.StartAsync(cancellationToken);
            AdminConnectionString = Local.ConnectionString;
        }
        else if (_container is not null)
        {
            await _container.StartAsync(cancellationToken);
            AdminConnectionString = _container.GetConnectionString();
        }
        else
        {
            throw new InvalidOperationException("The server given by TOOLCATALOG_TEST_CONNECTION cannot be started by the tests; use TestServer.StartPrivateAsync().");
        }

        ClearAdminPool();
    }

    public async ValueTask DisposeAsync()
    {
        if (Kind == TestServerKind.ConnectionString && _template is not null)
        {
            // A server of someone else's outlives the run: take the template away (a local server or a container goes whole).
            try
            {
                await ExecuteAdminAsync($"ALTER DATABASE \"{_template}\" WITH IS_TEMPLATE false");
                await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{_template}\" WITH (FORCE)");
            }
            catch (NpgsqlException)
            {
                // Best effort: the server went away; the template's name says what it was.
            }

            _template = null;
        }

        lock (_adminLock)
        {
            _admin?.Dispose();
            _admin = null;
        }

        if (Local is not null)
        {
            if (_isCopy)
            {
                await StopAndDeleteCopyAsync(Local);
            }

            await Local.DisposeAsync();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    private async Task<string> BuildTemplateAsync(CancellationToken cancellationToken)
    {
        var name = "tc_template_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\"", cancellationToken);
        var connectionString = new NpgsqlConnectionStringBuilder(GetConnectionString(name)) { Pooling = false, IncludeErrorDetail = true }.ConnectionString;
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            await new ToolCatalogStore(dataSource, TimeProvider.System, NullLogger<ToolCatalogStore>.Instance).MigrateAsync(cancellationToken);
        }

        await ExecuteAdminAsync($"ALTER DATABASE \"{name}\" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false", cancellationToken);
        return name;
    }

    private static async Task<TestServer> CreateAsync(bool allowConnectionString, CancellationToken cancellationToken)
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (allowConnectionString && !string.IsNullOrWhiteSpace(configured))
        {
            return new TestServer(TestServerKind.ConnectionString, configured, null, null);
        }

        if (await DockerProbe.IsEngineAvailableAsync(Environment.GetEnvironmentVariable, cancellationToken))
        {
            var container = new PostgreSqlBuilder("postgres:16-alpine").Build();
            await container.StartAsync(cancellationToken);
            return new TestServer(TestServerKind.Container, container.GetConnectionString(), null, container);
        }

        return await StartLocalCopyAsync(CopyOptions, cancellationToken)
            ?? await StartLocalAsync(cancellationToken);
    }

    /// <summary>A throwaway server of its own <c>initdb</c> (the source of the copies, or when a copy cannot be made).</summary>
    private static async Task<TestServer> StartLocalAsync(CancellationToken cancellationToken)
    {
        var local = await LocalPostgresServer.StartEphemeralAsync(new LocalPostgresOptions { EphemeralParentDirectory = TestScratch.Root }, cancellationToken);
        return new TestServer(TestServerKind.Local, local.ConnectionString, local, null);
    }
}
