using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>The whole catalog as of one revision: every tool's latest version, enabled or not (soft-deleted tools excluded).</summary>
/// <param name="Revision">The catalog revision the tools reflect.</param>
/// <param name="Tools">Every tool's latest version, by name.</param>
public sealed record CatalogState(long Revision, IReadOnlyList<StoredTool> Tools);
