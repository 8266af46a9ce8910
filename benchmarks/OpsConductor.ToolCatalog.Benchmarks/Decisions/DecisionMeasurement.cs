using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OpsConductor.ToolCatalog.Benchmarks.Runtime;
using OpsConductor.ToolCatalog.Decisions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Testing;
using static OpsConductor.ToolCatalog.Benchmarks.MeasurementText;

namespace OpsConductor.ToolCatalog.Benchmarks.Decisions;

/// <summary>
/// The decision log and replay (issue 15, decision 1504), side by side in one process, interleaved per round:
/// <list type="bullet">
/// <item>selection alone (the selection benchmark's 200-tool catalog, 5 matching patterns) against selection followed by
/// <c>IDecisionLog.Record</c> with the log off, sampling 1 % and sampling 100 % (the writers running meanwhile, as in a
/// host): ns and bytes per call on the caller's thread;</item>
/// <item>replay throughput: <c>DecisionReplay.ReplayAsync</c> over the logged decisions with a one-tool draft (read,
/// parse, two evaluations each), in requests per second.</item>
/// </list>
/// <c>dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- decisions [--calls 200000] [--block 5000] [--rounds 3]</c>
/// </summary>
internal static class DecisionMeasurement
{
    private const string Capability = "service_control";

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = Option(args, "--calls", 200_000);
        var rounds = Option(args, "--rounds", 3);
        var block = Option(args, "--block", 5_000);
        await using var db = await BenchDatabase.CreateAsync();
        var tools = Catalog();
        await db.Store.ImportAsync(tools);
        var state = await db.Store.LoadCatalogAsync();
        var snapshot = CatalogSnapshot.Create(state.Tools.Select(t => t.Definition), state.Revision, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var selector = new ToolSelector();
        var requests = Enumerable.Range(0, 64).Select(i => new SelectionRequest
        {
            Capabilities = [Capability],
            Variables = new Dictionary<string, double> { ["N"] = 10 + i },
            ExplicitMode = "fast",
            CostLimit = 100,
        }).ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            selector.Select(snapshot, requests[i & 63]); // warm up
        }

        var ids = Enumerable.Range(0, calls).Select(i => "sel-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine($"decisions: {calls:N0} selections per mode, {tools.Count} tools ({selector.Evaluate(snapshot, requests[0]).Ranked.Count} matching patterns), {rounds} rounds, server {db.ServerDescription}");

        for (var round = 1; round <= rounds; round++)
        {
            // The four modes interleaved in blocks of --block calls, rotating which goes first, so a busy moment of the
            // shared machine hits them alike; per mode the median and the fastest block are reported.
            await using var off = new DecisionLog(db.Store, new DecisionLogOptions { Enabled = false }, logger: ConsoleLogger.Instance);
            await using var onePercent = new DecisionLog(db.Store, new DecisionLogOptions { Enabled = true, SampleRate = 0.01, Capacity = (2 * calls) + 20_000 }, logger: ConsoleLogger.Instance);
            await using var all = new DecisionLog(db.Store, new DecisionLogOptions { Enabled = true, SampleRate = 1, Capacity = (2 * calls) + 20_000, BatchSize = 5_000 }, logger: ConsoleLogger.Instance);
            await onePercent.StartAsync();
            await all.StartAsync();
            var chosen = selector.Select(snapshot, requests[0]);
            Action<int>[] modes =
            [
                i => selector.Select(snapshot, requests[i & 63]),
                i => Logged(off, i),
                i => Logged(onePercent, i),
                i => Logged(all, i),
                i => off.Record(requests[0], chosen, ids[i]),
                i => onePercent.Record(requests[0], chosen, ids[i]),
                i => all.Record(requests[0], chosen, ids[i]),
            ];
            void Logged(DecisionLog log, int i)
            {
                var request = requests[i & 63];
                log.Record(request, selector.Select(snapshot, request), ids[i]);
            }

            var ns = modes.Select(_ => new List<double>()).ToArray();
            var bytes = new double[modes.Length];
            var blocks = calls / block;
            for (var b = 0; b < blocks; b++)
            {
                for (var k = 0; k < modes.Length; k++)
                {
                    var m = (b + k) % modes.Length;
                    var (blockNs, blockBytes) = Measure(b * block, block, modes[m]);
                    ns[m].Add(blockNs);
                    bytes[m] += blockBytes / blocks;
                }
            }

            var written = Stopwatch.StartNew();
            await all.FlushAsync();
            await onePercent.FlushAsync();
            written.Stop();
            var median = ns.Select(Median).ToArray();
            Console.WriteLine(F($"round {round}: Select alone {median[0]:0} ns (fastest block {ns[0].Min():0}), {bytes[0]:0} B; + Record, log off {median[1]:0} ns ({ns[1].Min():0}), {bytes[1]:0} B, {median[1] / median[0]:0.00}x; 1 % {median[2]:0} ns ({ns[2].Min():0}), {bytes[2]:0} B, {median[2] / median[0]:0.00}x; 100 % {median[3]:0} ns ({ns[3].Min():0}), {bytes[3]:0} B, {median[3] / median[0]:0.00}x; dropped {all.Counts.Dropped + onePercent.Counts.Dropped}, written {all.Counts.Written + onePercent.Counts.Written:N0} ({written.Elapsed.TotalSeconds:0.0} s to flush after the calls)"));
            Console.WriteLine(F($"round {round}: Record alone (a result already chosen): log off {median[4]:0.0} ns (fastest block {ns[4].Min():0.0}), {bytes[4]:0} B; 1 % {median[5]:0.0} ns ({ns[5].Min():0.0}), {bytes[5]:0} B; 100 % {median[6]:0.0} ns ({ns[6].Min():0.0}), {bytes[6]:0} B"));

            var draft = tools.Where(t => t.Capabilities.Any(c => c.Name == Capability)).Skip(1).Take(1)
                .Select(t => t with { Capabilities = [.. t.Capabilities.Select(c => c.Name != Capability ? c : c with { Patterns = [c.Patterns[0] with { TimeEstimateMs = "5" }] })] })
                .ToList();
            var watch = Stopwatch.StartNew();
            var report = await new DecisionReplay(db.Store).ReplayAsync(draft, TimeSpan.FromDays(1), 1_000_000);
            watch.Stop();
            Console.WriteLine(F($"round {round}: replay of {report.Replayed:N0} logged decisions with a one-tool draft: {watch.Elapsed.TotalSeconds:0.00} s, {report.Replayed / watch.Elapsed.TotalSeconds:N0} requests/s ({report.Changed:N0} would change)"));
            await TruncateAsync(db.DataSource);
        }

        return 0;
    }

    /// <summary>The selection benchmark's small catalog: 200 tools, 5 of them with one pattern for the capability asked.</summary>
    private static List<ToolDefinition> Catalog()
    {
        var tools = SyntheticCatalog.Generate(200, distinctCapabilities: 50);
        var random = new Random(11);
        for (var i = 0; i < 5; i++)
        {
            var index = i * 40;
            var pattern = SyntheticCatalog.Pattern(random, "restart") with
            {
                Policy = new PolicyDefinition { MaxCost = 50, RequiresBackgroundIf = "N > 50", MaxNImmediate = 100, ProductionSafe = true },
            };
            tools[index] = tools[index] with { Capabilities = [.. tools[index].Capabilities, new CapabilityDefinition { Name = Capability, Patterns = [pattern] }] };
        }

        return tools;
    }

    private static (double Ns, double Bytes) Measure(int start, int calls, Action<int> call)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = start; i < start + calls; i++)
        {
            call(i);
        }

        watch.Stop();
        return (watch.Elapsed.TotalNanoseconds / calls, (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)calls);
    }

    private static async Task TruncateAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("TRUNCATE tool_catalog.selection_decisions");
        await command.ExecuteNonQueryAsync();
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Prints the decision log's warnings (drops, failed writes) next to the figures.</summary>
internal sealed class ConsoleLogger : Microsoft.Extensions.Logging.ILogger
{
    public static ConsoleLogger Instance { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.WriteLine($"  log {eventId.Id}: {formatter(state, exception)}");
        }
    }
}
