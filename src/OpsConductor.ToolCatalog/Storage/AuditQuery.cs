namespace OpsConductor.ToolCatalog.Storage;

/// <summary>Which audit rows <see cref="ToolCatalogStore.QueryAuditAsync"/> returns; every criterion is optional and they combine with AND.</summary>
public sealed record AuditQuery
{
    /// <summary>Every row.</summary>
    public static AuditQuery All { get; } = new();

    /// <summary>Only rows of this tool (exact name).</summary>
    public string? ToolName { get; init; }

    /// <summary>Only rows written by this actor (exact, as <see cref="AuditRecord.ChangedBy"/> holds it).</summary>
    public string? Actor { get; init; }

    /// <summary>
    /// Only rows of this action (exact: <c>created</c>, <c>published</c>, <c>updated</c>, <c>enabled</c>, <c>disabled</c>,
    /// <c>deprecated</c>, <c>rolled_back</c>, <c>deleted</c>, <c>hard_deleted</c>, <c>restored</c>, as <see cref="AuditRecord.Action"/> holds it).
    /// </summary>
    public string? Action { get; init; }

    /// <summary>Only rows written at or after this instant (inclusive).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only rows written before this instant (exclusive).</summary>
    public DateTimeOffset? To { get; init; }
}
