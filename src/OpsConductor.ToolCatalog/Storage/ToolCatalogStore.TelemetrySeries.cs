using Npgsql;
using NpgsqlTypes;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    /// <summary>The most buckets <see cref="GetTelemetrySeriesAsync"/> returns per pattern.</summary>
    internal const int MaxSeriesBuckets = 1_000;

    // Per capability and pattern (by name, so a new version continues the line) and bucket: counts and the medians of the
    // actual and the estimated time. Buckets are aligned on @Since (date_bin).
    private const string SelectTelemetrySeries = """
        SELECT c.capability_name AS capability, p.pattern_name AS pattern, date_bin(@Step, t.executed_at, @Since) AS bucket,
               count(*) AS total, count(*) FILTER (WHERE t.success) AS ok,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY t.actual_time_ms) AS actual_p50,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY t.estimated_time_ms) FILTER (WHERE t.estimated_time_ms > 0) AS estimated_p50
        FROM tool_catalog.tool_telemetry t
        JOIN tool_catalog.tool_patterns p ON p.id = t.pattern_id
        JOIN tool_catalog.tool_capabilities c ON c.id = p.capability_id
        WHERE t.executed_at >= @Since AND t.executed_at < @Until
          AND t.tool_id IN (SELECT v.id FROM tool_catalog.tools v WHERE v.tool_name = @Tool AND v.tenant_id IS NULL)
        GROUP BY c.capability_name, p.pattern_name, bucket
        ORDER BY c.capability_name, p.pattern_name, bucket
        """;

    /// <summary>
    /// The estimate against the actual time over time for one tool (every version, so an applied recommendation shows as
    /// the estimate's line moving): per capability and pattern, per bucket of <paramref name="step"/> from
    /// <paramref name="since"/>, the executions, successes and the medians of the actual and the estimated time. Buckets
    /// without executions are left out. What the admin UI's telemetry charts draw; the report
    /// (<see cref="GetTelemetryReportAsync"/>) gives the window's figures.
    /// </summary>
    /// <param name="tool">The tool's name.</param>
    /// <param name="since">The start of the window (inclusive).</param>
    /// <param name="until">The end of the window (exclusive).</param>
    /// <param name="step">The bucket width: at least a minute, and at most 1,000 buckets in the window.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The points, by capability, pattern and time.</returns>
    /// <exception cref="ArgumentException">The window is empty, or the step is under a minute or cuts it into more than 1,000 buckets; the message names the parameter.</exception>
    public async Task<IReadOnlyList<TelemetrySeriesPoint>> GetTelemetrySeriesAsync(
        string tool, DateTimeOffset since, DateTimeOffset until, TimeSpan step, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tool);
        if (since >= until)
        {
            throw new ArgumentException($"since ({since:O}) must be before until ({until:O}).", nameof(since));
        }

        if (step < TimeSpan.FromMinutes(1) || (until - since) / step > MaxSeriesBuckets)
        {
            throw new ArgumentException($"step ({step}) must be at least a minute and cut the window ({until - since}) into at most {MaxSeriesBuckets} buckets.", nameof(step));
        }

        var points = new List<TelemetrySeriesPoint>();
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(SelectTelemetrySeries, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter("Since", NpgsqlDbType.TimestampTz) { Value = since.UtcDateTime });
                command.Parameters.Add(new NpgsqlParameter("Until", NpgsqlDbType.TimestampTz) { Value = until.UtcDateTime });
                command.Parameters.Add(new NpgsqlParameter("Step", NpgsqlDbType.Interval) { Value = step });
                command.Parameters.Add(new NpgsqlParameter("Tool", NpgsqlDbType.Text) { Value = tool });
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        points.Add(new TelemetrySeriesPoint
                        {
                            Capability = reader.GetString(0),
                            Pattern = reader.GetString(1),
                            At = reader.GetFieldValue<DateTimeOffset>(2),
                            Count = reader.GetInt64(3),
                            Successes = reader.GetInt64(4),
                            ActualP50Ms = reader.GetDouble(5),
                            EstimatedP50Ms = reader.IsDBNull(6) ? null : reader.GetDouble(6),
                        });
                    }
                }
            }
        }

        return points;
    }
}
