using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;
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
/// throwaway server started from the machine's binaries (<see cref="LocalPostgresServer.StartEphemeralAsync"/>).
/// The shared one starts on first use (tests that need no database pay nothing) and is stopped by
/// <see cref="DatabaseSetUpFixture"/> at the end of the run. Tests normally go through <see cref="TestDatabase"/>.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string ConnectionVariable = "TOOLCATALOG_TEST_CONNECTION";

    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static TestServer? _shared;

    private readonly PostgreSqlContainer? _container;

    private TestServer(TestServerKind kind, string adminConnectionString, LocalPostgresServer? local, PostgreSqlContainer? container)
    {
        Kind = kind;
        AdminConnectionString = adminConnectionString;
        Local = local;
        _container = container;
    }

    public TestServerKind Kind { get; }

    /// <summary>A connection string with the right to CREATE and DROP DATABASE (it holds a secret: never print it).</summary>
    public string AdminConnectionString { get; private set; }

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

    /// <summary>Takes the server down (existing connections break).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
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
    }

    public async ValueTask DisposeAsync()
    {
        if (Local is not null)
        {
            await Local.DisposeAsync();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
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

        var local = await LocalPostgresServer.StartEphemeralAsync(cancellationToken: cancellationToken);
        return new TestServer(TestServerKind.Local, local.ConnectionString, local, null);
    }
}
