using System.Text.Json.Nodes;
using Dapper;
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
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var rows = (await connection.QueryAsync<AuditLogRow>(new CommandDefinition(
                    Sql.SelectAudit, new { Name = toolName }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
                var parsed = rows.Select(r => JsonNode.Parse(r.Changes) as JsonObject ?? []).ToList();
                var references = parsed.Select(AuditContent.ReadReference).ToList();
                var wanted = references.Where(r => r is not null).Select(r => r!.VersionId).Distinct().ToArray();
                var versions = (await LoadByIdsAsync(connection, transaction, wanted, cancellationToken).ConfigureAwait(false)).ToDictionary(t => t.Id);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

                var result = new List<AuditRecord>(rows.Count);
                for (var i = 0; i < rows.Count; i++)
                {
                    var row = rows[i];
                    var (changes, check) = references[i] is { } reference
                        ? Rebuild(reference, versions, rows, parsed)
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
        }
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
