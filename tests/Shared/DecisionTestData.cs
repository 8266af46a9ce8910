using System.Globalization;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>Small catalogs for the decision log and replay: tools with one capability and one pattern each, whose time and cost are given.</summary>
internal static class DecisionTestData
{
    /// <summary>A tool named <c>rep-0000{index}</c> offering <paramref name="capability"/> with one pattern of the given time and cost expressions.</summary>
    public static ToolDefinition Tool(int index, string capability, string time, string cost = "1", string version = "1.0")
    {
        var tool = GeneratedTools.Create(index, capabilities: 1, patterns: 1, prefix: "rep", version: version);
        var pattern = tool.Capabilities[0].Patterns[0] with { TimeEstimateMs = time, CostEstimate = cost };
        return tool with { Capabilities = [tool.Capabilities[0] with { Name = capability, Patterns = [pattern] }] };
    }

    /// <summary>
    /// Three tools: rep-00000 and rep-00001 offer <c>scan</c> (rep-00000 faster), rep-00002 alone offers <c>inventory</c>
    /// (cost 5), so a request for inventory with a cost limit of 3 has no candidate.
    /// </summary>
    public static IReadOnlyList<ToolDefinition> Catalog() =>
    [
        Tool(0, "scan", "100 + 2 * N"),
        Tool(1, "scan", "400 + 2 * N"),
        Tool(2, "inventory", "300", cost: "5"),
    ];

    public static CatalogSnapshot Snapshot(IEnumerable<ToolDefinition> tools, long revision = 1) =>
        CatalogSnapshot.Create(tools, revision, CatalogSource.Database, DateTimeOffset.UnixEpoch);

    public static SelectionRequest Request(string capability, double n, string mode = "fast", double? costLimit = null) => new()
    {
        Capabilities = [capability],
        ExplicitMode = mode,
        Variables = new Dictionary<string, double> { ["N"] = n },
        CostLimit = costLimit,
        Query = string.Create(CultureInfo.InvariantCulture, $"{capability} for {n} hosts"),
    };
}
