using Dapper;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    /// <summary>Per pattern of a tool version: the median and 90th percentile of actual ÷ estimated time, in one pass.</summary>
    private const string SelectTimeCalibrations = """
        SELECT t.tool_name AS Tool, t.version AS Version, c.capability_name AS Capability, p.pattern_name AS Pattern,
               r.samples AS Samples, r.p50 AS RatioP50, r.p90 AS RatioP90
        FROM (
            SELECT tool_id, capability_id, pattern_id, count(*)::integer AS samples,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY ratio) AS p50,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY ratio) AS p90
            FROM (SELECT tool_id, capability_id, pattern_id, actual_time_ms::double precision / estimated_time_ms AS ratio
                  FROM tool_catalog.tool_telemetry
                  WHERE executed_at >= @Since AND estimated_time_ms > 0 AND pattern_id IS NOT NULL) x
            GROUP BY tool_id, capability_id, pattern_id
            HAVING count(*) >= @MinSamples) r
        JOIN tool_catalog.tools t ON t.id = r.tool_id
        JOIN tool_catalog.tool_capabilities c ON c.id = r.capability_id
        JOIN tool_catalog.tool_patterns p ON p.id = r.pattern_id
        WHERE r.p50 > 0
        ORDER BY t.tool_name, t.version, c.capability_name, p.pattern_name
        """;

    /// <summary>
    /// The time calibration of every pattern with at least <paramref name="minSamples"/> executions since
    /// <paramref name="since"/> that recorded an estimate: the median and 90th percentile of actual ÷ estimated time
    /// (one aggregate in PostgreSQL). Executions whose estimate was 0 ms, or whose median ratio is 0, give no calibration.
    /// </summary>
    /// <param name="since">The window's start.</param>
    /// <param name="minSamples">The fewest executions for a calibration (≥ 1).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The calibrations, by tool, version, capability and pattern.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minSamples"/> is below 1.</exception>
    public async Task<IReadOnlyList<PatternTimeCalibration>> GetTimeCalibrationsAsync(DateTimeOffset since, int minSamples, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minSamples, 1);
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<CalibrationRow>(new CommandDefinition(
                SelectTimeCalibrations, new { Since = since.ToUniversalTime(), MinSamples = minSamples }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return [.. rows.Select(static r => new PatternTimeCalibration(r.Tool, r.Version, r.Capability, r.Pattern,
                new TimeCalibration(r.Samples, r.RatioP50, Math.Max(r.RatioP50, r.RatioP90))))];
        }
    }

    private sealed class CalibrationRow
    {
        public string Tool { get; set; } = "";

        public string Version { get; set; } = "";

        public string Capability { get; set; } = "";

        public string Pattern { get; set; } = "";

        public int Samples { get; set; }

        public double RatioP50 { get; set; }

        public double RatioP90 { get; set; }
    }
}
