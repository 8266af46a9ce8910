using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>What happened to one imported tool, and which file it came from.</summary>
/// <param name="File">The file's display path.</param>
/// <param name="Name">The tool.</param>
/// <param name="Version">Its version.</param>
/// <param name="Outcome">What the store did (or would do).</param>
/// <param name="Message">Why, for refused and failed tools.</param>
public sealed record CatalogImportItem(string File, string Name, string Version, ImportOutcome Outcome, string? Message);
