using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>One stored version of a tool: its definition and its bookkeeping.</summary>
public sealed class StoredTool
{
    private readonly Dictionary<string, long> _capabilityIds;
    private readonly Dictionary<(string Capability, string Pattern), long> _patternIds;

    internal StoredTool(
        ToolDefinition definition,
        long id,
        bool isLatest,
        long? parentVersionId,
        DateTimeOffset? deletedAt,
        DateTimeOffset createdAt,
        string? createdBy,
        DateTimeOffset updatedAt,
        string? updatedBy,
        Dictionary<string, long> capabilityIds,
        Dictionary<(string Capability, string Pattern), long> patternIds)
    {
        Definition = definition;
        Id = id;
        IsLatest = isLatest;
        ParentVersionId = parentVersionId;
        DeletedAt = deletedAt;
        CreatedAt = createdAt;
        CreatedBy = createdBy;
        UpdatedAt = updatedAt;
        UpdatedBy = updatedBy;
        _capabilityIds = capabilityIds;
        _patternIds = patternIds;
    }

    /// <summary>The tool version as the model holds it.</summary>
    public ToolDefinition Definition { get; }

    /// <summary>The version's row id (<c>tools.id</c>), which telemetry and A/B tests reference.</summary>
    public long Id { get; }

    /// <summary>Whether this is the tool's latest version.</summary>
    public bool IsLatest { get; }

    /// <summary>The id of the version this one was published after, if any.</summary>
    public long? ParentVersionId { get; }

    /// <summary>When the version was soft-deleted, if it was.</summary>
    public DateTimeOffset? DeletedAt { get; }

    /// <summary>When the version was stored.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Who stored it.</summary>
    public string? CreatedBy { get; }

    /// <summary>When its row last changed (latest flag, status, enabled).</summary>
    public DateTimeOffset UpdatedAt { get; }

    /// <summary>Who changed it last.</summary>
    public string? UpdatedBy { get; }

    /// <summary>The row id of a capability of this version (<c>tool_capabilities.id</c>), or null.</summary>
    public long? GetCapabilityId(string capability) => _capabilityIds.TryGetValue(capability, out var id) ? id : null;

    /// <summary>The row id of a pattern of this version (<c>tool_patterns.id</c>), or null.</summary>
    public long? GetPatternId(string capability, string pattern) => _patternIds.TryGetValue((capability, pattern), out var id) ? id : null;

    /// <inheritdoc />
    public override string ToString() => $"{Definition.Name} {Definition.Version} (id {Id}{(IsLatest ? ", latest" : "")})";
}
