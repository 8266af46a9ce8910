using BenchmarkDotNet.Attributes;
using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Benchmarks.Runtime;

/// <summary>
/// Looking a tool up by name: from the snapshot (what the orchestrator does), against a plain
/// <see cref="Dictionary{TKey, TValue}"/> on the same keys (the baseline: the best an in-memory map can do), and
/// against the same lookup as a Dapper query on an open connection (one indexed row: id, name, version, enabled — the
/// cheapest database lookup), and against the store's <c>GetAsync</c> (the whole tool with its capabilities and
/// patterns, which is what the snapshot lookup returns: what a catalog without a snapshot pays).
/// 10,000 tools; each in-memory operation is one lookup (1,000 different names per invocation). Ten iterations rather
/// than a short run's three: database round trips on a shared machine need them.
/// <code>
/// dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- --filter '*LookupBenchmarks*'
/// </code>
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class LookupBenchmarks
{
    private const int Names = 1000;
    private const string LatestByName = """
        SELECT id AS Id, tool_name AS Name, version AS Version, enabled AS Enabled
        FROM tool_catalog.tools
        WHERE tool_name = @Name AND is_latest AND deleted_at IS NULL
        """;

    private BenchDatabase _database = null!;
    private NpgsqlConnection _connection = null!;
    private CatalogSnapshot _snapshot = null!;
    private Dictionary<string, CatalogTool> _dictionary = null!;
    private string[] _names = [];
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchDatabase.CreateAsync();
        await _database.Store.ImportAsync(GeneratedTools.CreateMany(10_000, capabilities: 1, patterns: 2));
        var state = await _database.Store.LoadCatalogAsync();
        _snapshot = CatalogSnapshot.Create(state.Tools.Select(t => t.Definition), state.Revision, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        _dictionary = _snapshot.Tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _names = [.. Enumerable.Range(0, Names).Select(i => _snapshot.Tools[(i * 7919) % _snapshot.ToolCount].Name)];
        _connection = await _database.DataSource.OpenConnectionAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _connection.DisposeAsync();
        await _database.DisposeAsync();
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

    [Benchmark]
    public async Task<long> DapperQuery()
    {
        var name = _names[_next++ % Names];
        var row = await _connection.QuerySingleOrDefaultAsync<LatestRow>(new CommandDefinition(LatestByName, new { Name = name }));
        return row?.Id ?? 0;
    }

    [Benchmark]
    public async Task<int> StoreGetAsync()
    {
        var tool = await _database.Store.GetAsync(_names[_next++ % Names]);
        return tool?.Definition.Capabilities.Count ?? 0;
    }

    private sealed record LatestRow(long Id, string Name, string Version, bool Enabled);
}
