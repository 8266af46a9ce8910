using System.Globalization;
using Dapper;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    private const string AuditChainSummary = """
        SELECT count(*) AS Rows, coalesce(max(chain_position), 0) AS HeadPosition,
               coalesce(encode((SELECT row_hash FROM tool_catalog.tool_audit_log ORDER BY chain_position DESC NULLS LAST LIMIT 1), 'hex'), '') AS HeadHash
        FROM tool_catalog.tool_audit_log
        """;

    // Every row recomputed with the schema's own audit_row_hash (one definition of the hash), linked to the row before it.
    private const string AuditChainProblems = """
        SELECT id AS Id, chain_position AS Position, problem AS Problem, prior_position AS PriorPosition
        FROM (
            SELECT a.id, a.chain_position, lag(a.chain_position) OVER w AS prior_position,
                   CASE
                       WHEN a.chain_position IS NULL OR a.row_hash IS NULL THEN 'unchained'
                       WHEN tool_catalog.audit_row_hash(a, a.previous_hash) IS DISTINCT FROM a.row_hash THEN 'changed'
                       WHEN coalesce(lag(a.chain_position) OVER w, 0) <> a.chain_position - 1 THEN 'missing'
                       WHEN a.previous_hash IS DISTINCT FROM coalesce(lag(a.row_hash) OVER w, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea) THEN 'broken_link'
                   END AS problem
            FROM tool_catalog.tool_audit_log a
            WINDOW w AS (ORDER BY a.chain_position NULLS LAST, a.id)) checked
        WHERE problem IS NOT NULL
        ORDER BY chain_position NULLS LAST, id
        LIMIT @Max
        """;

    private const string AuditChainHasHead = """
        SELECT EXISTS (SELECT 1 FROM tool_catalog.tool_audit_log WHERE chain_position = @Position AND row_hash = decode(@Hash, 'hex'))
        """;

    /// <summary>
    /// Verifies the audit log's hash chain (schema 0008): every row's hash recomputed from its fields and the previous
    /// row's hash, and every link and position checked, in one pass in PostgreSQL inside one snapshot. Finds rows changed
    /// after they were written, rows removed from the middle, rewritten or reordered links, and rows inserted with the
    /// chaining trigger disabled. Rows removed from the end, or a chain rewritten from some point to the end, are found
    /// only against a head recorded earlier (<paramref name="expectedHead"/>, as <c>position:hash</c> from a previous
    /// report's <see cref="AuditChainReport.HeadPosition"/> and <see cref="AuditChainReport.HeadHash"/>).
    /// </summary>
    /// <param name="expectedHead">A head recorded earlier, <c>position:hexhash</c>; null for none.</param>
    /// <param name="maxProblems">The most problems to list (100).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException"><paramref name="expectedHead"/> is not <c>position:64 hex digits</c>.</exception>
    public async Task<AuditChainReport> VerifyAuditChainAsync(string? expectedHead = null, int maxProblems = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxProblems, 1);
        AuditChainHead? head = null;
        if (expectedHead is not null)
        {
            head = AuditChainHead.TryParse(expectedHead, out var parsed)
                ? parsed
                : throw new ArgumentException($"An expected audit head is {AuditChainHead.Form}, got '{expectedHead}'.", nameof(expectedHead));
        }

        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var summary = await connection.QuerySingleAsync<ChainSummaryRow>(new CommandDefinition(AuditChainSummary, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                var rows = await connection.QueryAsync<ChainProblemRow>(new CommandDefinition(
                    AuditChainProblems, new { Max = maxProblems }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                bool? found = head is { } h
                    ? await connection.ExecuteScalarAsync<bool>(new CommandDefinition(AuditChainHasHead, new { h.Position, h.Hash }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)
                    : null;
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new AuditChainReport(summary.Rows, summary.HeadPosition, summary.HeadHash, [.. rows.Select(Describe)], found);
            }
        }

        static AuditChainProblem Describe(ChainProblemRow row)
        {
            var at = row.Position is { } p ? string.Create(CultureInfo.InvariantCulture, $"at position {p}") : "outside the chain";
            return row.Problem switch
            {
                "changed" => new(row.Id, row.Position, AuditChainProblemKind.Changed,
                    string.Create(CultureInfo.InvariantCulture, $"audit row {row.Id} {at} was changed after it was written (its fields no longer give its hash)")),
                "missing" => new(row.Id, row.Position, AuditChainProblemKind.Missing,
                    string.Create(CultureInfo.InvariantCulture, $"rows {(row.PriorPosition ?? 0) + 1} to {row.Position - 1} before audit row {row.Id} {at} are missing")),
                "broken_link" => new(row.Id, row.Position, AuditChainProblemKind.BrokenLink,
                    string.Create(CultureInfo.InvariantCulture, $"audit row {row.Id} {at} does not link to the row before it (the chain was rewritten or reordered)")),
                _ => new(row.Id, row.Position, AuditChainProblemKind.Unchained,
                    string.Create(CultureInfo.InvariantCulture, $"audit row {row.Id} has no place in the chain (inserted with the chaining trigger disabled)")),
            };
        }
    }

    private sealed class ChainSummaryRow
    {
        public long Rows { get; set; }

        public long HeadPosition { get; set; }

        public string HeadHash { get; set; } = "";
    }

    private sealed class ChainProblemRow
    {
        public long Id { get; set; }

        public long? Position { get; set; }

        public string Problem { get; set; } = "";

        public long? PriorPosition { get; set; }
    }
}
