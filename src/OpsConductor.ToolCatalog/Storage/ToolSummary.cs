using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>A line of a tool listing (the latest version of one tool).</summary>
/// <param name="Name">The tool name.</param>
/// <param name="Version">Its latest version.</param>
/// <param name="Description">What it does.</param>
/// <param name="Platform">Where it runs.</param>
/// <param name="Category">What kind of tool it is.</param>
/// <param name="Status">Its lifecycle status.</param>
/// <param name="Enabled">Whether it may be selected.</param>
/// <param name="Capabilities">Its capability names, in file order.</param>
/// <param name="Tags">The tags in its metadata.</param>
/// <param name="UpdatedAt">When its latest version's row last changed.</param>
public sealed record ToolSummary(
    string Name,
    string Version,
    string Description,
    string Platform,
    string Category,
    ToolStatus Status,
    bool Enabled,
    IReadOnlyList<string> Capabilities,
    IReadOnlyList<string> Tags,
    DateTimeOffset UpdatedAt);
