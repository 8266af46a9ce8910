using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>How to export the catalog to files.</summary>
public sealed record CatalogExportOptions
{
    /// <summary>Which tools (every tool by default).</summary>
    public ToolFilter Filter { get; init; } = ToolFilter.All;

    /// <summary>Every version that is not deleted, instead of each tool's latest only.</summary>
    public bool AllVersions { get; init; }

    /// <summary>Allow a folder that already holds files (files of the same name are replaced; others are left alone).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Write secret values in plain text (<c>!secret "value"</c>), opened with the store's key, instead of the mask
    /// <c>!secret "********"</c>. For administrators only (the CLI, which has direct database access, is one). Off by default:
    /// an export then round-trips through import, which reads the mask as "keep the stored value".</summary>
    public bool IncludeSecrets { get; init; }
}
