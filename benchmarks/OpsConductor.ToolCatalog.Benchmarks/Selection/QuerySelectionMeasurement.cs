using System.Diagnostics;
using System.Globalization;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Testing;
using static OpsConductor.ToolCatalog.Benchmarks.MeasurementText;

namespace OpsConductor.ToolCatalog.Benchmarks.Selection;

/// <summary>
/// What the query costs (issue 18, decision 1801), every scenario in one process and interleaved (each round times every
/// scenario of a table for the same number of calls, in a rotating order, so a shared machine's load drifts over all of
/// them alike); medians per call and bytes per call.
/// <list type="number">
/// <item>Selection on the shipped catalog (samples/tools): one capability without a query, the same with a query in
/// compatible scoring (query read for the mode only) and in extended scoring (relevance weighted), and query-only
/// selection over the whole catalog.</item>
/// <item>Snapshot build with and without the relevance index, for the shipped catalog and a 10,000-tool generated one.</item>
/// <item>Applying one changed tool to the 10,000-tool snapshot without an index, with an index (derived incrementally),
/// and, for comparison, building the index again from scratch (what a rebuild per change would cost).</item>
/// </list>
/// <c>-- query-selection [--calls 20000] [--rounds 21] [--build-rounds 7] [--tools 10000] [--apply-calls 5]</c>
/// </summary>
internal static class QuerySelectionMeasurement
{
    public static int Run(string[] args)
    {
        var calls = Option(args, "--calls", 20_000);
        var rounds = Option(args, "--rounds", 21);
        var buildRounds = Option(args, "--build-rounds", 7);
        var generated = Option(args, "--tools", 10_000);
        var applyCalls = Option(args, "--apply-calls", 5);

        var shipped = new CatalogFiles().Load(SamplesFolder()).Tools;
        var snapshot = CatalogSnapshot.Create(shipped, 0, CatalogSource.Yaml, DateTimeOffset.UnixEpoch, keepFileOrder: true);
        var compatible = new ToolSelector();
        var extended = new ToolSelector(new SelectionOptions { ScoringMode = ScoringMode.Extended });
        var request = new SelectionRequest
        {
            Capabilities = ["service_restart"],
            Variables = new Dictionary<string, double> { ["N"] = 10 },
            Environment = "staging",
        };
        var withQuery = request with { Query = "restart nginx on the web tier" };
        var queryOnly = new SelectionRequest { Capabilities = [], Query = "scan the subnet for open ports", Variables = new Dictionary<string, double> { ["N"] = 256 } };
        _ = snapshot.Relevance; // built once, as the first query would
        Check(compatible.Select(snapshot, request).Evaluation.Ranked.Count > 1, "service_restart has several candidates");
        Check(extended.Select(snapshot, withQuery).Evaluation.Weights.Relevance > 0, "extended scoring weighs relevance");
        Check(compatible.Select(snapshot, queryOnly).ToolName == "nmap", "the query-only request selects nmap");

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Selection on the shipped catalog ({snapshot.ToolCount} tools, {snapshot.Relevance.DocumentCount} patterns indexed), {rounds} rounds × {calls} calls:"));
        Table(rounds, calls, "NoQuery",
        [
            ("NoQuery", () => compatible.Select(snapshot, request)),
            ("QueryCompatible", () => compatible.Select(snapshot, withQuery)),
            ("NoQueryExtended", () => extended.Select(snapshot, request)),
            ("QueryExtended", () => extended.Select(snapshot, withQuery)),
            ("QueryOnly", () => compatible.Select(snapshot, queryOnly)),
        ]);

        var large = SyntheticCatalog.Generate(generated);
        foreach (var (name, tools, repeat) in new[] { ("shipped", (IReadOnlyList<ToolDefinition>)shipped, 20), ($"{generated:N0}-tool generated", large, 1) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Snapshot build, {name} catalog, {buildRounds} rounds × {repeat}:"));
            Table(buildRounds, repeat, "Build",
            [
                ("Build", () => CatalogSnapshot.Create(tools, 1, CatalogSource.Database, DateTimeOffset.UnixEpoch)),
                ("BuildWithIndex", () =>
                {
                    var built = CatalogSnapshot.Create(tools, 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);
                    return built.Relevance;
                }),
            ]);
        }

        // Apply: one tool changes (its description and a use case), alternating between two versions so every call changes it.
        var plain = CatalogSnapshot.Create(large, 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var indexed = CatalogSnapshot.Create(large, 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        _ = indexed.Relevance;
        var target = large[large.Count / 2];
        var pattern = target.Capabilities[0].Patterns[0];
        var changed = target with
        {
            Description = target.Description + " (changed)",
            Capabilities = [target.Capabilities[0] with { Patterns = [pattern with { TypicalUseCases = [.. pattern.TypicalUseCases, "frobnicate the widget"] }, .. target.Capabilities[0].Patterns.Skip(1)] }, .. target.Capabilities.Skip(1)],
        };
        var change = new ToolState[] { new(target.Name, changed) };
        var back = new ToolState[] { new(target.Name, target) };
        var flip = 0;
        Check(indexed.Apply(change, 2, DateTimeOffset.UnixEpoch).HasRelevanceIndex, "an indexed snapshot derives its index");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Apply of one changed tool to the {generated:N0}-tool snapshot ({indexed.Relevance.DocumentCount:N0} patterns, {indexed.Relevance.TermCount:N0} terms indexed), {buildRounds} rounds × {applyCalls}:"));
        Table(buildRounds, applyCalls, "ApplyNoIndex",
        [
            ("ApplyNoIndex", () => plain = plain.Apply(flip++ % 2 == 0 ? change : back, 2, DateTimeOffset.UnixEpoch)),
            ("ApplyWithIndex", () => indexed = indexed.Apply(flip++ % 2 == 0 ? change : back, 2, DateTimeOffset.UnixEpoch)),
            ("RebuildIndex", () => RelevanceIndex.Build(indexed.CapabilityNames.SelectMany(c => indexed.PatternsFor(c).ToArray()))),
        ]);
        Check(indexed.HasRelevanceIndex && indexed.Relevance.DocumentCount == plain.Relevance.DocumentCount, "both snapshots index the same patterns");
        return 0;
    }

    private static void Table(int rounds, int calls, string baseline, (string Name, Func<object> Call)[] scenarios)
    {
        var (times, bytes) = InterleavedRounds.Measure(2, rounds, calls, [.. scenarios.Select(static s => s.Call)]);

        var b = Array.FindIndex(scenarios, s => s.Name == baseline);
        Console.WriteLine($"| scenario | median | ratio to {baseline} (median of per-round ratios) | allocated per call | allocation ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        for (var s = 0; s < scenarios.Length; s++)
        {
            var ratios = times[s].Zip(times[b], (x, y) => x / y).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {scenarios[s].Name} | {Time(Median(times[s]))} | {Median(ratios):0.00} | {Bytes(bytes[s])} | {bytes[s] / Math.Max(bytes[b], 1):0.00} |"));
        }

        Console.WriteLine();
    }

    private static string SamplesFolder()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OpsConductor.ToolCatalog.sln")))
        {
            root = root.Parent;
        }

        ArgumentNullException.ThrowIfNull(root);
        return Path.Combine(root.FullName, "samples", "tools");
    }
}
