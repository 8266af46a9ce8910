using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OpsConductor.ToolCatalog.Benchmarks.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;
using static OpsConductor.ToolCatalog.Benchmarks.MeasurementText;

namespace OpsConductor.ToolCatalog.Benchmarks.Telemetry;

/// <summary>
/// The telemetry report over many rows (issue 15, decision 1502), side by side in the same process with the floor of any
/// report, one full scan of the same window (<c>SELECT count(*), avg(actual_time_ms)</c>), and with exact
/// <c>percentile_cont</c> per pattern (to measure the histogram's accuracy). The rows are generated in SQL
/// (<c>generate_series</c>, 50 patterns, time = estimate × lognormal noise of 10%, 1% wild ×20) because a 10-million-row
/// load through the store would measure the ingest, not the report.
/// <c>dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- telemetry-report [--rows 10000000] [--rounds 3]</c>
/// </summary>
internal static class TelemetryReportMeasurement
{
    private static readonly DateTimeOffset Since = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = Option(args, "--rows", 10_000_000);
        var rounds = Option(args, "--rounds", 3);
        await using var db = await BenchDatabase.CreateAsync();
        await db.Store.ImportAsync(GeneratedTools.CreateMany(17, capabilities: 1, patterns: 3, prefix: "rep"));
        Console.WriteLine($"telemetry-report: {rows:N0} rows over 51 patterns, {rounds} rounds, server {db.ServerDescription}");

        var load = Stopwatch.StartNew();
        await ExecuteAsync(db.DataSource, "SELECT tool_catalog.ensure_telemetry_partition('2026-10-01')");
        await ExecuteAsync(db.DataSource, $"""
            CREATE TEMPORARY TABLE bench_patterns AS
                SELECT (row_number() OVER (ORDER BY p.id))::integer - 1 AS k, c.tool_id, p.capability_id, p.id AS pattern_id
                FROM tool_catalog.tool_patterns p JOIN tool_catalog.tool_capabilities c ON c.id = p.capability_id;
            SELECT setseed(0.15);
            INSERT INTO tool_catalog.tool_telemetry (tool_id, capability_id, pattern_id, environment, actual_time_ms, success,
                context_variables, estimated_time_ms, executed_at)
            SELECT b.tool_id, b.capability_id, b.pattern_id, 'production',
                   greatest(1, round((1000 + 20 * x.n) * exp(0.1 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))
                                     * CASE WHEN random() < 0.01 THEN 20 ELSE 1 END))::integer,
                   random() > 0.05, jsonb_build_object('N', x.n), 1000 + 20 * x.n,
                   timestamptz '2026-10-01 00:00:00Z' + g * interval '250 milliseconds'
            FROM generate_series(1, {rows}) AS g
            CROSS JOIN LATERAL (SELECT (g % 51)::integer AS k, (g % 97)::integer AS n) x
            JOIN bench_patterns b ON b.k = x.k;
            """, timeout: 3_600);
        load.Stop();
        var vacuum = Stopwatch.StartNew();
        await ExecuteAsync(db.DataSource, "VACUUM ANALYZE tool_catalog.tool_telemetry", timeout: 3_600);
        vacuum.Stop();
        Console.WriteLine(F($"loaded {rows:N0} rows in {load.Elapsed.TotalSeconds:0.0} s with generate_series ({rows / load.Elapsed.TotalSeconds:N0} rows/s), VACUUM ANALYZE {vacuum.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine(await ScalarAsync(db.DataSource, """
            SELECT format('table + indexes %s MB, %s bytes per row (rows themselves: %s bytes on average, of a 100,000-row sample)',
                (SELECT sum(pg_total_relation_size(i.inhrelid)) / 1048576 FROM pg_inherits i WHERE i.inhparent = 'tool_catalog.tool_telemetry'::regclass)::bigint,
                round((SELECT sum(pg_total_relation_size(i.inhrelid)) FROM pg_inherits i WHERE i.inhparent = 'tool_catalog.tool_telemetry'::regclass)
                      / (SELECT count(*) FROM tool_catalog.tool_telemetry)),
                (SELECT round(avg(pg_column_size(s.*))) FROM (SELECT * FROM tool_catalog.tool_telemetry LIMIT 100000) s))
            """));

        var query = new TelemetryReportQuery { Since = Since, Until = Since.AddMonths(1) };
        if (args.Contains("--explain"))
        {
            await using var explain = db.DataSource.CreateCommand("EXPLAIN (ANALYZE, BUFFERS) " + ToolCatalogStore.TelemetryReportSql);
            explain.CommandTimeout = 3_600;
            explain.Parameters.Add(new NpgsqlParameter("Since", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = Since.UtcDateTime });
            explain.Parameters.Add(new NpgsqlParameter("Until", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = Since.AddMonths(1).UtcDateTime });
            foreach (var name in new[] { "Tool", "Capability", "Environment" })
            {
                explain.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value });
            }

            await using var plan = await explain.ExecuteReaderAsync();
            while (await plan.ReadAsync())
            {
                Console.WriteLine(plan.GetString(0));
            }
        }

        for (var round = 1; round <= rounds; round++)
        {
            var floor = await TimeAsync(() => ScalarAsync(db.DataSource, """
                SELECT count(*)::text || ' rows, avg ' || round(avg(actual_time_ms)) FROM tool_catalog.tool_telemetry
                WHERE executed_at >= '2026-10-01 00:00:00Z' AND executed_at < '2026-11-01 00:00:00Z'
                """));
            var withoutDrift = await TimeAsync(() => db.Store.GetTelemetryReportAsync(query with { DriftSamples = 0 }));
            var report = await TimeAsync(() => db.Store.GetTelemetryReportAsync(query));
            Console.WriteLine(F($"round {round}: full scan (count, avg) {floor.Seconds:0.00} s; report without drift {withoutDrift.Seconds:0.00} s ({withoutDrift.Seconds / floor.Seconds:0.0}x the scan); with drift over the last 2,000 per pattern {report.Seconds:0.00} s ({report.Seconds / floor.Seconds:0.0}x); {report.Value.Rows.Count} rows, {report.Value.Rows.Sum(r => r.Count):N0} executions"));
        }

        // Accuracy and cost of the exact alternative: percentile_cont per pattern (sorts every group).
        var exact = await TimeAsync(async () =>
        {
            var result = new Dictionary<string, double[]>();
            await using var command = db.DataSource.CreateCommand("""
                SELECT p.pattern_name || '@' || v.tool_name,
                       percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY t.actual_time_ms),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY t.actual_time_ms::float8 / t.estimated_time_ms)
                FROM tool_catalog.tool_telemetry t
                JOIN tool_catalog.tool_patterns p ON p.id = t.pattern_id
                JOIN tool_catalog.tools v ON v.id = t.tool_id
                WHERE t.executed_at >= '2026-10-01 00:00:00Z' AND t.executed_at < '2026-11-01 00:00:00Z'
                GROUP BY 1
                """);
            command.CommandTimeout = 3_600;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var p = reader.GetFieldValue<double[]>(1);
                result[reader.GetString(0)] = [p[0], p[1], p[2], reader.GetDouble(2)];
            }

            return result;
        });
        var last = (await db.Store.GetTelemetryReportAsync(query with { DriftSamples = 0 })).Rows;
        var worst = new double[4];
        foreach (var r in last)
        {
            var e = exact.Value[r.Pattern + "@" + r.Tool];
            double[] ours = [r.TimeP50Ms, r.TimeP90Ms, r.TimeP99Ms, r.RatioMedian!.Value];
            for (var i = 0; i < 4; i++)
            {
                worst[i] = Math.Max(worst[i], Math.Abs((ours[i] / e[i]) - 1));
            }
        }

        Console.WriteLine(F($"exact percentile_cont per pattern (p50/p90/p99, median ratio): {exact.Seconds:0.00} s; the report's figures differ from it by at most p50 {worst[0]:P2}, p90 {worst[1]:P2}, p99 {worst[2]:P2}, median ratio {worst[3]:P2} (p99 sits at the edge of the 1% wild outliers, where one row moves it far)"));
        return 0;
    }

    private static async Task<(double Seconds, T Value)> TimeAsync<T>(Func<Task<T>> body)
    {
        var watch = Stopwatch.StartNew();
        var value = await body();
        return (watch.Elapsed.TotalSeconds, value);
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, int timeout = 300)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = timeout;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 3_600;
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
