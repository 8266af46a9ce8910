using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>How to import files into the catalog.</summary>
public sealed record CatalogImportOptions
{
    /// <summary>Report what would change (new tool, new version, unchanged, …) without writing anything.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// File by file instead of all or nothing: invalid files are reported and left out, the valid ones imported, and a
    /// tool the store refuses (an existing version with other content, say) does not stop the others
    /// (<see cref="ImportMode.PerTool"/>: one tool per canonical file; each tool of a profiles file on its own). Still one
    /// transaction, one revision and one notification for the batch.
    /// </summary>
    public bool PerFile { get; init; }

    /// <summary>Who imports and why (recorded in the audit row of every tool changed).</summary>
    public ChangeContext Change { get; init; } = ChangeContext.Anonymous;
}
