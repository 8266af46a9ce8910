using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>One file an export wrote.</summary>
/// <param name="RelativePath">The file's path inside the export folder, with <c>/</c> separators (<c>linux/grep.yaml</c>).</param>
/// <param name="Name">The tool.</param>
/// <param name="Version">Its version.</param>
public sealed record ExportedFile(string RelativePath, string Name, string Version);
