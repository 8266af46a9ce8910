using System.Text.Json;
using System.Text.Json.Serialization;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.AspNetCore.Contracts;

/// <summary>A stored telemetry recommendation (<c>GET /api/v1/telemetry/recommendations</c>): the fields of <c>toolcatalog telemetry recommend --format json</c>, then its state.</summary>
/// <param name="Tool">The tool.</param>
/// <param name="Version">The version it was made for.</param>
/// <param name="Capability">The capability.</param>
/// <param name="Pattern">The pattern.</param>
/// <param name="Field"><c>time_estimate_ms</c> or <c>cost_estimate</c>.</param>
/// <param name="Current">That version's expression.</param>
/// <param name="Recommended">The recalibrated expression.</param>
/// <param name="Samples">Usable records.</param>
/// <param name="CurrentError">Held-out median absolute percentage error of the current expression.</param>
/// <param name="RecommendedError">The same for the recommended expression.</param>
/// <param name="Id">The id to apply it with.</param>
/// <param name="Evidence">Window, method, coefficients, held-out split.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="AppliedAt">When it was applied, or null.</param>
/// <param name="AppliedVersion">The version its apply published, or null.</param>
/// <param name="Superseded">Whether a later recommend replaced it.</param>
internal sealed record RecommendationResponse(
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("capability")] string Capability,
    [property: JsonPropertyName("pattern")] string Pattern,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("current")] string Current,
    [property: JsonPropertyName("recommended")] string Recommended,
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("current_error")] double CurrentError,
    [property: JsonPropertyName("recommended_error")] double RecommendedError,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("evidence")] JsonElement Evidence,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("applied_at")] DateTimeOffset? AppliedAt,
    [property: JsonPropertyName("applied_version")] string? AppliedVersion,
    [property: JsonPropertyName("superseded")] bool Superseded)
{
    public static RecommendationResponse From(EstimateRecommendation r)
    {
        using var evidence = JsonDocument.Parse(r.Evidence);
        return new(r.Tool, r.Version, r.Capability, r.Pattern, r.Field, r.Current, r.Recommended, r.Samples,
            Math.Round(r.CurrentError, 2), Math.Round(r.RecommendedError, 2), r.Id, evidence.RootElement.Clone(), r.CreatedAt, r.AppliedAt, r.AppliedVersion, r.Superseded);
    }
}

/// <summary>The answer to <c>POST /api/v1/telemetry/recommendations/{id}/apply</c>: the version published.</summary>
/// <param name="Id">The recommendation.</param>
/// <param name="Tool">Its tool.</param>
/// <param name="FromVersion">The version it was made for.</param>
/// <param name="ToVersion">The version published with the recommended expression.</param>
/// <param name="Revision">The catalog revision of the publish (the server's snapshot holds it when this answer is sent, unless it lagged past the write-visibility timeout).</param>
/// <param name="Reason">The audit reason recorded.</param>
/// <param name="Recommendation">The recommendation, now applied.</param>
internal sealed record RecommendationApplyResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("from_version")] string FromVersion,
    [property: JsonPropertyName("to_version")] string ToVersion,
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("recommendation")] RecommendationResponse Recommendation);
