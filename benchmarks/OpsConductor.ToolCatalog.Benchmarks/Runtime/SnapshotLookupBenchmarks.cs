using BenchmarkDotNet.Attributes;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Testing;

namespace OpsConductor.ToolCatalog.Benchmarks.Runtime;

/// <summary>
/// The in-memory half of <see cref="LookupBenchmarks"/>, measured with more launches and iterations than a short run
/// (the two contenders differ by nanoseconds, so the machine's noise needs averaging out): a tool looked up by name in
/// the snapshot against a plain <see cref="Dictionary{TKey, TValue}"/> (ordinal) holding the same tools, for 1,000
/// different names per invocation.
/// <code>
/// dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- --filter '*SnapshotLookupBenchmarks*'
/// </code>
/// </summary>
[SimpleJob(launchCount: 3, warmupCount: 5, iterationCount: 15)]
public class SnapshotLookupBenchmarks
{
    private const int Names = 1000;
    private CatalogSnapshot _snapshot = null!;
    private Dictionary<string, CatalogTool> _dictionary = null!;
    private string[] _names = [];

    [Params(10_000, 100_000)]
    public int Tools { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = CatalogSnapshot.Create(SyntheticCatalog.Generate(Tools, capabilitiesPerTool: 1, patternsPerCapability: 1), 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        _dictionary = _snapshot.Tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var random = new Random(7);
        _names = [.. Enumerable.Range(0, Names).Select(_ => SyntheticCatalog.ToolName(random.Next(Tools)))];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Names)]
    public int Dictionary()
    {
        var found = 0;
        foreach (var name in _names)
        {
            if (_dictionary.TryGetValue(name, out var tool))
            {
                found += tool.Patterns.Count;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Names)]
    public int Snapshot()
    {
        var found = 0;
        foreach (var name in _names)
        {
            if (_snapshot.TryGetTool(name, out var tool))
            {
                found += tool.Patterns.Count;
            }
        }

        return found;
    }
}
