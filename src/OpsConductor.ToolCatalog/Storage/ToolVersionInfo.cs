using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>One version in a tool's history.</summary>
/// <param name="Id">The version's row id.</param>
/// <param name="Version">The version string.</param>
/// <param name="Status">Its lifecycle status.</param>
/// <param name="Enabled">Whether it is enabled.</param>
/// <param name="IsLatest">Whether it is the latest version.</param>
/// <param name="DeletedAt">When it was soft-deleted, if it was.</param>
/// <param name="ParentVersion">The version it was published after, if any.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="CreatedBy">Who stored it.</param>
/// <param name="UpdatedAt">When its row last changed.</param>
/// <param name="UpdatedBy">Who changed it last.</param>
public sealed record ToolVersionInfo(
    long Id,
    string Version,
    ToolStatus Status,
    bool Enabled,
    bool IsLatest,
    DateTimeOffset? DeletedAt,
    string? ParentVersion,
    DateTimeOffset CreatedAt,
    string? CreatedBy,
    DateTimeOffset UpdatedAt,
    string? UpdatedBy);
