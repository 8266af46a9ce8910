using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Benchmarks;

/// <summary>
/// End-to-end measurement of the bulk import (issue 4): N generated tools (3 capabilities × 3 patterns each) imported
/// into an empty, migrated database, in the same process on the same server, in turns (the order rotates every round):
/// <list type="bullet">
/// <item><b>ImportAsync</b>: the store's bulk import (binary COPY, one transaction, audit rows, change feed, revision,
/// one notification).</item>
/// <item><b>per-tool transactions</b> (the baseline the issue's "row by row with Dapper" is measured against): one
/// <see cref="ToolCatalogStore.PublishAsync"/> per tool, which is one transaction per tool (as the original's
/// <c>load_all_tools.py</c> had one per file) writing the same rows with one Dapper <c>ExecuteAsync</c> INSERT per row:
/// revision bump, existence check, id allocation, the tool, capability and pattern rows, the audit row, the change-feed
/// row, the notification, commit.</item>
/// <item><b>one transaction, row by row</b>: the same import as ImportAsync (same planning, same rows, one
/// transaction), writing one Dapper INSERT per row instead of COPY.</item>
/// <item><b>naive autocommit</b>: one Dapper INSERT per tool, capability and pattern row, each committing on its own
/// (how the original's migrate script loaded), rows only: no audit, change feed or revision. Slow; fewer rounds.</item>
/// </list>
/// <code>
/// dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- bulk-import [--tools 10000] [--rounds 5] [--naive-rounds 1] [--drop-foreign-keys]
/// </code>
/// Uses TOOLCATALOG_BENCH_CONNECTION when set (a server where it may create and drop databases), else a private
/// local server started from the machine's PostgreSQL binaries with production durability (fsync, synchronous commit
/// and full-page writes on, unlike the test server). Every path's result is checked: the same row counts in every table
/// and every tool stored.
/// </summary>
internal static class BulkImportMeasurement
{
    private static readonly ChangeContext Change = new() { Actor = "benchmark", Reason = "bulk-import measurement" };

    // An experiment for the decision in docs/decisions/0403 (not a mode of the library): every path imports into a schema
    // without the capabilities → tools and patterns → capabilities foreign keys, to measure what they cost.
    private static bool _dropForeignKeys;

    public static async Task<int> RunAsync(string[] args)
    {
        var tools = IntArg(args, "--tools", 10_000);
        var rounds = IntArg(args, "--rounds", 5);
        var naiveRounds = IntArg(args, "--naive-rounds", 1);
        _dropForeignKeys = args.Contains("--drop-foreign-keys");
        var configured = Environment.GetEnvironmentVariable("TOOLCATALOG_BENCH_CONNECTION");
        await using var local = string.IsNullOrEmpty(configured) ? await LocalPostgresServer.StartEphemeralAsync(new LocalPostgresOptions
        {
            ServerSettings = new Dictionary<string, string> { ["fsync"] = "on", ["synchronous_commit"] = "on", ["full_page_writes"] = "on" },
        }) : null;
        var admin = configured ?? local!.ConnectionString;
        Console.WriteLine($"Server: {(local is null ? "TOOLCATALOG_BENCH_CONNECTION" : local.ToString())}");

        var catalog = GeneratedTools.CreateMany(tools);
        var rows = catalog.Count + catalog.Sum(t => t.Capabilities.Count) + catalog.Sum(t => t.Capabilities.Sum(c => c.Patterns.Count));
        if (_dropForeignKeys)
        {
            Console.WriteLine("EXPERIMENT: every path imports into a schema without the two parent foreign keys.");
        }

        Console.WriteLine($"Importing {tools} tools ({rows} tool/capability/pattern rows, plus {tools} audit and {tools} change-feed rows) into an empty database, {rounds} round(s), order rotating.");

        // Warm up every path (JIT, prepared statements, server caches) on a small catalog.
        var warmUp = GeneratedTools.CreateMany(500, prefix: "warm");
        for (var i = 0; i < 3; i++)
        {
            await ImportOnceAsync(admin, warmUp, RowWriteMode.Copy);
        }

        await PerToolOnceAsync(admin, warmUp);
        await ImportOnceAsync(admin, warmUp, RowWriteMode.Statements);
        await NaiveLoadOnceAsync(admin, warmUp);

        var phases = new PhaseRecorder();
        var paths = new List<MeasuredPath>
        {
            new("COPY", "ImportAsync: binary COPY, one transaction, audit rows, change feed, one notification", () => ImportOnceAsync(admin, catalog, RowWriteMode.Copy, phases), rounds),
            new("per tool", "**baseline**: one transaction per tool (`PublishAsync` per tool), one Dapper INSERT per row, same rows", () => PerToolOnceAsync(admin, catalog), rounds),
            new("one transaction", "the same import in one transaction, one Dapper INSERT per row, same rows", () => ImportOnceAsync(admin, catalog, RowWriteMode.Statements), rounds),
            new("naive", "naive loader: one Dapper INSERT per row, each its own transaction, rows only (no audit, change feed or revision)", () => NaiveLoadOnceAsync(admin, catalog), naiveRounds),
        };

        for (var round = 1; round <= rounds; round++)
        {
            var line = new List<string>();
            var order = Enumerable.Range(0, paths.Count).Select(i => paths[(i + round - 1) % paths.Count]).ToList();
            foreach (var path in order.Where(p => p.Times.Count < p.Rounds))
            {
                var result = await path.Measure();
                path.Add(result);
                line.Add($"{path.Short} {Seconds(result.Elapsed)}");
            }

            var copy = paths[0].Times[^1];
            Console.WriteLine($"  round {round}: {string.Join(", ", line)} | per tool ÷ COPY {Ratio(paths[1].Times[^1], copy)}");
        }

        Console.WriteLine();
        Console.WriteLine("Rows written per path (tools/capabilities/patterns/audit/change feed): "
            + string.Join("; ", paths.Where(p => p.Counts is not null).Select(p => $"{p.Short} {p.Counts}")));
        if (paths.Take(3).Select(p => p.Counts).Distinct().Count() != 1)
        {
            throw new InvalidOperationException("The paths did not write the same rows.");
        }

        var copyMedian = Median(paths[0].Times);
        Console.WriteLine();
        Console.WriteLine("| import of " + tools.ToString("N0", CultureInfo.InvariantCulture) + " tools (3 capabilities × 3 patterns) | rounds | median | min | max | ÷ ImportAsync (medians) | per-round ratio: median (min–max) |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var path in paths.Where(p => p.Times.Count > 0))
        {
            var paired = path.Times.Select((t, i) => t / paths[0].Times[i]).Order().ToList();
            var perRound = path == paths[0] ? "" : $"{Median(paired):0.0}× ({paired[0]:0.0}–{paired[^1]:0.0})";
            Console.WriteLine($"| {path.Name} | {path.Times.Count} | {Seconds(Median(path.Times))} | {Seconds(path.Times.Min())} | {Seconds(path.Times.Max())} | {Ratio(Median(path.Times), copyMedian)} | {perRound} |");
        }

        Console.WriteLine();
        Console.WriteLine("Where ImportAsync's time went (medians over the rounds, from the store's Debug log event 4022):");
        Console.WriteLine("  " + string.Join(", ", phases.Medians().Select(p => $"{p.Phase} {p.Milliseconds:0} ms")));
        return 0;
    }

    /// <summary>The store's import (COPY or, for the one-transaction baseline, one INSERT per row).</summary>
    private static Task<Result> ImportOnceAsync(string admin, List<ToolDefinition> catalog, RowWriteMode mode, PhaseRecorder? phases = null) =>
        WithDatabaseAsync(admin, phases, async (store, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            var report = await store.ImportAsync(catalog, new ImportOptions { Change = Change }, mode, CancellationToken.None);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (!report.Applied || report.Count(ImportOutcome.NewTool) != catalog.Count)
            {
                throw new InvalidOperationException($"The {mode} import did not store every tool.");
            }

            return elapsed;
        });

    /// <summary>The baseline: one transaction per tool, through the store's single-tool write (one INSERT per row).</summary>
    private static Task<Result> PerToolOnceAsync(string admin, List<ToolDefinition> catalog) =>
        WithDatabaseAsync(admin, null, async (store, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var tool in catalog)
            {
                var result = await store.PublishAsync(tool, Change);
                if (!result.Changed)
                {
                    throw new InvalidOperationException($"Tool {tool.Name} was not stored.");
                }
            }

            return Stopwatch.GetElapsedTime(started);
        });

    /// <summary>The original migrate script's way: one INSERT per row, each committing on its own (no transaction).</summary>
    private static Task<Result> NaiveLoadOnceAsync(string admin, List<ToolDefinition> catalog) =>
        WithDatabaseAsync(admin, null, async (_, dataSource) =>
        {
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

    /// <summary>Runs <paramref name="measure"/> against a fresh, migrated database, counts what it stored, drops it.</summary>
    private static async Task<Result> WithDatabaseAsync(string admin, PhaseRecorder? phases, Func<ToolCatalogStore, NpgsqlDataSource, Task<TimeSpan>> measure)
    {
        var name = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 }.ConnectionString;
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var store = new ToolCatalogStore(dataSource, TimeProvider.System, phases ?? (ILogger<ToolCatalogStore>)NullLogger<ToolCatalogStore>.Instance);
            await store.MigrateAsync();
            if (_dropForeignKeys)
            {
                await using var ddl = await dataSource.OpenConnectionAsync();
                await ddl.ExecuteAsync(
                    """
                    ALTER TABLE tool_catalog.tool_capabilities DROP CONSTRAINT tool_capabilities_tool_id_fkey;
                    ALTER TABLE tool_catalog.tool_patterns DROP CONSTRAINT tool_patterns_capability_id_fkey;
                    """);
            }

            var elapsed = await measure(store, dataSource);
            await using var connection = await dataSource.OpenConnectionAsync();
            var counts = await connection.QuerySingleAsync<RowCounts>(
                """
                SELECT (SELECT count(*) FROM tool_catalog.tools) AS Tools,
                       (SELECT count(*) FROM tool_catalog.tool_capabilities) AS Capabilities,
                       (SELECT count(*) FROM tool_catalog.tool_patterns) AS Patterns,
                       (SELECT count(*) FROM tool_catalog.tool_audit_log) AS Audit,
                       (SELECT count(*) FROM tool_catalog.catalog_changes) AS Changes
                """);
            return new Result(elapsed, counts);
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

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static string Ratio(TimeSpan slow, TimeSpan fast) => (slow / fast).ToString("0.0", CultureInfo.InvariantCulture) + "×";

    private static int IntArg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Records the import's phase timings (<c>StorageLog.ImportPhases</c>, event 4022) from the store's log.</summary>
    private sealed class PhaseRecorder : ILogger<ToolCatalogStore>
    {
        private readonly List<IReadOnlyList<KeyValuePair<string, object?>>> _entries = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 4022 && state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                _entries.Add(values);
            }
        }

        /// <summary>Each phase's median in milliseconds, in the order the import runs them.</summary>
        public IEnumerable<(string Phase, double Milliseconds)> Medians()
        {
            var measured = _entries;
            if (measured.Count == 0)
            {
                yield break;
            }

            foreach (var (key, _) in measured[0].Where(v => v.Key.EndsWith("Milliseconds", StringComparison.Ordinal)))
            {
                var sorted = measured.Select(e => Convert.ToDouble(e.First(v => v.Key == key).Value, CultureInfo.InvariantCulture)).Order().ToList();
                yield return (key[..^"Milliseconds".Length], Median(sorted));
            }
        }
    }

    private sealed record RowCounts(long Tools, long Capabilities, long Patterns, long Audit, long Changes)
    {
        public override string ToString() => $"{Tools}/{Capabilities}/{Patterns}/{Audit}/{Changes}";
    }

    private sealed record Result(TimeSpan Elapsed, RowCounts Counts);

    private sealed class MeasuredPath(string shortName, string name, Func<Task<Result>> measure, int rounds)
    {
        public string Name { get; } = name;

        public string Short { get; } = shortName;

        public int Rounds { get; } = rounds;

        public List<TimeSpan> Times { get; } = [];

        public RowCounts? Counts { get; private set; }

        public Func<Task<Result>> Measure { get; } = measure;

        public void Add(Result result)
        {
            Times.Add(result.Elapsed);
            Counts = result.Counts;
        }
    }
}
