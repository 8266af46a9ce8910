using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>
/// A fresh database of a test's own, on the run's shared server (see <see cref="TestServer"/>), migrated by default
/// (copied from the server's migrated template), dropped on dispose. Fixtures using their own database can run in parallel.
/// <code>
/// await using var db = await TestDatabase.CreateAsync();
/// var store = db.CreateStore();            // or use db.DataSource / db.ConnectionString
/// </code>
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(TestServer server, string name, string connectionString, NpgsqlDataSource dataSource)
    {
        Server = server;
        Name = name;
        ConnectionString = connectionString;
        DataSource = dataSource;
    }

    /// <summary>The server the database lives on (for restart tests use <see cref="TestServer.StartPrivateAsync"/> and
    /// <see cref="CreateAsync(TestServer, bool, CancellationToken)"/>).</summary>
    public TestServer Server { get; }

    /// <summary>The database name (<c>tc_…</c>).</summary>
    public string Name { get; }

    /// <summary>A connection string for the database, with automatic statement preparation on
    /// (<c>Max Auto Prepare=32;Auto Prepare Min Usages=2</c>, as the store recommends to hosts).</summary>
    public string ConnectionString { get; }

    /// <summary>A data source over <see cref="ConnectionString"/>, disposed with the database.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Creates a fresh database on the shared server, migrated unless <paramref name="migrate"/> is false.</summary>
    public static async Task<TestDatabase> CreateAsync(bool migrate = true, CancellationToken cancellationToken = default) =>
        await CreateAsync(await TestServer.GetSharedAsync(cancellationToken), migrate, cancellationToken);

    /// <summary>Creates a fresh database on <paramref name="server"/>: a copy of the server's migrated template
    /// (<see cref="TestServer.GetTemplateAsync"/>) when <paramref name="migrate"/> is true, else an empty database
    /// (from <c>template1</c>, so that migration tests start from nothing).</summary>
    public static async Task<TestDatabase> CreateAsync(TestServer server, bool migrate = true, CancellationToken cancellationToken = default)
    {
        var template = migrate ? $" TEMPLATE \"{await server.GetTemplateAsync(cancellationToken)}\"" : "";
        return await CreateFromAsync(server, template, cancellationToken);
    }

    private static async Task<TestDatabase> CreateFromAsync(TestServer server, string template, CancellationToken cancellationToken)
    {
        var name = "tc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await server.CreateDatabaseAsync(name, template, cancellationToken);

        var connectionString = new NpgsqlConnectionStringBuilder(server.GetConnectionString(name))
        {
            MaxAutoPrepare = 32,
            AutoPrepareMinUsages = 2,
            IncludeErrorDetail = true,
        }.ConnectionString;
        return new TestDatabase(server, name, connectionString, NpgsqlDataSource.Create(connectionString));
    }

    /// <summary>
    /// A new database holding a copy of this one (<c>CREATE DATABASE … TEMPLATE</c>), dropped on its own dispose: a
    /// fixture fills one database once (for example with the samples) and gives each test a copy, which is cheaper than
    /// filling a database per test. This database's pooled connections are closed first; none may be open meanwhile
    /// (PostgreSQL refuses to copy a database in use), so only copy a database the tests themselves do not use.
    /// </summary>
    public async Task<TestDatabase> CopyAsync(CancellationToken cancellationToken = default)
    {
        DataSource.Clear();
        return await CreateFromAsync(Server, $" TEMPLATE \"{Name}\"", cancellationToken);
    }

    /// <summary>The highest telemetry row id so far (0 when there is none): see <see cref="HighestIdAsync"/>.</summary>
    public Task<long> HighestTelemetryIdAsync() => HighestIdAsync("SELECT coalesce(max(id), 0) FROM tool_catalog.tool_telemetry");

    /// <summary>The highest selection-decision id so far (0 when there is none): see <see cref="HighestIdAsync"/>.</summary>
    public Task<long> HighestDecisionIdAsync() => HighestIdAsync("SELECT coalesce(max(id), 0) FROM tool_catalog.selection_decisions");

    /// <summary>
    /// Runs one of the fixed queries above: a test sharing its fixture's database notes the highest id of a table first,
    /// and the rows it wrote are those above it.
    /// </summary>
    private async Task<long> HighestIdAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A store over <see cref="DataSource"/> (system clock unless one is given, no logging).</summary>
    public ToolCatalogStore CreateStore(TimeProvider? timeProvider = null) =>
        new(DataSource, timeProvider ?? TimeProvider.System, NullLogger<ToolCatalogStore>.Instance);

    /// <summary>Another data source on the same database (for example with other settings, or for a listener).</summary>
    public NpgsqlDataSource CreateDataSource(Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        configure?.Invoke(builder);
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        try
        {
            await Server.ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        }
        catch (NpgsqlException)
        {
            // The server is down (a restart test) or gone: the database goes with it.
        }
    }
}
