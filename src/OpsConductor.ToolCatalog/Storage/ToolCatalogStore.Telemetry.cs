using System.Buffers;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    private const string CreateTelemetryStaging = """
        CREATE TEMP TABLE telemetry_in (
            ordinal integer, tool text, version text, capability text, pattern text, execution_id text, user_id text,
            environment text, actual_time_ms double precision, actual_cost double precision, success boolean,
            error_message text, error_type text, context_variables jsonb, estimated_time_ms double precision,
            estimated_cost double precision, selection_id text, catalog_revision bigint, executed_at timestamptz
        ) ON COMMIT DROP
        """;

    private const string CopyTelemetryStaging = """
        COPY telemetry_in (ordinal, tool, version, capability, pattern, execution_id, user_id, environment, actual_time_ms,
            actual_cost, success, error_message, error_type, context_variables, estimated_time_ms, estimated_cost,
            selection_id, catalog_revision, executed_at) FROM STDIN (FORMAT BINARY)
        """;

    // The names resolve to the stored version (the latest one when no version is given), its capability and pattern.
    // Times are whole milliseconds (the column's type), variances are percentages of the estimate.
    private const string InsertTelemetryFromStaging = """
        INSERT INTO tool_catalog.tool_telemetry (tool_id, capability_id, pattern_id, execution_id, user_id, environment,
            actual_time_ms, actual_cost, success, error_message, error_type, context_variables, estimated_time_ms,
            estimated_cost, time_variance_percent, cost_variance_percent, executed_at, selection_id, catalog_revision)
        SELECT t.id, c.id, p.id, left(i.execution_id, 100), left(i.user_id, 100), left(i.environment, 50),
            round(i.actual_time_ms)::integer, i.actual_cost, i.success, i.error_message, left(i.error_type, 100), i.context_variables,
            round(i.estimated_time_ms)::integer, i.estimated_cost,
            CASE WHEN i.estimated_time_ms > 0 THEN (i.actual_time_ms - i.estimated_time_ms) / i.estimated_time_ms * 100 END,
            CASE WHEN i.estimated_cost > 0 AND i.actual_cost IS NOT NULL THEN (i.actual_cost - i.estimated_cost) / i.estimated_cost * 100 END,
            i.executed_at, left(i.selection_id, 100), i.catalog_revision
        FROM telemetry_in i
        JOIN tool_catalog.tools t
          ON t.tool_name = i.tool AND (t.version = i.version OR (i.version IS NULL AND t.is_latest))
        JOIN tool_catalog.tool_capabilities c ON c.tool_id = t.id AND c.capability_name = i.capability
        JOIN tool_catalog.tool_patterns p ON p.capability_id = c.id AND p.pattern_name = i.pattern
        """;

    // Asked only when the insert wrote fewer rows than the batch holds: the records whose names match nothing.
    private const string UnmatchedTelemetry = """
        SELECT i.ordinal FROM telemetry_in i
        WHERE NOT EXISTS (
            SELECT 1 FROM tool_catalog.tools t
            JOIN tool_catalog.tool_capabilities c ON c.tool_id = t.id AND c.capability_name = i.capability
            JOIN tool_catalog.tool_patterns p ON p.capability_id = c.id AND p.pattern_name = i.pattern
            WHERE t.tool_name = i.tool AND (t.version = i.version OR (i.version IS NULL AND t.is_latest)))
        ORDER BY i.ordinal
        """;

    /// <summary>
    /// Writes execution records to the telemetry table in one transaction: one binary COPY into a staging table, then one
    /// insert that resolves each record's tool (its <see cref="ExecutionRecord.Version"/>, or the latest version when it
    /// has none), capability and pattern. Records whose names match no stored pattern are not written; their positions
    /// in <paramref name="records"/> come back in <see cref="TelemetryWriteResult.Unmatched"/>.
    /// </summary>
    /// <param name="records">The records; times must be finite and ≥ 0 (the recorder and the ingest check that first).</param>
    /// <param name="cancellationToken">Cancels the write; nothing is written then.</param>
    /// <returns>How many were written, and which were not.</returns>
    /// <exception cref="NpgsqlException">The database could not be reached or refused the batch; nothing was written.</exception>
    public async Task<TelemetryWriteResult> WriteTelemetryAsync(IReadOnlyList<ExecutionRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return new TelemetryWriteResult(0, []);
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var create = new NpgsqlCommand(CreateTelemetryStaging, connection, transaction);
                await using (create.ConfigureAwait(false))
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await CopyTelemetryAsync(connection, records, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);

                int written;
                var insert = new NpgsqlCommand(InsertTelemetryFromStaging, connection, transaction);
                await using (insert.ConfigureAwait(false))
                {
                    written = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var unmatched = new List<int>();
                if (written < records.Count)
                {
                    var find = new NpgsqlCommand(UnmatchedTelemetry, connection, transaction);
                    await using (find.ConfigureAwait(false))
                    {
                        var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        await using (reader.ConfigureAwait(false))
                        {
                            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                            {
                                unmatched.Add(reader.GetInt32(0));
                            }
                        }
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new TelemetryWriteResult(written, unmatched);
            }
        }
    }

    private static async Task CopyTelemetryAsync(NpgsqlConnection connection, IReadOnlyList<ExecutionRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var copy = await connection.BeginBinaryImportAsync(CopyTelemetryStaging, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            for (var i = 0; i < records.Count; i++)
            {
                var r = records[i];
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, r.Tool, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, r.Version, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, r.Capability, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, r.Pattern, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, r.ExecutionId, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, r.UserId, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, r.Environment, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(r.ActualTimeMs, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await NumberOrNullAsync(copy, r.ActualCost, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(r.Success, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, r.ErrorMessage, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, r.ErrorType, cancellationToken).ConfigureAwait(false);
                if (r.Variables is { Count: > 0 } variables)
                {
                    buffer.ResetWrittenCount();
                    using (var writer = new Utf8JsonWriter(buffer))
                    {
                        writer.WriteStartObject();
                        foreach (var (name, value) in variables)
                        {
                            writer.WritePropertyName(name);
                            if (double.IsFinite(value))
                            {
                                writer.WriteNumberValue(value);
                            }
                            else
                            {
                                writer.WriteNullValue();
                            }
                        }

                        writer.WriteEndObject();
                    }

                    await copy.WriteAsync(buffer.WrittenMemory, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false); // copied into the COPY buffer before the next row reuses it
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await NumberOrNullAsync(copy, r.EstimatedTimeMs, cancellationToken).ConfigureAwait(false);
                await NumberOrNullAsync(copy, r.EstimatedCost, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, r.SelectionId, cancellationToken).ConfigureAwait(false);
                if (r.CatalogRevision is { } revision)
                {
                    await copy.WriteAsync(revision, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await copy.WriteAsync((r.ExecutedAt == default ? now : r.ExecutedAt).UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task TextOrNullAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task NumberOrNullAsync(NpgsqlBinaryImporter copy, double? value, CancellationToken cancellationToken) =>
        value is { } number && double.IsFinite(number) ? copy.WriteAsync(number, NpgsqlDbType.Double, cancellationToken) : copy.WriteNullAsync(cancellationToken);
}
