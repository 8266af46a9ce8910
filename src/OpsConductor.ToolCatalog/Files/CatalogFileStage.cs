using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>Where an import or export is.</summary>
public enum CatalogFileStage
{
    /// <summary>Reading and validating files (<see cref="CatalogFileProgress.Done"/> of <see cref="CatalogFileProgress.Total"/>).</summary>
    Reading,

    /// <summary>Writing to the catalog in one transaction (no finer progress is known).</summary>
    Writing,

    /// <summary>Writing exported files (<see cref="CatalogFileProgress.Done"/> of <see cref="CatalogFileProgress.Total"/>).</summary>
    Exporting,

    /// <summary>Finished.</summary>
    Done,
}
