using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>Progress of an import or export, for progress bars.</summary>
/// <param name="Stage">What is happening.</param>
/// <param name="Done">Items finished in this stage.</param>
/// <param name="Total">Items in this stage.</param>
/// <param name="Current">The file (display path) just handled, when there is one.</param>
public sealed record CatalogFileProgress(CatalogFileStage Stage, int Done, int Total, string? Current = null);
