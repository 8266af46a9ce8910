using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>What a write did.</summary>
/// <param name="Revision">The catalog revision after the write (unchanged when <paramref name="Changed"/> is false).</param>
/// <param name="ToolName">The tool written.</param>
/// <param name="Version">The version concerned (null for whole-tool operations such as deleting every version).</param>
/// <param name="Changed">False when the catalog already was as asked (for example disabling a disabled tool): then
/// nothing was written, audited or announced.</param>
public sealed record CatalogWriteResult(long Revision, string ToolName, string? Version, bool Changed);
