using OpsConductor.ToolCatalog.Admin.Catalog;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Versioning;
using OpsConductor.ToolCatalog.Yaml;
using LibraryToolEditor = OpsConductor.ToolCatalog.Editing.ToolEditor;

namespace OpsConductor.ToolCatalog.Admin.Editor;

/// <summary>
/// The editor's dry run: what publishing would write (a new tool, or version N of an existing one), the line diff
/// against the current version, the findings, the changes that break callers of the current version, and what stops
/// the publish (<see cref="Blocker"/>). The same rules as the REST API's POST and PUT (and <see cref="AdminActions"/>
/// applies them again when publishing): a new tool's name must be free; a new version must differ from the current one
/// in more than its state, and its version must grow past the current one.
/// </summary>
internal sealed record PublishPlan(
    ToolDefinition Tool,
    ToolDefinition? Current,
    IReadOnlyList<DiffRow> Diff,
    IReadOnlyList<ValidationFinding> Findings,
    IReadOnlyList<CompatibilityChange> BreakingChanges,
    string? Blocker)
{
    public bool IsNewTool => Current is null;

    public IReadOnlyList<ValidationFinding> Errors => [.. Findings.Where(static f => f.IsError)];

    /// <summary>Whether the plan may be published (breaking changes still need the administrator's consent).</summary>
    public bool CanPublish => Blocker is null && Errors.Count == 0;

    /// <summary>One sentence: what will be written.</summary>
    public string Headline => IsNewTool
        ? $"A new tool '{Tool.Name}', version {Tool.Version}, will be created."
        : $"Tool '{Tool.Name}' gets a new version {Tool.Version} (the current version is {Current!.Version}).";

    /// <summary>
    /// Plans publishing <paramref name="tool"/>. <paramref name="intendedNew"/> says whether the editor creates a tool;
    /// <paramref name="current"/> is the catalog's latest version of a tool with that name (null when there is none).
    /// </summary>
    public static PublishPlan Create(ToolDefinition tool, bool intendedNew, ToolDefinition? current, IReadOnlyList<ValidationFinding> findings, IEnumerable<string>? takenVersions = null)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(findings);
        var yaml = ToolYamlWriter.Write(tool);
        if (intendedNew || current is null)
        {
            var blocker = (intendedNew, current) switch
            {
                (true, { } existing) => $"A tool named '{tool.Name}' exists already (latest version {existing.Version}); choose another name, or open it and publish a new version of it.",
                (false, null) => $"The catalog has no tool named '{tool.Name}' any more (it was deleted or renamed); nothing to give a new version.",
                _ => null,
            };
            return new PublishPlan(tool, intendedNew ? null : current, LineDiff.Compare("", yaml), findings, [], blocker);
        }

        var diff = LineDiff.Compare(ToolYamlWriter.Write(current), yaml);
        string? problem = null;
        if (!string.Equals(tool.Name, current.Name, StringComparison.Ordinal))
        {
            problem = $"The tool_name '{tool.Name}' is not the tool being edited, '{current.Name}'; a tool cannot be renamed by a new version (copy it as a new tool instead).";
        }
        else if (tool == current)
        {
            problem = $"Nothing changed: the form is tool '{tool.Name}' version {current.Version} as it is.";
        }
        else if (tool with { Status = current.Status, Enabled = current.Enabled } == current)
        {
            problem = $"Only the state of tool '{tool.Name}' differs (status, enabled); versions are not published for that: use Enable, Disable or Deprecate on the tool's page.";
        }
        else if (!ToolVersions.Grows(current.Version, tool.Version))
        {
            problem = $"The version '{tool.Version}' does not grow past the current '{current.Version}'; versions are immutable: give a higher version, "
                + $"such as '{LibraryToolEditor.NextVersion(current.Version, takenVersions)}'.";
        }

        var breaking = problem is null ? ToolCompatibility.Compare(current, tool).BreakingChanges : [];
        return new PublishPlan(tool, current, diff, findings, breaking, problem);
    }
}
