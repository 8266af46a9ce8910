using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    /// <summary>
    /// The audit trail of <paramref name="toolName"/>, oldest first: one row per write that changed the tool, with who,
    /// why, from where and the field-by-field diff. A creation's diff lists every field of the new version (old values
    /// null); it is stored as a reference to the immutable version row with the SHA-256 of its content, and rebuilt here
    /// (from the version row, or from the hard delete that removed it) and checked against that hash — see
    /// <see cref="AuditRecord.Content"/>. Read in one REPEATABLE READ snapshot.
    /// </summary>
    public async Task<IReadOnlyList<AuditRecord>> GetAuditAsync(string toolName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        return await ReadAsync<IReadOnlyList<AuditRecord>>(snapshot: true, async read =>
        {
            var rows = (await read.Connection.QueryAsync<AuditLogRow>(read.Command(Sql.SelectAudit, new { Name = toolName })).ConfigureAwait(false)).ToList();
            return await MaterializeAsync(read, rows, allOfOneTool: true, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One page of the whole audit log, newest first, filtered by tool, actor, action and time (every criterion optional; they
    /// combine with AND). Keyset pagination on the row id: pass the previous page's <see cref="AuditPage.NextBefore"/> as
    /// <paramref name="before"/>; pages stay consistent while new rows are written. Each row is as
    /// <see cref="GetAuditAsync"/> gives it (a creation's diff rebuilt and checked). Read in one REPEATABLE READ snapshot.
    /// </summary>
    /// <param name="query">Which rows (default: all).</param>
    /// <param name="before">Only rows whose id is lower than this (a cursor); null for the newest page.</param>
    /// <param name="limit">Page size, 1 to <see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<AuditPage> QueryAuditAsync(AuditQuery? query = null, long? before = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        query ??= AuditQuery.All;
        return await ReadAsync(snapshot: true, async read =>
        {
            var rows = (await read.Connection.QueryAsync<AuditLogRow>(read.Command(
                Sql.SelectAuditPage,
                new
                {
                    Tool = query.ToolName,
                    query.Actor,
                    query.Action,
                    From = query.From?.UtcDateTime,
                    To = query.To?.UtcDateTime,
                    Before = before,
                    Limit = limit + 1,
                })).ConfigureAwait(false)).ToList();
            var more = rows.Count > limit;
            if (more)
            {
                rows.RemoveAt(rows.Count - 1);
            }

            var items = await MaterializeAsync(read, rows, allOfOneTool: false, cancellationToken).ConfigureAwait(false);
            return new AuditPage(items, more ? rows[^1].Id : null);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The records of <paramref name="rows"/>, creations audited by reference rebuilt from their version rows (or from the
    /// hard delete that removed them: among <paramref name="rows"/> when they are the whole trail of one tool, else read).
    /// </summary>
    private static async Task<List<AuditRecord>> MaterializeAsync(CatalogRead read, List<AuditLogRow> rows, bool allOfOneTool, CancellationToken cancellationToken)
    {
        var (connection, transaction) = (read.Connection, read.Transaction);
        var parsed = rows.Select(r => JsonNode.Parse(r.Changes) as JsonObject ?? []).ToList();
        var references = parsed.Select(AuditContent.ReadReference).ToList();
        var wanted = references.Where(r => r is not null).Select(r => r!.VersionId).Distinct().ToArray();
        var versions = (await LoadByIdsAsync(connection, transaction, wanted, cancellationToken).ConfigureAwait(false)).ToDictionary(t => t.Id);

        List<AuditLogRow> deletes = rows;
        List<JsonObject> deletesParsed = parsed;
        if (!allOfOneTool)
        {
            var orphaned = rows.Where((_, i) => references[i] is { } r && !versions.ContainsKey(r.VersionId)).Select(r => r.ToolName).Distinct(StringComparer.Ordinal).ToArray();
            deletes = orphaned.Length == 0 ? [] : (await connection.QueryAsync<AuditLogRow>(read.Command(
                Sql.SelectHardDeletes, new { Names = orphaned })).ConfigureAwait(false)).ToList();
            deletesParsed = deletes.Select(r => JsonNode.Parse(r.Changes) as JsonObject ?? []).ToList();
        }

        var result = new List<AuditRecord>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var (changes, check) = references[i] is { } reference
                ? Rebuild(reference, versions, deletes, deletesParsed)
                : (row.Changes, AuditContentCheck.Stored);
            result.Add(new AuditRecord(
                row.Id,
                row.Revision,
                row.ToolId,
                row.ToolName,
                row.Version,
                row.Action,
                changes ?? row.Changes,
                row.ChangedBy,
                ToolAssembler.ToOffset(row.ChangedAt),
                row.Reason,
                row.IpAddress,
                row.UserAgent,
                check));
        }

        return result;
    }

    /// <summary>The full diff of a creation audited by reference (null changes: show the row as stored).</summary>
    private static (string? Changes, AuditContentCheck Check) Rebuild(ContentReference reference, Dictionary<long, StoredTool> versions, List<AuditLogRow> rows, List<JsonObject> parsed)
    {
        if (versions.TryGetValue(reference.VersionId, out var stored))
        {
            var created = stored.Definition with { Status = reference.Status, Enabled = reference.Enabled };
            return ToolJson.ContentSha256(created) == reference.Sha256
                ? (AuditContent.Expand(created), AuditContentCheck.Verified)
                : (null, AuditContentCheck.Mismatch);
        }

        // The version is gone: a hard delete removed it, and its audit row kept the content.
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Action == AuditActions.HardDeleted && AuditContent.FindRemoved(parsed[i], rows[i].ToolId, reference.VersionId) is { } removed)
            {
                return removed.Sha256 == reference.Sha256
                    ? (AuditContent.ExpandFields(removed.Fields, reference), AuditContentCheck.Verified)
                    : (null, AuditContentCheck.Mismatch);
            }
        }

        return (null, AuditContentCheck.Unavailable);
    }
}
