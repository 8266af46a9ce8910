namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>One tool's change as applied to the catalog.</summary>
/// <param name="Name">The tool.</param>
/// <param name="Kind">The main thing that changed.</param>
/// <param name="Previous">The tool as the previous snapshot held it, or null when added.</param>
/// <param name="Current">The tool as the new snapshot holds it, or null when removed.</param>
public sealed record CatalogToolChange(string Name, ToolChangeKind Kind, CatalogTool? Previous, CatalogTool? Current)
{
    /// <summary>What changed, for people: <c>published version 1.0 → 1.1</c>, <c>disabled</c>, <c>removed</c>, <c>status active → deprecated</c>, ….</summary>
    public string Description => ToolChangeDescriber.Describe(this);
}
