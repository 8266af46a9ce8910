using System.Text.Json.Serialization;

namespace OpsConductor.ToolCatalog.AspNetCore.Contracts;

/// <summary>The answer to <c>POST /api/v1/telemetry</c>: how many records came in, were written, and matched nothing.</summary>
/// <param name="Received">Records in the body.</param>
/// <param name="Written">Records written.</param>
/// <param name="Unmatched">Records not written because their tool (version), capability and pattern match nothing stored.</param>
internal sealed record TelemetryIngestResponse(
    [property: JsonPropertyName("received")] int Received,
    [property: JsonPropertyName("written")] int Written,
    [property: JsonPropertyName("unmatched")] IReadOnlyList<TelemetryUnmatchedResponse> Unmatched);

/// <summary>A record that matched no stored pattern: its position in the body (0-based index, or 1-based line for NDJSON) and names.</summary>
/// <param name="Index">The record's 0-based index in the array (null for NDJSON).</param>
/// <param name="Line">The record's 1-based line (NDJSON only).</param>
/// <param name="Tool">The record's tool.</param>
/// <param name="Version">The record's version, null for the latest.</param>
/// <param name="Capability">The record's capability.</param>
/// <param name="Pattern">The record's pattern.</param>
internal sealed record TelemetryUnmatchedResponse(
    [property: JsonPropertyName("index")] int? Index,
    [property: JsonPropertyName("line")] int? Line,
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("capability")] string Capability,
    [property: JsonPropertyName("pattern")] string Pattern);

/// <summary>One bad record of a refused <c>POST /api/v1/telemetry</c> body.</summary>
/// <param name="Index">The record's 0-based index in the array (null for NDJSON).</param>
/// <param name="Line">The record's 1-based line (NDJSON only).</param>
/// <param name="Field">The field that breaks a rule.</param>
/// <param name="Message">The rule, as <c>field: rule</c>.</param>
internal sealed record TelemetryRecordError(
    [property: JsonPropertyName("index")] int? Index,
    [property: JsonPropertyName("line")] int? Line,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("message")] string Message);
