using Npgsql;
using NpgsqlTypes;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>One row of the decision log (<c>tool_catalog.selection_decisions</c>), as written and read back.</summary>
/// <param name="SelectionId">The selection's id (what telemetry's <c>selection_id</c> carries).</param>
/// <param name="DecidedAt">When the decision was made.</param>
/// <param name="CatalogRevision">The catalog revision the decision read.</param>
/// <param name="ChosenTool">The chosen tool; null when nothing could be chosen.</param>
/// <param name="ChosenVersion">The chosen tool's version.</param>
/// <param name="ChosenCapability">The chosen capability.</param>
/// <param name="ChosenPattern">The chosen pattern.</param>
/// <param name="EstimatedTimeMs">The chosen pattern's estimated time.</param>
/// <param name="EstimatedCost">The chosen pattern's estimated cost.</param>
/// <param name="Score">The chosen pattern's score.</param>
/// <param name="Request">The request, as JSON.</param>
/// <param name="Candidates">The candidates with their figures, as a JSON array.</param>
internal sealed record DecisionRow(
    string SelectionId,
    DateTimeOffset DecidedAt,
    long CatalogRevision,
    string? ChosenTool,
    string? ChosenVersion,
    string? ChosenCapability,
    string? ChosenPattern,
    double? EstimatedTimeMs,
    double? EstimatedCost,
    double? Score,
    ReadOnlyMemory<byte> Request,
    ReadOnlyMemory<byte> Candidates);

public sealed partial class ToolCatalogStore
{
    private const string CopyDecisions = """
        COPY tool_catalog.selection_decisions (selection_id, decided_at, catalog_revision, chosen_tool, chosen_version,
            chosen_capability, chosen_pattern, estimated_time_ms, estimated_cost, score, request, candidates)
        FROM STDIN (FORMAT BINARY)
        """;

    private const string SelectDecisions = """
        SELECT selection_id, decided_at, catalog_revision, chosen_tool, chosen_version, chosen_capability, chosen_pattern,
               estimated_time_ms, estimated_cost, score, request::text, candidates::text
        FROM tool_catalog.selection_decisions
        WHERE decided_at >= @Since
        ORDER BY decided_at DESC, id DESC
        LIMIT @Limit
        """;

    /// <summary>Writes decision-log rows in one binary COPY (one transaction). Text must already be what PostgreSQL can hold.</summary>
    internal async Task<int> WriteDecisionsAsync(IReadOnlyList<DecisionRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var copy = await connection.BeginBinaryImportAsync(CopyDecisions, cancellationToken).ConfigureAwait(false);
            await using (copy.ConfigureAwait(false))
            {
                foreach (var row in rows)
                {
                    await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(Truncate(row.SelectionId, 100)!, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(row.DecidedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(row.CatalogRevision, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await TextOrNullAsync(copy, Truncate(row.ChosenTool, 100), cancellationToken).ConfigureAwait(false);
                    await TextOrNullAsync(copy, Truncate(row.ChosenVersion, 50), cancellationToken).ConfigureAwait(false);
                    await TextOrNullAsync(copy, Truncate(row.ChosenCapability, 100), cancellationToken).ConfigureAwait(false);
                    await TextOrNullAsync(copy, Truncate(row.ChosenPattern, 100), cancellationToken).ConfigureAwait(false);
                    await NumberOrNullAsync(copy, row.EstimatedTimeMs, cancellationToken).ConfigureAwait(false);
                    await NumberOrNullAsync(copy, row.EstimatedCost, cancellationToken).ConfigureAwait(false);
                    await NumberOrNullAsync(copy, row.Score, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(row.Request, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(row.Candidates, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                }

                await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return rows.Count;
    }

    /// <summary>The decisions logged at or after <paramref name="since"/>, newest first, at most <paramref name="limit"/>.</summary>
    internal async Task<IReadOnlyList<DecisionRow>> ReadDecisionsAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        var rows = new List<DecisionRow>();
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(SelectDecisions, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("Since", since.ToUniversalTime());
                command.Parameters.AddWithValue("Limit", (long)limit);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add(new DecisionRow(
                            reader.GetString(0),
                            reader.GetFieldValue<DateTimeOffset>(1),
                            reader.GetInt64(2),
                            reader.IsDBNull(3) ? null : reader.GetString(3),
                            reader.IsDBNull(4) ? null : reader.GetString(4),
                            reader.IsDBNull(5) ? null : reader.GetString(5),
                            reader.IsDBNull(6) ? null : reader.GetString(6),
                            reader.IsDBNull(7) ? null : reader.GetDouble(7),
                            reader.IsDBNull(8) ? null : reader.GetDouble(8),
                            reader.IsDBNull(9) ? null : reader.GetDouble(9),
                            System.Text.Encoding.UTF8.GetBytes(reader.GetString(10)),
                            System.Text.Encoding.UTF8.GetBytes(reader.GetString(11))));
                    }
                }
            }
        }

        return rows;
    }
}
