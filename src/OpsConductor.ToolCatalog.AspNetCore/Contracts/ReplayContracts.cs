using System.Text.Json.Serialization;

namespace OpsConductor.ToolCatalog.AspNetCore.Contracts;

/// <summary>The answer to <c>POST /api/v1/replay</c>: the summary and the decisions the draft would change.</summary>
/// <param name="DraftTool">The draft tool's name.</param>
/// <param name="Since">The start of the window.</param>
/// <param name="Revision">The catalog revision the draft was laid over.</param>
/// <param name="Read">Decisions read from the log.</param>
/// <param name="Replayed">Decisions run again.</param>
/// <param name="Changed">Decisions whose choice would change.</param>
/// <param name="EstimateChanged">Decisions with the same choice and another estimate.</param>
/// <param name="Unchanged">Decisions the draft does not change.</param>
/// <param name="NewlyWithoutCandidate">Decisions left without any candidate by the draft.</param>
/// <param name="NewlyWithCandidate">Decisions without a candidate today that would have one.</param>
/// <param name="Unreadable">Logged decisions that could not be run again.</param>
/// <param name="Changes">The decisions that change, oldest first.</param>
internal sealed record ReplayResponse(
    [property: JsonPropertyName("draft_tool")] string DraftTool,
    [property: JsonPropertyName("since")] DateTimeOffset Since,
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("read")] int Read,
    [property: JsonPropertyName("replayed")] int Replayed,
    [property: JsonPropertyName("changed")] int Changed,
    [property: JsonPropertyName("estimate_changed")] int EstimateChanged,
    [property: JsonPropertyName("unchanged")] int Unchanged,
    [property: JsonPropertyName("newly_without_candidate")] int NewlyWithoutCandidate,
    [property: JsonPropertyName("newly_with_candidate")] int NewlyWithCandidate,
    [property: JsonPropertyName("unreadable")] int Unreadable,
    [property: JsonPropertyName("changes")] IReadOnlyList<ReplayChangeResponse> Changes);

/// <summary>One decision the draft would change.</summary>
/// <param name="SelectionId">The decision's selection id.</param>
/// <param name="DecidedAt">When it was decided.</param>
/// <param name="CatalogRevision">The revision it was decided on.</param>
/// <param name="Capabilities">The requested capabilities.</param>
/// <param name="Change"><c>choice</c>, <c>estimate</c>, <c>no_candidate</c> or <c>new_candidate</c>.</param>
/// <param name="Before">The current catalog's choice (null: no candidate).</param>
/// <param name="After">The choice with the draft (null: no candidate).</param>
internal sealed record ReplayChangeResponse(
    [property: JsonPropertyName("selection_id")] string SelectionId,
    [property: JsonPropertyName("decided_at")] DateTimeOffset DecidedAt,
    [property: JsonPropertyName("catalog_revision")] long CatalogRevision,
    [property: JsonPropertyName("capabilities")] IReadOnlyList<string> Capabilities,
    [property: JsonPropertyName("change")] string Change,
    [property: JsonPropertyName("before")] ReplayChoiceResponse? Before,
    [property: JsonPropertyName("after")] ReplayChoiceResponse? After);

/// <summary>A choice: tool, version, capability, pattern and figures.</summary>
/// <param name="Tool">The tool.</param>
/// <param name="Version">Its version.</param>
/// <param name="Capability">The capability.</param>
/// <param name="Pattern">The pattern.</param>
/// <param name="EstimatedTimeMs">The estimated time in milliseconds.</param>
/// <param name="EstimatedCost">The estimated cost.</param>
/// <param name="Score">The score.</param>
internal sealed record ReplayChoiceResponse(
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("capability")] string Capability,
    [property: JsonPropertyName("pattern")] string Pattern,
    [property: JsonPropertyName("estimated_time_ms")] double EstimatedTimeMs,
    [property: JsonPropertyName("estimated_cost")] double EstimatedCost,
    [property: JsonPropertyName("score")] double Score);
