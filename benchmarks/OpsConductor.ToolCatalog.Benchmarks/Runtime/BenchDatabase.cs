using System.Security.Cryptography;
using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Benchmarks.Runtime;

/// <summary>
/// A fresh, migrated database for a measurement: on the server of TOOLCATALOG_BENCH_CONNECTION when set (one where it
/// may create and drop databases), else on a private throwaway server started from the machine's PostgreSQL binaries.
/// Dropped (or the server stopped) on dispose.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly LocalPostgresServer? _server;
    private readonly string _admin;

    private BenchDatabase(LocalPostgresServer? server, string admin, string name, string connectionString)
    {
        _server = server;
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Store = new ToolCatalogStore(DataSource);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public ToolCatalogStore Store { get; }

    /// <summary>Where the server came from, for the report.</summary>
    public string ServerDescription => _server?.ToString() ?? "TOOLCATALOG_BENCH_CONNECTION";

    public static async Task<BenchDatabase> CreateAsync()
    {
        var configured = Environment.GetEnvironmentVariable("TOOLCATALOG_BENCH_CONNECTION");
        var server = string.IsNullOrEmpty(configured) ? await LocalPostgresServer.StartEphemeralAsync() : null;
        var admin = configured ?? server!.ConnectionString;
        var name = "bench_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 }.ConnectionString;
        var database = new BenchDatabase(server, admin, name, connectionString);
        await database.Store.MigrateAsync();
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
            return;
        }

        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
