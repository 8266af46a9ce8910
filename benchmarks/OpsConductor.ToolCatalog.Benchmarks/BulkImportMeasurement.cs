using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Benchmarks;

/// <summary>
/// End-to-end measurement of the bulk import (issue 4): N generated tools (3 capabilities × 3 patterns each) imported
/// into an empty, migrated database, in the same process on the same server, alternately:
/// <list type="bullet">
/// <item>the store's import (binary COPY, one transaction, audit and change feed included);</item>
/// <item>the same import writing one Dapper INSERT per row (prepared statements, still one transaction);</item>
/// <item>a naive loader: one Dapper INSERT per row, each committing on its own (how the original migrate script
/// loaded tools), rows only: no audit, no change feed.</item>
/// </list>
/// <code>
/// dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- bulk-import [--tools 10000] [--rounds 3] [--naive-rounds 1]
/// </code>
/// Uses TOOLCATALOG_BENCH_CONNECTION when set (a server where it may create and drop databases), else a private
/// local server started from the machine's PostgreSQL binaries with production durability (fsync and synchronous
/// commit on, unlike the test server).
/// </summary>
internal static class BulkImportMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        var tools = IntArg(args, "--tools", 10_000);
        var rounds = IntArg(args, "--rounds", 3);
        var naiveRounds = IntArg(args, "--naive-rounds", 1);
        var configured = Environment.GetEnvironmentVariable("TOOLCATALOG_BENCH_CONNECTION");
        await using var local = string.IsNullOrEmpty(configured) ? await LocalPostgresServer.StartEphemeralAsync(new LocalPostgresOptions
        {
            ServerSettings = new Dictionary<string, string> { ["fsync"] = "on", ["synchronous_commit"] = "on", ["full_page_writes"] = "on" },
        }) : null;
        var admin = configured ?? local!.ConnectionString;
        Console.WriteLine($"Server: {(local is null ? "TOOLCATALOG_BENCH_CONNECTION" : local.ToString())}");

        var catalog = GeneratedTools.CreateMany(tools);
        var rows = catalog.Count + catalog.Sum(t => t.Capabilities.Count) + catalog.Sum(t => t.Capabilities.Sum(c => c.Patterns.Count));
        Console.WriteLine($"Importing {tools} tools ({rows} tool/capability/pattern rows, plus {tools} audit rows) into an empty database, {rounds} round(s) each, alternating.");

        // Warm up both paths (JIT, prepared statements, server caches) on a small catalog.
        var warmUp = GeneratedTools.CreateMany(200, prefix: "warm");
        await ImportOnceAsync(admin, warmUp, RowWriteMode.Copy);
        await ImportOnceAsync(admin, warmUp, RowWriteMode.Statements);

        await NaiveLoadOnceAsync(admin, warmUp);

        var copy = new List<TimeSpan>();
        var statements = new List<TimeSpan>();
        var naive = new List<TimeSpan>();
        for (var round = 1; round <= rounds; round++)
        {
            copy.Add(await ImportOnceAsync(admin, catalog, RowWriteMode.Copy));
            statements.Add(await ImportOnceAsync(admin, catalog, RowWriteMode.Statements));
            var line = $"  round {round}: COPY {Seconds(copy[^1])}, row by row in one transaction {Seconds(statements[^1])} ({Ratio(statements[^1], copy[^1])})";
            if (round <= naiveRounds)
            {
                naive.Add(await NaiveLoadOnceAsync(admin, catalog));
                line += $", row by row autocommit {Seconds(naive[^1])} ({Ratio(naive[^1], copy[^1])})";
            }

            Console.WriteLine(line);
        }

        var copyMedian = Median(copy);
        Console.WriteLine();
        Console.WriteLine("| import of " + tools.ToString("N0", CultureInfo.InvariantCulture) + " tools (3 capabilities × 3 patterns) | median | min | max | row by row ÷ COPY (medians) |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        Console.WriteLine($"| ImportAsync: binary COPY, one transaction, audit + change feed | {Seconds(copyMedian)} | {Seconds(copy.Min())} | {Seconds(copy.Max())} | 1× |");
        Console.WriteLine($"| same import, one Dapper INSERT per row, one transaction | {Seconds(Median(statements))} | {Seconds(statements.Min())} | {Seconds(statements.Max())} | {Ratio(Median(statements), copyMedian)} |");
        if (naive.Count > 0)
        {
            Console.WriteLine($"| naive loader: one Dapper INSERT per row, each its own transaction, rows only | {Seconds(Median(naive))} | {Seconds(naive.Min())} | {Seconds(naive.Max())} | {Ratio(Median(naive), copyMedian)} |");
        }

        return 0;
    }

    /// <summary>The original migrate script's way: one INSERT per row, each committing on its own (no transaction).</summary>
    private static async Task<TimeSpan> NaiveLoadOnceAsync(string admin, List<ToolDefinition> catalog)
    {
        return await WithDatabaseAsync(admin, async store =>
        {
            var dataSource = store.DataSource;
            await using var connection = await dataSource.OpenConnectionAsync();
            var started = Stopwatch.GetTimestamp();
            var ids = await ToolCatalogStore.AllocateIdsAsync(connection, null, catalog, CancellationToken.None);
            var rows = ToolCatalogStore.AssignIds(catalog, ids);
            foreach (var row in rows)
            {
                row.IsLatest = true;
            }

            await StatementRowWriter.Instance.InsertVersionsAsync(connection, null, rows, DateTimeOffset.UtcNow, "benchmark", CancellationToken.None);
            return Stopwatch.GetElapsedTime(started);
        });
    }

    private static Task<TimeSpan> ImportOnceAsync(string admin, List<ToolDefinition> catalog, RowWriteMode mode) =>
        WithDatabaseAsync(admin, async store =>
        {
            var started = Stopwatch.GetTimestamp();
            var report = await store.Store.ImportAsync(catalog, new ImportOptions { Change = new ChangeContext { Actor = "benchmark" } }, mode, CancellationToken.None);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (!report.Applied || report.Count(ImportOutcome.NewTool) != catalog.Count)
            {
                throw new InvalidOperationException($"The {mode} import did not store every tool.");
            }

            return elapsed;
        });

    /// <summary>Runs <paramref name="measure"/> against a fresh, migrated database, dropped afterwards.</summary>
    private static async Task<TimeSpan> WithDatabaseAsync(string admin, Func<(ToolCatalogStore Store, NpgsqlDataSource DataSource), Task<TimeSpan>> measure)
    {
        var name = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 }.ConnectionString;
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var store = new ToolCatalogStore(dataSource, TimeProvider.System, NullLogger<ToolCatalogStore>.Instance);
            await store.MigrateAsync();
            return await measure((store, dataSource));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static TimeSpan Median(List<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static string Ratio(TimeSpan slow, TimeSpan fast) => (slow / fast).ToString("0.0", CultureInfo.InvariantCulture) + "×";

    private static int IntArg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
