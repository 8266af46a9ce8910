using System.Globalization;
using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Benchmarks.Runtime;

/// <summary>
/// Where a snapshot's memory goes (issue 20, docs/scaling.md): retained bytes per generated tool (3 capabilities × 3
/// patterns, the fan-out benchmark's tools), measured as <see cref="GC.GetTotalMemory(bool)"/> deltas after a full
/// collection, part by part, no database:
/// <list type="number">
/// <item>the tools' definitions as a follower reads them (each tool's API document through the tool file reader), with
/// short texts pooled per document and with one pool for the whole load (what the follower does);</item>
/// <item>the same definitions as built in memory (strings shared between tools: what duplicated text costs);</item>
/// <item>the snapshot over the read definitions (compiled patterns, the name map and capability index) without them;</item>
/// <item>the relevance documents a first query selection builds (lazily, per pattern).</item>
/// </list>
/// <c>-- snapshot-memory [--tools 5000]</c>
/// </summary>
internal static class SnapshotMemoryMeasurement
{
    public static int Run(string[] args)
    {
        var count = args.Length >= 2 && args[0] == "--tools" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5_000;
        var documents = GeneratedTools.CreateMany(count).Select(static t => ToolJson.ToJson(t, indented: false)).ToArray();

        var start = Total();
        var generated = GeneratedTools.CreateMany(count);
        var generatedBytes = Total() - start;

        start = Total();
        var reader = new ToolYamlReader();
        var read = documents.Select((d, i) => reader.Read(d, "doc " + i).Tools[0]).ToList();
        var readBytes = Total() - start;

        start = Total();
        var pooledReader = new ToolYamlReader { ScalarPool = new Dictionary<string, string>(StringComparer.Ordinal) };
        var pooled = documents.Select((d, i) => pooledReader.Read(d, "doc " + i).Tools[0]).ToList();
        pooledReader.ScalarPool = null;
        var pooledBytes = Total() - start;

        start = Total();
        var snapshot = CatalogSnapshot.Create(read, 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var snapshotBytes = Total() - start;

        start = Total();
        var compiler = new ExpressionCompiler(VariableTable.CreateDefault());
        var tools = read.Select(d => new CatalogTool(d, 0, compiler)).ToList();
        var compiledBytes = Total() - start;

        start = Total();
        try
        {
            _ = new ToolSelector(new SelectionOptions { ScoringMode = ScoringMode.Extended })
                .Select(snapshot, new SelectionRequest { Capabilities = [], Query = "check things on a host" });
        }
        catch (ToolSelectionException)
        {
            // No generated tool matches well enough; the relevance index was built to find that out, which is what is measured.
        }

        var relevanceBytes = Total() - start;

        Console.WriteLine($"{count:N0} generated tools (3 capabilities x 3 patterns), bytes retained per tool:");
        Line("definitions read from API documents, texts pooled per document", readBytes, count);
        Line("definitions read from API documents, one pool per load (a follower's)", pooledBytes, count);
        Line("definitions built in memory (text shared between tools)", generatedBytes, count);
        Line("snapshot over those definitions (compiled patterns, maps, index)", snapshotBytes, count);
        Line("  of which the compiled tools alone (CatalogTool + CompiledPattern)", compiledBytes, count);
        Line("relevance documents after a first query selection", relevanceBytes, count);
        Line("a follower's total (pooled definitions + snapshot + relevance)", pooledBytes + snapshotBytes + relevanceBytes, count);
        GC.KeepAlive(generated);
        GC.KeepAlive(read);
        GC.KeepAlive(pooled);
        GC.KeepAlive(snapshot);
        GC.KeepAlive(tools);
        return 0;
    }

    private static long Total() => GC.GetTotalMemory(forceFullCollection: true);

    private static void Line(string what, long bytes, int count) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-70} {bytes / (double)count,9:N0} B  ({bytes / 1024.0 / 1024.0:0.0} MB)"));
}
