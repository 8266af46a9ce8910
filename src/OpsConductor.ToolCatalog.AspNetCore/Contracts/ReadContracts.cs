using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpsConductor.ToolCatalog.AspNetCore.Contracts;

/// <summary>One page of a list: its items and the cursor of the next page (null on the last page).</summary>
/// <typeparam name="T">The item.</typeparam>
/// <param name="Items">This page's items, in the list's order.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> to get the next page; null when this is the last one.</param>
internal sealed record PageResponse<T>(
    [property: JsonPropertyName("items")] IReadOnlyList<T> Items,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);

/// <summary>A tool's line in a list (its latest version).</summary>
/// <param name="ToolName">The tool's name.</param>
/// <param name="Version">Its latest version.</param>
/// <param name="Description">What it does.</param>
/// <param name="Platform">Where it runs.</param>
/// <param name="Category">What kind of tool it is.</param>
/// <param name="Status">Its lifecycle status (<c>active</c>, <c>deprecated</c>, <c>disabled</c>, <c>testing</c>, <c>draft</c>).</param>
/// <param name="Enabled">Whether it may be selected.</param>
/// <param name="Capabilities">Its capability names, in file order.</param>
/// <param name="Tags">The tags of its <c>metadata.tags</c>.</param>
internal sealed record ToolSummaryResponse(
    [property: JsonPropertyName("tool_name")] string ToolName,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("capabilities")] IReadOnlyList<string> Capabilities,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags);

/// <summary>One version in a tool's history.</summary>
/// <param name="Id">The version's row id (what telemetry and experiments reference).</param>
/// <param name="Version">The version string.</param>
/// <param name="Status">Its lifecycle status.</param>
/// <param name="Enabled">Whether it is enabled.</param>
/// <param name="IsLatest">Whether it is the tool's latest version.</param>
/// <param name="DeletedAt">When it was soft-deleted; null if it was not.</param>
/// <param name="ParentVersion">The version it was published after; null for the first.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="CreatedBy">Who stored it.</param>
/// <param name="UpdatedAt">When its row last changed (state changes included).</param>
/// <param name="UpdatedBy">Who changed it last.</param>
internal sealed record ToolVersionResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("is_latest")] bool IsLatest,
    [property: JsonPropertyName("deleted_at")] DateTimeOffset? DeletedAt,
    [property: JsonPropertyName("parent_version")] string? ParentVersion,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("created_by")] string? CreatedBy,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("updated_by")] string? UpdatedBy);

/// <summary>A capability of the catalog and how many selectable tools offer it.</summary>
/// <param name="Name">The capability's name.</param>
/// <param name="Tools">How many selectable tools (enabled and active) offer it.</param>
internal sealed record CapabilityResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("tools")] int Tools);

/// <summary>A tool offering a capability, with the names of its patterns for it.</summary>
/// <param name="ToolName">The tool's name.</param>
/// <param name="Version">Its latest version.</param>
/// <param name="Description">What it does.</param>
/// <param name="Platform">Where it runs.</param>
/// <param name="Category">What kind of tool it is.</param>
/// <param name="Patterns">Its patterns for the capability, in file order.</param>
internal sealed record CapabilityToolResponse(
    [property: JsonPropertyName("tool_name")] string ToolName,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("patterns")] IReadOnlyList<string> Patterns);

/// <summary>One row of the audit log.</summary>
/// <param name="Id">The row's id (rows are numbered in the order they were written).</param>
/// <param name="Revision">The catalog revision of the write.</param>
/// <param name="ToolName">The tool.</param>
/// <param name="Version">The version concerned; null for whole-tool operations.</param>
/// <param name="Action">What was done: <c>created</c>, <c>published</c>, <c>updated</c>, <c>enabled</c>, <c>disabled</c>,
/// <c>deprecated</c>, <c>rolled_back</c>, <c>deleted</c>, <c>hard_deleted</c> or <c>restored</c>.</param>
/// <param name="Changes">The field-by-field diff, <c>{"path": {"old": …, "new": …}}</c>.</param>
/// <param name="ChangedBy">Who made the change (the signed-in principal for writes through the API).</param>
/// <param name="ChangedAt">When.</param>
/// <param name="Reason">Why, when given (<c>X-Change-Reason</c>).</param>
/// <param name="IpAddress">From which address, when known.</param>
/// <param name="UserAgent">With which client, when known.</param>
/// <param name="Content">How the diff was obtained: <c>stored</c>, <c>verified</c> (a creation rebuilt from its version and
/// checked against its hash), <c>mismatch</c> or <c>unavailable</c>.</param>
internal sealed record AuditEntryResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("tool_name")] string ToolName,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("changes")] JsonElement Changes,
    [property: JsonPropertyName("changed_by")] string ChangedBy,
    [property: JsonPropertyName("changed_at")] DateTimeOffset ChangedAt,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("ip_address")] string? IpAddress,
    [property: JsonPropertyName("user_agent")] string? UserAgent,
    [property: JsonPropertyName("content")] string Content);
