using System.Text.Json;
using System.Text.Json.Serialization;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Versioning;

namespace OpsConductor.ToolCatalog.AspNetCore.Contracts;

/// <summary>One validation finding as the API writes it.</summary>
/// <param name="Code">The rule's stable code (<c>PAT011</c>).</param>
/// <param name="Severity"><c>error</c> or <c>warning</c>.</param>
/// <param name="Path">The dotted field path (empty for the whole document).</param>
/// <param name="Message">What is wrong and what is allowed.</param>
/// <param name="Line">The 1-based line in the body or file, when known.</param>
/// <param name="Column">The 1-based column, when known.</param>
/// <param name="File">The file (import) or <c>request body</c>, when known.</param>
internal sealed record FindingResponse(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("line")] int? Line,
    [property: JsonPropertyName("column")] int? Column,
    [property: JsonPropertyName("file")] string? File)
{
    public static FindingResponse From(ValidationFinding f) =>
        new(f.Code, f.IsError ? "error" : "warning", f.Path, f.Message, f.Line, f.Column, f.File);
}

/// <summary>One difference between the published version and the one it replaces.</summary>
/// <param name="Kind">What changed, snake_case (<c>capability_removed</c>, <c>output_renamed</c>, …).</param>
/// <param name="Breaking">Whether it breaks callers of the previous version.</param>
/// <param name="Path">Where (<c>capabilities.text_search.patterns.grep.expected_outputs.matches</c>).</param>
/// <param name="Message">What changed, in words.</param>
internal sealed record CompatibilityChangeResponse(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("breaking")] bool Breaking,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The compatibility of a published version with the one it replaces (kept in the audit row too).</summary>
/// <param name="Verdict"><c>compatible</c> or <c>breaking</c>.</param>
/// <param name="PreviousVersion">The version replaced.</param>
/// <param name="Version">The new version.</param>
/// <param name="Allowed">Whether a breaking publish was allowed by <c>?allow_breaking=true</c> (false when compatible).</param>
/// <param name="Changes">Every difference, breaking ones first.</param>
internal sealed record CompatibilityResponse(
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("previous_version")] string PreviousVersion,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("allowed_breaking")] bool Allowed,
    [property: JsonPropertyName("changes")] IReadOnlyList<CompatibilityChangeResponse> Changes)
{
    public static CompatibilityResponse From(ToolCompatibilityReport report, bool allowed) =>
        new(report.Verdict, report.PreviousVersion, report.Version, allowed && report.IsBreaking, [.. report.Changes.Select(c => new CompatibilityChangeResponse(
            JsonNamingPolicy.SnakeCaseLower.ConvertName(c.Kind.ToString()), c.IsBreaking, c.Path, c.Message))]);
}

/// <summary>What a write to one tool did (or, in a dry run, would do).</summary>
/// <param name="Action">What was done: <c>created</c>, <c>published</c>, <c>unchanged</c>, <c>enabled</c>, <c>disabled</c>,
/// <c>deprecated</c>, <c>rolled_back</c> or <c>deleted</c>.</param>
/// <param name="ToolName">The tool.</param>
/// <param name="Version">The version concerned (null for a whole-tool delete).</param>
/// <param name="Changed">Whether the catalog changed (or, in a dry run, would change).</param>
/// <param name="DryRun">Whether this was a dry run: nothing was written.</param>
/// <param name="Revision">The catalog revision after the write (the current one for a dry run or a no-op).</param>
/// <param name="ETag">The tool's entity tag after the write (as <c>GET /tools/{name}</c> returns it); null when deleted, and in dry runs (nothing was written).</param>
/// <param name="Tool">The tool's document after the write (the tool file's fields); null when deleted.</param>
/// <param name="Compatibility">For a publish: its compatibility with the version it replaces.</param>
/// <param name="Warnings">Validation warnings of the body, if any.</param>
internal sealed record ToolWriteResponse(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("tool_name")] string ToolName,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("changed")] bool Changed,
    [property: JsonPropertyName("dry_run")] bool DryRun,
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("etag")] string? ETag,
    [property: JsonPropertyName("tool")] JsonElement? Tool,
    [property: JsonPropertyName("compatibility")] CompatibilityResponse? Compatibility = null,
    [property: JsonPropertyName("warnings")] IReadOnlyList<FindingResponse>? Warnings = null);

/// <summary>The body of <c>POST /tools/{name}/validate</c>.</summary>
/// <param name="Valid">Whether the tool has no error (warnings allowed).</param>
/// <param name="ToolName">The tool's name as the body gives it, when readable.</param>
/// <param name="Version">Its version, when readable.</param>
/// <param name="Findings">Every error and warning.</param>
internal sealed record ValidateResponse(
    [property: JsonPropertyName("valid")] bool Valid,
    [property: JsonPropertyName("tool_name")] string? ToolName,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("findings")] IReadOnlyList<FindingResponse> Findings);

/// <summary>The body of <c>POST /tools/{name}/rollback</c>.</summary>
/// <param name="ToVersion">The version to make the latest again.</param>
internal sealed record RollbackRequest([property: JsonPropertyName("to_version")] string? ToVersion);

/// <summary>The optional body of <c>POST /tools/export</c>: which tools (every criterion optional, combined with AND).</summary>
internal sealed record ExportRequest
{
    /// <summary>Only this platform.</summary>
    [JsonPropertyName("platform")]
    public string? Platform { get; init; }

    /// <summary>Only this category.</summary>
    [JsonPropertyName("category")]
    public string? Category { get; init; }

    /// <summary>Only this status (<c>active</c>, <c>deprecated</c>, …).</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>Only enabled (true) or disabled (false) tools.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; init; }

    /// <summary>Only tools with this capability.</summary>
    [JsonPropertyName("capability")]
    public string? Capability { get; init; }

    /// <summary>Only tools with this tag.</summary>
    [JsonPropertyName("tag")]
    public string? Tag { get; init; }

    /// <summary>Every version that is not deleted instead of each tool's latest (files <c>platform/tool/NNN-version.yaml</c>).</summary>
    [JsonPropertyName("all_versions")]
    public bool AllVersions { get; init; }
}

/// <summary>One tool of an import.</summary>
/// <param name="File">The file it came from (its name in the multipart body or its path in the zip).</param>
/// <param name="ToolName">The tool.</param>
/// <param name="Version">Its version.</param>
/// <param name="Outcome">What happened (or would): <c>new_tool</c>, <c>new_version</c>, <c>unchanged</c>, <c>state_changed</c>,
/// <c>restored</c>, <c>refused</c> or <c>failed</c>.</param>
/// <param name="Message">Why, for refused tools.</param>
internal sealed record ImportItemResponse(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("tool_name")] string ToolName,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("message")] string? Message);

/// <summary>One file of an import that did not go in as tools.</summary>
/// <param name="File">The file.</param>
/// <param name="Status"><c>invalid</c> or <c>skipped</c>.</param>
/// <param name="Findings">Its errors and warnings.</param>
internal sealed record ImportFileResponse(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("findings")] IReadOnlyList<FindingResponse> Findings);

/// <summary>The body of <c>POST /tools/import</c>.</summary>
/// <param name="DryRun">Whether this was a dry run: nothing was written.</param>
/// <param name="Applied">Whether anything was written.</param>
/// <param name="Revision">The catalog revision after the import.</param>
/// <param name="Tools">One line per tool, in file order.</param>
/// <param name="Files">The files that did not go in as tools (skipped), with their findings.</param>
internal sealed record ImportResponse(
    [property: JsonPropertyName("dry_run")] bool DryRun,
    [property: JsonPropertyName("applied")] bool Applied,
    [property: JsonPropertyName("revision")] long? Revision,
    [property: JsonPropertyName("tools")] IReadOnlyList<ImportItemResponse> Tools,
    [property: JsonPropertyName("files")] IReadOnlyList<ImportFileResponse> Files);
