namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>The actions the audit log records, as its rows and <c>GET /api/v1/audit?action=</c> spell them.</summary>
internal static class AuditActionNames
{
    /// <summary>Every action, in the order a tool's life meets them.</summary>
    public static IReadOnlyList<string> All { get; } =
        ["created", "published", "updated", "enabled", "disabled", "deprecated", "rolled_back", "deleted", "hard_deleted", "restored"];
}
