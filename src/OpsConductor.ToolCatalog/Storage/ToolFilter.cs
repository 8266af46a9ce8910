using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>Which tools to list or export; every criterion is optional and they combine with AND.</summary>
public sealed record ToolFilter
{
    /// <summary>Every tool.</summary>
    public static ToolFilter All { get; } = new();

    /// <summary>Only this platform (exact).</summary>
    public string? Platform { get; init; }

    /// <summary>Only this category (exact).</summary>
    public string? Category { get; init; }

    /// <summary>Only this status.</summary>
    public ToolStatus? Status { get; init; }

    /// <summary>Only enabled (true) or disabled (false) tools.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Only tools having this capability (exact name).</summary>
    public string? Capability { get; init; }

    /// <summary>Only tools whose <c>metadata.tags</c> holds this tag (exact).</summary>
    public string? Tag { get; init; }
}
