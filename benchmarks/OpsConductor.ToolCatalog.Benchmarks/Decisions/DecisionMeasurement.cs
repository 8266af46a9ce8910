using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OpsConductor.ToolCatalog.Benchmarks.Runtime;
using OpsConductor.ToolCatalog.Decisions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Testing;

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
/// <c>dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- decisions [--calls 200000] [--rounds 3]</c>
/// </summary>
internal static class DecisionMeasurement
{
    private const string Capability = "service_control";

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = Option(args, "--calls", 200_000);
        var rounds = Option(args, "--rounds", 3);
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
        var ids = Enumerable.Range(0, calls).Select(i => "sel-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine($"decisions: {calls:N0} selections per mode, {tools.Count} tools ({selector.Evaluate(snapshot, requests[0]).Ranked.Count} matching patterns), {rounds} rounds, server {db.ServerDescription}");

        for (var round = 1; round <= rounds; round++)
        {
            var alone = Measure(calls, i => selector.Select(snapshot, requests[i & 63]));
            var off = await MeasureWithLogAsync(db, snapshot, selector, requests, ids, new DecisionLogOptions { Enabled = false });
            var onePercent = await MeasureWithLogAsync(db, snapshot, selector, requests, ids, new DecisionLogOptions { Enabled = true, SampleRate = 0.01, Capacity = calls + 20_000 });
            var all = await MeasureWithLogAsync(db, snapshot, selector, requests, ids, new DecisionLogOptions { Enabled = true, SampleRate = 1, Capacity = calls + 20_000, BatchSize = 5_000 });
            Console.WriteLine(F($"round {round}: Select alone {alone.Ns:0} ns, {alone.Bytes:0} B; + Record, log off {off.Ns:0} ns, {off.Bytes:0} B ({off.Ns / alone.Ns:0.00}x); 1 % {onePercent.Ns:0} ns, {onePercent.Bytes:0} B ({onePercent.Ns / alone.Ns:0.00}x); 100 % {all.Ns:0} ns, {all.Bytes:0} B ({all.Ns / alone.Ns:0.00}x), {all.Dropped} dropped, written {all.WriteRate:N0} decisions/s"));

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

    private static async Task<(double Ns, double Bytes, long Dropped, double WriteRate)> MeasureWithLogAsync(
        BenchDatabase db, CatalogSnapshot snapshot, ToolSelector selector, SelectionRequest[] requests, string[] ids, DecisionLogOptions options)
    {
        await using var log = new DecisionLog(db.Store, options);
        await log.StartAsync();
        var total = Stopwatch.StartNew();
        var (ns, bytes) = Measure(ids.Length, i =>
        {
            var request = requests[i & 63];
            log.Record(request, selector.Select(snapshot, request), ids[i]);
        });
        await log.FlushAsync();
        total.Stop();
        return (ns, bytes, log.Counts.Dropped, log.Counts.Written / total.Elapsed.TotalSeconds);
    }

    private static (double Ns, double Bytes) Measure(int calls, Action<int> call)
    {
        for (var i = 0; i < 10_000; i++)
        {
            call(i);
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
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

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
