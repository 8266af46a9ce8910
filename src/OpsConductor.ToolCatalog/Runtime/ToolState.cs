using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>One tool's new state in a catalog change: its latest version, or null when the tool is gone.</summary>
/// <param name="Name">The tool's name.</param>
/// <param name="Latest">The tool's latest version (enabled or not), or null when no version remains.</param>
internal readonly record struct ToolState(string Name, ToolDefinition? Latest);
