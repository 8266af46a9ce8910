namespace OpsConductor.ToolCatalog.Storage;

/// <summary>A page of the audit log, newest first (see <see cref="ToolCatalogStore.QueryAuditAsync"/>).</summary>
/// <param name="Items">The rows of this page, newest (highest id) first.</param>
/// <param name="NextBefore">Pass as <c>before</c> to get the next (older) page; null on the last page.</param>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Items, long? NextBefore);
