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
