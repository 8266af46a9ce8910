using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Npgsql;
using OpsConductor.ToolCatalog.Benchmarks.Runtime;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;
using static OpsConductor.ToolCatalog.Benchmarks.MeasurementText;

namespace OpsConductor.ToolCatalog.Benchmarks.Telemetry;

/// <summary>
/// The telemetry recorder (issue 15), side by side with baselines in the same process:
/// <list type="bullet">
/// <item>the cost of <c>ITelemetryRecorder.Record</c> on the caller's thread (ns and bytes per call) against a bare
/// bounded channel's <c>TryWrite</c> of the same record, the buffer it is built on;</item>
/// <item>sustained ingest into PostgreSQL: <c>ToolCatalogStore.WriteTelemetryAsync</c> (binary COPY into a staging
/// table, one insert resolving the names) in batches, against one INSERT per record (the same name resolution), and the
/// whole path (Record from four threads, the background writers, FlushAsync) with one writer and with two.</item>
/// </list>
/// <c>dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- telemetry [--records 200000] [--rounds 3]</c>
/// </summary>
internal static class TelemetryMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        var records = Option(args, "--records", 200_000);
        var rounds = Option(args, "--rounds", 3);
        await using var db = await BenchDatabase.CreateAsync();
        var tools = GeneratedTools.CreateMany(20, prefix: "tel");
        await db.Store.ImportAsync(tools);
        var batch = Enumerable.Range(0, records).Select(i => Execution(i)).ToList();
        var withoutEstimates = batch.Select(r => r with { EstimatedTimeMs = null, EstimatedCost = null }).ToList();
        Console.WriteLine($"telemetry: {records:N0} records over {tools.Count} tools, {rounds} rounds, server {db.ServerDescription}");

        for (var round = 1; round <= rounds; round++)
        {
            var (recordNs, recordBytes) = await MeasureRecordAsync(db, batch);
            var (channelNs, channelBytes) = MeasureChannel(batch);
            Console.WriteLine(F($"round {round}: Record {recordNs:0.0} ns, {recordBytes:0.0} B per call; a bare bounded channel's TryWrite {channelNs:0.0} ns, {channelBytes:0.0} B; ratio {recordNs / channelNs:0.00}"));

            await TruncateAsync(db.DataSource);
            var copy = Stopwatch.StartNew();
            for (var i = 0; i < batch.Count; i += 10_000)
            {
                await db.Store.WriteTelemetryAsync(batch.GetRange(i, Math.Min(10_000, batch.Count - i)));
            }

            copy.Stop();
            var copyRate = batch.Count / copy.Elapsed.TotalSeconds;

            // The same records without estimates: the store evaluates each one's pattern expression (decision 1502).
            await TruncateAsync(db.DataSource);
            var evaluated = Stopwatch.StartNew();
            for (var i = 0; i < withoutEstimates.Count; i += 10_000)
            {
                await db.Store.WriteTelemetryAsync(withoutEstimates.GetRange(i, Math.Min(10_000, withoutEstimates.Count - i)));
            }

            evaluated.Stop();
            var evaluatedRate = withoutEstimates.Count / evaluated.Elapsed.TotalSeconds;
            Console.WriteLine(F($"round {round}: WriteTelemetryAsync of records with estimates {copyRate:N0} records/s, without (the store evaluates the pattern's expressions) {evaluatedRate:N0} records/s; ratio {evaluatedRate / copyRate:0.00}"));

            await TruncateAsync(db.DataSource);
            var single = Math.Min(5_000, batch.Count);
            var insert = Stopwatch.StartNew();
            await InsertOneByOneAsync(db.DataSource, batch.GetRange(0, single));
            insert.Stop();
            var insertRate = single / insert.Elapsed.TotalSeconds;

            var oneWriter = await MeasureWholePathAsync(db, batch, records, writers: 1);
            var twoWriters = await MeasureWholePathAsync(db, batch, records, writers: 2);
            Console.WriteLine(F($"round {round}: WriteTelemetryAsync (10,000 a batch) {copyRate:N0} records/s; one INSERT per record {insertRate:N0} records/s; ratio {copyRate / insertRate:0.0}x; Record + writers + FlushAsync: one writer {oneWriter:N0} records/s, two {twoWriters:N0} records/s ({twoWriters / insertRate:0.0}x one INSERT per record)"));
        }

        return 0;
    }

    private static async Task<double> MeasureWholePathAsync(BenchDatabase db, List<ExecutionRecord> batch, int records, int writers)
    {
        await TruncateAsync(db.DataSource);
        var options = new TelemetryOptions { Capacity = records + 1, BatchSize = 10_000, FlushInterval = TimeSpan.FromMilliseconds(50), Writers = writers };
        await using var recorder = new TelemetryRecorder(db.Store, options);
        await recorder.StartAsync();
        var whole = Stopwatch.StartNew();
        Parallel.For(0, 4, part =>
        {
            for (var i = part; i < batch.Count; i += 4)
            {
                recorder.Record(batch[i]);
            }
        });
        await recorder.FlushAsync();
        whole.Stop();
        if (recorder.Counts.Written != batch.Count)
        {
            throw new InvalidOperationException($"The recorder wrote {recorder.Counts.Written} of {batch.Count} records.");
        }

        return batch.Count / whole.Elapsed.TotalSeconds;
    }

    private static async Task<(double Ns, double Bytes)> MeasureRecordAsync(BenchDatabase db, List<ExecutionRecord> batch)
    {
        // Steady state: the buffer has held this many records once (its storage is grown), and the writer only drains
        // when asked, so the measured calls are the caller's side only.
        var options = new TelemetryOptions { Capacity = batch.Count, BatchSize = batch.Count, FlushInterval = TimeSpan.FromHours(1) };
        await using var recorder = new TelemetryRecorder(db.Store, options);
        await recorder.StartAsync();
        foreach (var record in batch)
        {
            recorder.Record(record);
        }

        await recorder.FlushAsync();
        await TruncateAsync(db.DataSource);
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        foreach (var record in batch)
        {
            recorder.Record(record);
        }

        watch.Stop();
        var result = (watch.Elapsed.TotalNanoseconds / batch.Count, (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)batch.Count);
        await recorder.FlushAsync();
        return result;
    }

    private static (double Ns, double Bytes) MeasureChannel(List<ExecutionRecord> batch)
    {
        // The bare buffer: a bounded channel's TryWrite of the same records, grown and drained once first.
        var channel = Channel.CreateBounded<ExecutionRecord>(new BoundedChannelOptions(batch.Count) { SingleReader = true });
        foreach (var record in batch)
        {
            channel.Writer.TryWrite(record);
        }

        while (channel.Reader.TryRead(out _))
        {
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        foreach (var record in batch)
        {
            channel.Writer.TryWrite(record);
        }

        watch.Stop();
        return (watch.Elapsed.TotalNanoseconds / batch.Count, (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)batch.Count);
    }

    private static async Task InsertOneByOneAsync(NpgsqlDataSource dataSource, List<ExecutionRecord> records)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var r in records)
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO tool_catalog.tool_telemetry (tool_id, capability_id, pattern_id, environment, actual_time_ms, actual_cost,
                    success, context_variables, estimated_time_ms, estimated_cost, executed_at, selection_id, catalog_revision)
                SELECT t.id, c.id, p.id, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13
                FROM tool_catalog.tools t
                JOIN tool_catalog.tool_capabilities c ON c.tool_id = t.id AND c.capability_name = $2
                JOIN tool_catalog.tool_patterns p ON p.capability_id = c.id AND p.pattern_name = $3
                WHERE t.tool_name = $1 AND t.is_latest
                """, connection);
            command.Parameters.Add(new() { Value = r.Tool });
            command.Parameters.Add(new() { Value = r.Capability });
            command.Parameters.Add(new() { Value = r.Pattern });
            command.Parameters.Add(new() { Value = (object?)r.Environment ?? DBNull.Value });
            command.Parameters.Add(new() { Value = (int)Math.Round(r.ActualTimeMs) });
            command.Parameters.Add(new() { Value = (object?)r.ActualCost ?? DBNull.Value });
            command.Parameters.Add(new() { Value = r.Success });
            command.Parameters.Add(new() { Value = "{\"N\": " + r.Variables!["N"].ToString(CultureInfo.InvariantCulture) + "}" });
            command.Parameters.Add(new() { Value = (int)Math.Round(r.EstimatedTimeMs!.Value) });
            command.Parameters.Add(new() { Value = (object?)r.EstimatedCost ?? DBNull.Value });
            command.Parameters.Add(new() { Value = r.ExecutedAt.UtcDateTime });
            command.Parameters.Add(new() { Value = (object?)r.SelectionId ?? DBNull.Value });
            command.Parameters.Add(new() { Value = (object?)r.CatalogRevision ?? DBNull.Value });
            await command.ExecuteNonQueryAsync();
        }
    }

    private static ExecutionRecord Execution(int i) => new()
    {
        Tool = "tel-" + (i % 20).ToString("D5", CultureInfo.InvariantCulture),
        Capability = "capability_" + (i % 3).ToString(CultureInfo.InvariantCulture),
        Pattern = "pattern_" + (i / 3 % 3).ToString(CultureInfo.InvariantCulture),
        ActualTimeMs = 100 + (i % 900),
        ActualCost = 1 + (i % 7),
        Success = i % 17 != 0,
        Environment = "production",
        Variables = new Dictionary<string, double> { ["N"] = i % 100 },
        EstimatedTimeMs = 400,
        EstimatedCost = 3,
        SelectionId = "sel-" + i.ToString(CultureInfo.InvariantCulture),
        CatalogRevision = 2,
        ExecutedAt = DateTimeOffset.UnixEpoch.AddYears(56).AddSeconds(i),
    };

    private static async Task TruncateAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("TRUNCATE tool_catalog.tool_telemetry");
        await command.ExecuteNonQueryAsync();
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
