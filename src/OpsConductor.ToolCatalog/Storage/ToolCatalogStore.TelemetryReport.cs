using Npgsql;
using NpgsqlTypes;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    // The window and filters both histograms read (decision 1502). The filters are parameters, null for "all".
    private const string ReportScope = """
        t.executed_at >= @Since AND t.executed_at < @Until AND t.pattern_id IS NOT NULL
              AND (@Environment::text IS NULL OR t.environment = @Environment::text)
              AND (@Tool::text IS NULL OR t.tool_id IN (SELECT v.id FROM tool_catalog.tools v WHERE v.tool_name = @Tool::text AND v.tenant_id IS NULL))
              AND (@Capability::text IS NULL OR t.capability_id IN (SELECT c.id FROM tool_catalog.tool_capabilities c WHERE c.capability_name = @Capability::text))
        """;

    /// <summary>
    /// The report in one statement: two grouped scans build per-pattern histograms on a log scale (200 buckets per unit
    /// of ln, 0.5% wide) of the actual time and of actual / estimated; percentiles, the MAD, the outliers and the median
    /// absolute percentage error are read off the histograms, which are small.
    /// </summary>
    internal const string TelemetryReportSql = $"""
        WITH time_h AS (
            SELECT t.pattern_id, round(ln(t.actual_time_ms + 1.0::float8) * 200)::integer AS b,
                   count(*) AS n, count(*) FILTER (WHERE t.success) AS ok
            FROM tool_catalog.tool_telemetry t
            WHERE {ReportScope}
            GROUP BY 1, 2
        ), time_c AS (
            SELECT pattern_id, b, ok,
                   sum(n) OVER (PARTITION BY pattern_id ORDER BY b) AS cum, sum(n) OVER (PARTITION BY pattern_id) AS total
            FROM time_h
        ), time_s AS (
            SELECT pattern_id, max(total) AS total, sum(ok) AS ok,
                   min(b) FILTER (WHERE cum >= 0.5 * total) AS p50,
                   min(b) FILTER (WHERE cum >= 0.9 * total) AS p90,
                   min(b) FILTER (WHERE cum >= 0.99 * total) AS p99
            FROM time_c GROUP BY pattern_id
        ), ratio_h AS (
            SELECT t.pattern_id, round(ln(t.actual_time_ms::float8 / t.estimated_time_ms) * 200)::integer AS b, count(*) AS n
            FROM tool_catalog.tool_telemetry t
            WHERE {ReportScope} AND t.estimated_time_ms > 0 AND t.actual_time_ms > 0
            GROUP BY 1, 2
        ), ratio_s AS (
            SELECT pattern_id, max(total) AS total,
                   min(b) FILTER (WHERE cum >= 0.25 * total) AS q1,
                   min(b) FILTER (WHERE cum >= 0.5 * total) AS q2,
                   min(b) FILTER (WHERE cum >= 0.75 * total) AS q3
            FROM (SELECT pattern_id, b, sum(n) OVER (PARTITION BY pattern_id ORDER BY b) AS cum, sum(n) OVER (PARTITION BY pattern_id) AS total
                  FROM ratio_h) x
            GROUP BY pattern_id
        ), spread_h AS (
            SELECT r.pattern_id, abs(r.b - s.q2) AS d, sum(r.n) AS n
            FROM ratio_h r JOIN ratio_s s ON s.pattern_id = r.pattern_id
            GROUP BY 1, 2
        ), spread_s AS (
            SELECT pattern_id, min(d) FILTER (WHERE cum >= 0.5 * total) AS mad
            FROM (SELECT pattern_id, d, sum(n) OVER (PARTITION BY pattern_id ORDER BY d) AS cum, sum(n) OVER (PARTITION BY pattern_id) AS total
                  FROM spread_h) x
            GROUP BY pattern_id
        ), outlier_s AS (
            SELECT h.pattern_id, coalesce(sum(h.n) FILTER (WHERE h.d > 3.5 * 1.4826 * greatest(m.mad, 1)), 0) AS outliers
            FROM spread_h h JOIN spread_s m ON m.pattern_id = h.pattern_id
            GROUP BY h.pattern_id
        ), error_s AS (
            SELECT pattern_id, min(e) FILTER (WHERE cum >= 0.5 * total) AS mdape
            FROM (SELECT pattern_id, e, sum(n) OVER (PARTITION BY pattern_id ORDER BY e) AS cum, sum(n) OVER (PARTITION BY pattern_id) AS total
                  FROM (SELECT pattern_id, abs(1 - exp(-b / 200.0::float8)) AS e, n FROM ratio_h) y) x
            GROUP BY pattern_id
        )
        SELECT v.tool_name AS tool, v.version AS version, c.capability_name AS capability, p.pattern_name AS pattern,
               p.time_estimate_ms AS time_estimate, ts.total::bigint AS total, ts.ok::bigint AS ok,
               exp(ts.p50 / 200.0::float8) - 1 AS p50, exp(ts.p90 / 200.0::float8) - 1 AS p90, exp(ts.p99 / 200.0::float8) - 1 AS p99,
               coalesce(rs.total, 0)::bigint AS estimated,
               exp(rs.q1 / 200.0::float8) AS q1, exp(rs.q2 / 200.0::float8) AS q2, exp(rs.q3 / 200.0::float8) AS q3,
               ss.mad / 200.0::float8 AS mad, coalesce(os.outliers, 0)::bigint AS outliers, es.mdape AS mdape, p.id AS pattern_id
        FROM time_s ts
        JOIN tool_catalog.tool_patterns p ON p.id = ts.pattern_id
        JOIN tool_catalog.tool_capabilities c ON c.id = p.capability_id
        JOIN tool_catalog.tools v ON v.id = c.tool_id
        LEFT JOIN ratio_s rs ON rs.pattern_id = ts.pattern_id
        LEFT JOIN spread_s ss ON ss.pattern_id = ts.pattern_id
        LEFT JOIN outlier_s os ON os.pattern_id = ts.pattern_id
        LEFT JOIN error_s es ON es.pattern_id = ts.pattern_id
        ORDER BY v.tool_name, v.version, c.ordinal, p.ordinal
        """;

    /// <summary>Each reported pattern's most recent executions with an estimate, oldest first, for the drift detector.</summary>
    private const string TelemetryDriftSeries = """
        SELECT s.pattern_id, x.executed_at, ln(x.actual_time_ms::float8 / x.estimated_time_ms) AS log_ratio
        FROM unnest(@Patterns::bigint[]) AS s(pattern_id)
        CROSS JOIN LATERAL (
            SELECT t.executed_at, t.actual_time_ms, t.estimated_time_ms
            FROM tool_catalog.tool_telemetry t
            WHERE t.pattern_id = s.pattern_id AND t.executed_at >= @Since AND t.executed_at < @Until
              AND t.estimated_time_ms > 0 AND t.actual_time_ms > 0
              AND (@Environment::text IS NULL OR t.environment = @Environment::text)
            ORDER BY t.executed_at DESC
            LIMIT @Limit
        ) x
        ORDER BY s.pattern_id, x.executed_at, x.actual_time_ms
        """;

    /// <summary>
    /// The telemetry report (issue 15, decision 1502): per tool version, capability and pattern with executions in the
    /// window, the count, successes, actual time p50/p90/p99, actual / estimated time (median, quartiles, MAD of its log),
    /// outliers by a robust MAD rule, the estimate's median absolute percentage error, and drift (from the estimate and
    /// from the pattern's own earlier behaviour) over each pattern's most recent <see cref="TelemetryReportQuery.DriftSamples"/>
    /// executions. Computed in PostgreSQL (one statement for the figures, one for the drift series).
    /// </summary>
    /// <param name="query">The window and filters.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <exception cref="ArgumentException">The window is empty (<c>Since</c> not before <c>Until</c>) or <c>DriftSamples</c> is out of range; the message names the property.</exception>
    public async Task<TelemetryReport> GetTelemetryReportAsync(TelemetryReportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var until = query.Until ?? _timeProvider.GetUtcNow();
        if (query.Since >= until)
        {
            throw new ArgumentException($"Since ({query.Since:O}) must be before Until ({until:O}).", nameof(query));
        }

        if (query.DriftSamples is not 0 and (< 40 or > 100_000))
        {
            throw new ArgumentException($"DriftSamples is {query.DriftSamples}: use 0 (no drift detection) or 40 to 100,000.", nameof(query));
        }

        var rows = new List<(TelemetryReportRow Row, long PatternId)>();
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(TelemetryReportSql, connection);
            await using (command.ConfigureAwait(false))
            {
                AddReportParameters(command, query, until);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add((new TelemetryReportRow
                        {
                            Tool = reader.GetString(0),
                            Version = reader.GetString(1),
                            Capability = reader.GetString(2),
                            Pattern = reader.GetString(3),
                            TimeEstimate = reader.GetString(4),
                            Count = reader.GetInt64(5),
                            Successes = reader.GetInt64(6),
                            TimeP50Ms = reader.GetDouble(7),
                            TimeP90Ms = reader.GetDouble(8),
                            TimeP99Ms = reader.GetDouble(9),
                            Estimated = reader.GetInt64(10),
                            RatioQ1 = DoubleOrNull(reader, 11),
                            RatioMedian = DoubleOrNull(reader, 12),
                            RatioQ3 = DoubleOrNull(reader, 13),
                            LogRatioMad = DoubleOrNull(reader, 14),
                            Outliers = reader.GetInt64(15),
                            TimeError = DoubleOrNull(reader, 16),
                        }, reader.GetInt64(17)));
                    }
                }
            }

            if (query.DriftSamples > 0 && rows.Count > 0)
            {
                await AddDriftAsync(connection, rows, query, until, cancellationToken).ConfigureAwait(false);
            }
        }

        return new TelemetryReport(query.Since, until, [.. rows.Select(static r => r.Row)]);
    }

    private static async Task AddDriftAsync(NpgsqlConnection connection, List<(TelemetryReportRow Row, long PatternId)> rows, TelemetryReportQuery query, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var series = new Dictionary<long, (List<DateTimeOffset> At, List<double> X)>();
        var command = new NpgsqlCommand(TelemetryDriftSeries, connection);
        await using (command.ConfigureAwait(false))
        {
            AddReportParameters(command, query, until);
            command.Parameters.AddWithValue("Patterns", rows.Select(static r => r.PatternId).ToArray());
            command.Parameters.AddWithValue("Limit", query.DriftSamples);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var id = reader.GetInt64(0);
                    if (!series.TryGetValue(id, out var s))
                    {
                        series[id] = s = ([], []);
                    }

                    s.At.Add(reader.GetFieldValue<DateTimeOffset>(1));
                    s.X.Add(reader.GetDouble(2));
                }
            }
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var (row, id) = rows[i];
            if (!series.TryGetValue(id, out var s))
            {
                continue;
            }

            var drift = DriftDetector.Detect(s.X.ToArray());
            rows[i] = (row with
            {
                DriftSamples = drift.Samples,
                DriftFromEstimateSince = drift.FromEstimate is { } e ? s.At[e] : null,
                DriftFromEarlierSince = drift.FromEarlier is { } b ? s.At[b] : null,
            }, id);
        }
    }

    private static void AddReportParameters(NpgsqlCommand command, TelemetryReportQuery query, DateTimeOffset until)
    {
        command.Parameters.Add(new NpgsqlParameter("Since", NpgsqlDbType.TimestampTz) { Value = query.Since.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("Until", NpgsqlDbType.TimestampTz) { Value = until.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("Tool", NpgsqlDbType.Text) { Value = (object?)query.Tool ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("Capability", NpgsqlDbType.Text) { Value = (object?)query.Capability ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("Environment", NpgsqlDbType.Text) { Value = (object?)query.Environment ?? DBNull.Value });
    }

    private static double? DoubleOrNull(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);
}
