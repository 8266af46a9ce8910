using System.Text.Json.Nodes;
using Dapper;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>An audit row as a test reads it.</summary>
internal sealed record AuditRow(long Revision, long? ToolId, string ToolName, string? Version, string Action, JsonObject Changes, string ChangedBy, string? Reason, string? IpAddress, string? UserAgent);

internal static class AuditReader
{
    public static async Task<List<AuditRow>> ReadAsync(TestDatabase db, string? toolName = null)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(long Revision, long? ToolId, string ToolName, string? Version, string Action, string Changes, string ChangedBy, string? Reason, string? IpAddress, string? UserAgent)>(
            """
            SELECT revision, tool_id, tool_name, version, action, changes::text, changed_by, reason, host(ip_address), user_agent
            FROM tool_catalog.tool_audit_log
            WHERE @toolName::text IS NULL OR tool_name = @toolName
            ORDER BY id
            """,
            new { toolName });
        return rows.Select(r => new AuditRow(r.Revision, r.ToolId, r.ToolName, r.Version, r.Action, (JsonObject)JsonNode.Parse(r.Changes)!, r.ChangedBy, r.Reason, r.IpAddress, r.UserAgent)).ToList();
    }

    public static async Task<long> CountAsync(TestDatabase db)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.tool_audit_log");
    }
}
