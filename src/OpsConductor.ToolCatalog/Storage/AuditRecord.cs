using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>One row of a tool's audit trail (see <see cref="ToolCatalogStore.GetAuditAsync"/>).</summary>
/// <param name="Id">The audit row's id (rows are numbered in the order they were written).</param>
/// <param name="Revision">The catalog revision of the write.</param>
/// <param name="ToolId">The version row concerned (<c>tools.id</c>); kept after the version is hard-deleted.</param>
/// <param name="ToolName">The tool.</param>
/// <param name="Version">The version concerned; null for whole-tool operations.</param>
/// <param name="Action">What was done: <c>created</c>, <c>published</c>, <c>updated</c>, <c>enabled</c>, <c>disabled</c>,
/// <c>deprecated</c>, <c>rolled_back</c>, <c>deleted</c>, <c>hard_deleted</c> or <c>restored</c>.</param>
/// <param name="Changes">The field-by-field diff as JSON, <c>{"path": {"old": …, "new": …}}</c>. For a creation every field
/// of the new version, with <c>old</c> null, rebuilt from the version it refers to (see <paramref name="Content"/>).</param>
/// <param name="ChangedBy">Who made the change.</param>
/// <param name="ChangedAt">When.</param>
/// <param name="Reason">Why, when given.</param>
/// <param name="IpAddress">From which address, when given.</param>
/// <param name="UserAgent">With which client, when given.</param>
/// <param name="Content">Whether <paramref name="Changes"/> was stored in full or rebuilt from a verified reference.</param>
public sealed record AuditRecord(
    long Id,
    long Revision,
    long? ToolId,
    string ToolName,
    string? Version,
    string Action,
    string Changes,
    string ChangedBy,
    DateTimeOffset ChangedAt,
    string? Reason,
    string? IpAddress,
    string? UserAgent,
    AuditContentCheck Content);
