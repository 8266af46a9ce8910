using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Benchmarks.Storage;

/// <summary>
/// Isolated measurement of the bulk import's row writing (decision 0403): the same rows an import of N generated tools
/// writes (tools, capabilities, patterns, audit, change feed: the import's own tables, columns and COPY commands),
/// written in one transaction by each binary COPY writer in turn, in one process against one server, the order
/// rotating every round:
/// <list type="bullet">
/// <item><b>hand-written encoder</b>: <see cref="HandEncodedRowWriter"/> (our own binary COPY encoder writing straight
/// into a buffer sent through Npgsql's raw binary COPY stream; the import's writer until this measurement).</item>
/// <item><b>NpgsqlBinaryImporter</b>: the library's <see cref="CopyRowWriter"/> (Npgsql's importer, one typed write per
/// field).</item>
/// </list>
/// Each is measured twice per round: into the migrated schema (keys, indexes, checks: what an import pays) and into
/// "bare" tables of the same columns and types without keys, indexes or checks (unlogged), where the server does the
/// least work and the client's encoding is the largest share. The figure is wall time from the first COPY to the last
/// COPY's completion (the commit is the same for both and not included), and the client process's CPU time over the
/// same span (the server runs in other processes). Every pair is checked to have written identical rows (an md5 over
/// every table's rows).
/// <code>
/// dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- copy-writers [--tools 10000] [--rounds 5]
/// </code>
/// </summary>
internal static class CopyWriterMeasurement
{
    private static readonly ChangeContext Change = new() { Actor = "benchmark", Reason = "copy-writer measurement" };

    private static readonly string[] Tables = ["tools", "tool_capabilities", "tool_patterns", "tool_audit_log", "catalog_changes"];

    public static async Task<int> RunAsync(string[] args)
    {
        var toolCount = IntArg(args, "--tools", 10_000);
        var rounds = IntArg(args, "--rounds", 5);
        var configured = Environment.GetEnvironmentVariable("TOOLCATALOG_BENCH_CONNECTION");
        await using var local = string.IsNullOrEmpty(configured) ? await LocalPostgresServer.StartEphemeralAsync(new LocalPostgresOptions
        {
            ServerSettings = new Dictionary<string, string> { ["fsync"] = "on", ["synchronous_commit"] = "on", ["full_page_writes"] = "on" },
        }) : null;
        var admin = configured ?? local!.ConnectionString;
        Console.WriteLine($"Server: {(local is null ? "TOOLCATALOG_BENCH_CONNECTION" : local.ToString())}");

        var catalog = GeneratedTools.CreateMany(toolCount);
        var writers = new (string Name, IRowWriter Writer)[] { ("hand-written", HandEncodedRowWriter.Instance), ("NpgsqlBinaryImporter", CopyRowWriter.Instance) };
        var modes = new[] { "schema", "bare" };
        Console.WriteLine($"Writing the rows of {toolCount} tools ({catalog.Count + catalog.Sum(t => t.Capabilities.Count) + catalog.Sum(t => t.Capabilities.Sum(c => c.Patterns.Count))} tool/capability/pattern rows, {toolCount} audit and {toolCount} change-feed rows), {rounds} round(s), order rotating.");

        var warmUp = GeneratedTools.CreateMany(500, prefix: "warm");
        for (var i = 0; i < 3; i++)
        {
            foreach (var (_, writer) in writers)
            {
                await WriteOnceAsync(admin, warmUp, writer, bare: false);
                await WriteOnceAsync(admin, warmUp, writer, bare: true);
            }
        }

        var results = new Dictionary<(string Mode, string Writer), List<Sample>>();
        for (var round = 1; round <= rounds; round++)
        {
            var line = new List<string>();
            foreach (var mode in modes)
            {
                string? checksum = null;
                for (var i = 0; i < writers.Length; i++)
                {
                    var (name, writer) = writers[(i + round - 1) % writers.Length];
                    var sample = await WriteOnceAsync(admin, catalog, writer, mode == "bare");
                    if (checksum is not null && checksum != sample.Checksum)
                    {
                        throw new InvalidOperationException($"The writers stored different rows ({mode}).");
                    }

                    checksum = sample.Checksum;
                    (results.TryGetValue((mode, name), out var list) ? list : results[(mode, name)] = []).Add(sample);
                    line.Add($"{mode}/{name} {sample.Wall.TotalMilliseconds:0} ms (cpu {sample.Cpu.TotalMilliseconds:0})");
                }
            }

            Console.WriteLine($"  round {round}: {string.Join(", ", line)}");
        }

        Console.WriteLine();
        Console.WriteLine("Identical rows from both writers in every round (md5 over every table).");
        Console.WriteLine();
        Console.WriteLine("| tables | writer | wall, median (min–max) | client CPU, median (min) | importer ÷ hand-written: wall per round, median (min–max) | wall, ratio of minima | client CPU per round, median (min–max) |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var mode in modes)
        {
            var hand = results[(mode, writers[0].Name)];
            foreach (var (name, _) in writers)
            {
                var samples = results[(mode, name)];
                var walls = samples.Select(s => s.Wall.TotalMilliseconds).Order().ToList();
                var cpus = samples.Select(s => s.Cpu.TotalMilliseconds).Order().ToList();
                var wallRatio = samples.Select((s, i) => s.Wall / hand[i].Wall).Order().ToList();
                var cpuRatio = samples.Select((s, i) => s.Cpu / hand[i].Cpu).Order().ToList();
                var minRatio = walls[0] / hand.Min(h => h.Wall.TotalMilliseconds);
                var ratios = name == writers[0].Name ? "| 1.00 | 1.00 | 1.00 |" : $"| {Median(wallRatio):0.00} ({wallRatio[0]:0.00}–{wallRatio[^1]:0.00}) | {minRatio:0.00} | {Median(cpuRatio):0.00} ({cpuRatio[0]:0.00}–{cpuRatio[^1]:0.00}) |";
                Console.WriteLine($"| {mode} | {name} | {Median(walls):0} ms ({walls[0]:0}–{walls[^1]:0}) | {Median(cpus):0} ms ({cpus[0]:0}) {ratios}");
            }
        }

        return 0;
    }

    /// <summary>Writes the rows of <paramref name="catalog"/> with <paramref name="writer"/> into a fresh database, in one
    /// transaction, and returns the time the writes took and a checksum of what was stored.</summary>
    private static async Task<Sample> WriteOnceAsync(string admin, List<ToolDefinition> catalog, IRowWriter writer, bool bare)
    {
        var name = "copybench_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var store = new ToolCatalogStore(dataSource, TimeProvider.System, NullLogger<ToolCatalogStore>.Instance);
            await store.MigrateAsync();
            await using var connection = await dataSource.OpenConnectionAsync();
            var ids = await ToolCatalogStore.AllocateIdsAsync(connection, null, catalog, CancellationToken.None);
            if (bare)
            {
                // Same columns and types (and defaults and identities, for the generated ids), no keys, indexes or checks; unlogged.
                await connection.ExecuteAsync("ALTER SCHEMA tool_catalog RENAME TO tool_catalog_full; CREATE SCHEMA tool_catalog;");
                foreach (var table in Tables)
                {
                    await connection.ExecuteAsync($"CREATE UNLOGGED TABLE tool_catalog.{table} (LIKE tool_catalog_full.{table} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED)");
                }
            }

            var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
            await using var transaction = await connection.BeginTransactionAsync();
            var rows = ToolCatalogStore.AssignIds(catalog, ids);
            foreach (var row in rows)
            {
                row.IsLatest = true;
            }

            var audit = rows.Select(r => new AuditEntry(r.Id, r.Tool.Name, r.Tool.Version, AuditActions.Created, AuditContent.Created(r.Id, r.Tool))).ToList();
            var changes = rows.Select(r => KeyValuePair.Create(r.Tool.Name, "created")).ToList();

            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            await writer.InsertVersionsAsync(connection, transaction, rows, now, "benchmark", CancellationToken.None);
            await writer.InsertAuditAsync(connection, transaction, 1, audit, Change, now, CancellationToken.None);
            await writer.InsertChangesAsync(connection, transaction, 1, changes, now, CancellationToken.None);
            var wall = Stopwatch.GetElapsedTime(started);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            await transaction.CommitAsync();

            var sums = new List<string>();
            foreach (var table in Tables)
            {
                sums.Add(await connection.QuerySingleAsync<string>($"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM tool_catalog.{table} t"));
            }

            return new Sample(wall, cpu, string.Join(" ", sums));
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

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static int IntArg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Sample(TimeSpan Wall, TimeSpan Cpu, string Checksum);
}
