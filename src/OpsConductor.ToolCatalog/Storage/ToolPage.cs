using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>A page of a listing.</summary>
/// <param name="Items">The tools on this page, by name.</param>
/// <param name="NextCursor">Pass as <c>after</c> to get the next page; null on the last page.</param>
public sealed record ToolPage(IReadOnlyList<ToolSummary> Items, string? NextCursor);
