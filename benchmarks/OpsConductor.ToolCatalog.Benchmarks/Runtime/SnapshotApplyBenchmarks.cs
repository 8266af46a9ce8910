using BenchmarkDotNet.Attributes;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Testing;

namespace OpsConductor.ToolCatalog.Benchmarks.Runtime;

/// <summary>
/// Applying one changed tool to a 100,000-tool catalog (3 capabilities × 3 patterns each, 1,000 distinct capabilities):
/// <see cref="CatalogSnapshot.Apply"/>, which copies only the touched shards and capability buckets, against a full
/// rebuild of the same catalog with the change (the baseline: what a reload without incremental apply does; its
/// expressions are already compiled and cached, so it measures the rebuild alone).
/// <code>
/// dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- --filter '*SnapshotApplyBenchmarks*'
/// </code>
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class SnapshotApplyBenchmarks
{
    private CatalogSnapshot _snapshot = null!;
    private ToolDefinition[] _changedCatalog = [];
    private ToolState[] _change = [];

    [Params(100_000)]
    public int Tools { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var tools = SyntheticCatalog.Generate(Tools);
        _snapshot = CatalogSnapshot.Create(tools, 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var changed = tools[Tools / 2] with
        {
            Version = "2.0",
            Capabilities = [.. tools[Tools / 2].Capabilities.Select(c => c with { Patterns = [.. c.Patterns.Select(p => p with { TimeEstimateMs = "42 + 3 * N" })] })],
        };
        _change = [new ToolState(changed.Name, changed)];
        _changedCatalog = [.. tools];
        _changedCatalog[Tools / 2] = changed;
    }

    [Benchmark(Baseline = true)]
    public CatalogSnapshot FullRebuild() => _snapshot.Rebuild(_changedCatalog, 2, CatalogSource.Database, DateTimeOffset.UnixEpoch, keepFileOrder: false);

    [Benchmark]
    public CatalogSnapshot ApplyOneChangedTool() => _snapshot.Apply(_change, 2, DateTimeOffset.UnixEpoch);
}
