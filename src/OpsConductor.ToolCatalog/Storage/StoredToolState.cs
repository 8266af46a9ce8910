using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>How one tool changed after a given revision.</summary>
/// <param name="Name">The tool.</param>
/// <param name="Current">Its latest version now, or null when the tool was removed (deleted).</param>
internal sealed record StoredToolState(string Name, StoredTool? Current)
{
    /// <summary>Whether the tool no longer exists.</summary>
    public bool IsRemoved => Current is null;
}
