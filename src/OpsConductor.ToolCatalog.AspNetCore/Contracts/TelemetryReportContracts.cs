using System.Text.Json.Serialization;

namespace OpsConductor.ToolCatalog.AspNetCore.Contracts;

/// <summary>The answer to <c>GET /api/v1/telemetry/report</c> (the same figures as <c>toolcatalog telemetry report --format json</c>).</summary>
/// <param name="Since">The start of the window (inclusive).</param>
/// <param name="Until">The end of the window (exclusive).</param>
/// <param name="Rows">One row per tool version, capability and pattern with executions in the window.</param>
internal sealed record TelemetryReportResponse(
    [property: JsonPropertyName("since")] DateTimeOffset Since,
    [property: JsonPropertyName("until")] DateTimeOffset Until,
    [property: JsonPropertyName("rows")] IReadOnlyList<TelemetryReportRowResponse> Rows);

/// <summary>One pattern of one tool version over the window; see <c>TelemetryReportRow</c> for each figure.</summary>
internal sealed record TelemetryReportRowResponse
{
    [JsonPropertyName("tool")] public required string Tool { get; init; }

    [JsonPropertyName("version")] public required string Version { get; init; }

    [JsonPropertyName("capability")] public required string Capability { get; init; }

    [JsonPropertyName("pattern")] public required string Pattern { get; init; }

    [JsonPropertyName("time_estimate")] public required string TimeEstimate { get; init; }

    [JsonPropertyName("count")] public long Count { get; init; }

    [JsonPropertyName("successes")] public long Successes { get; init; }

    [JsonPropertyName("success_rate")] public double SuccessRate { get; init; }

    [JsonPropertyName("time_p50_ms")] public double TimeP50Ms { get; init; }

    [JsonPropertyName("time_p90_ms")] public double TimeP90Ms { get; init; }

    [JsonPropertyName("time_p99_ms")] public double TimeP99Ms { get; init; }

    [JsonPropertyName("estimated")] public long Estimated { get; init; }

    [JsonPropertyName("ratio_median")] public double? RatioMedian { get; init; }

    [JsonPropertyName("ratio_q1")] public double? RatioQ1 { get; init; }

    [JsonPropertyName("ratio_q3")] public double? RatioQ3 { get; init; }

    [JsonPropertyName("log_ratio_mad")] public double? LogRatioMad { get; init; }

    [JsonPropertyName("outliers")] public long Outliers { get; init; }

    [JsonPropertyName("time_error")] public double? TimeError { get; init; }

    /// <summary><c>none</c>, <c>estimate</c>, <c>earlier</c> or <c>both</c>.</summary>
    [JsonPropertyName("drift")] public required string Drift { get; init; }

    [JsonPropertyName("drift_samples")] public int DriftSamples { get; init; }

    [JsonPropertyName("drift_from_estimate_since")] public DateTimeOffset? DriftFromEstimateSince { get; init; }

    [JsonPropertyName("drift_from_earlier_since")] public DateTimeOffset? DriftFromEarlierSince { get; init; }
}
