using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>How to delete.</summary>
public sealed record DeleteOptions
{
    /// <summary>Soft-delete every version of the tool.</summary>
    public static DeleteOptions Soft { get; } = new();

    /// <summary>Only this version; null means every version of the tool.</summary>
    public string? Version { get; init; }

    /// <summary>Remove the rows for good (default: soft delete, which keeps them, marked deleted).</summary>
    public bool Hard { get; init; }

    /// <summary>With <see cref="Hard"/>: also delete the telemetry and A/B tests referencing the versions, which
    /// otherwise make the hard delete fail.</summary>
    public bool Force { get; init; }
}
