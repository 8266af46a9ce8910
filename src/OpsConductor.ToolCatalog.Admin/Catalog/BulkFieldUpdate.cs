using OpsConductor.ToolCatalog.Editing;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;

namespace OpsConductor.ToolCatalog.Admin.Catalog;

/// <summary>One tool's part of a bulk field update: its new version and every field that changes.</summary>
internal sealed record BulkToolChange(ToolDefinition Original, ToolDefinition Updated, IReadOnlyList<FieldChange> Changes, IReadOnlyList<string> Problems)
{
    public string Name => Original.Name;
}

/// <summary>
/// A bulk field update's preview, as the CLI's <c>bulk-update</c> makes it: the library's <see cref="ToolEditor"/> applies
/// the <c>path=value</c> assignments to each selected tool, a tool whose values are already so is left alone, each
/// changed tool gets the next free version (<see cref="ToolEditor.NextVersion"/>) and is validated. Nothing is applied
/// unless the preview has no problem; applying publishes every new version in one transaction, refused if any of the
/// tools changed after <see cref="BasedOnRevision"/>.
/// </summary>
internal sealed record BulkFieldUpdate(
    IReadOnlyList<FieldAssignment> Assignments,
    long BasedOnRevision,
    IReadOnlyList<BulkToolChange> Changes,
    IReadOnlyList<string> Unchanged,
    string? Problem)
{
    public bool CanApply => Problem is null && Changes.Count > 0 && Changes.All(static c => c.Problems.Count == 0);

    /// <summary>Parses the assignments, one <c>path=value</c> a line; null and the problem when one is not usable.</summary>
    public static IReadOnlyList<FieldAssignment> ParseAssignments(string text, out string? problem)
    {
        problem = null;
        var assignments = new List<FieldAssignment>();
        foreach (var line in (text ?? "").Split('\n').Select(static l => l.Trim()).Where(static l => l.Length > 0))
        {
            try
            {
                var assignment = FieldAssignment.Parse(line);
                if (ToolEditor.CheckPath(assignment.Path) is { } why)
                {
                    problem = $"'{line}': {why}.";
                    return [];
                }

                assignments.Add(assignment);
            }
            catch (FormatException e)
            {
                problem = e.Message;
                return [];
            }
        }

        if (assignments.Count == 0)
        {
            problem ??= "Give at least one change, path=value, such as metadata.owner=ops or policy.requires_approval=true.";
        }

        return assignments;
    }

    /// <summary>Plans the update of <paramref name="tools"/>; <paramref name="versionsOf"/> gives every version a tool ever had.</summary>
    public static BulkFieldUpdate Plan(
        IReadOnlyList<ToolDefinition> tools, IReadOnlyList<FieldAssignment> assignments, long basedOnRevision, Func<string, IEnumerable<string>> versionsOf, ToolValidator? validator = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(versionsOf);
        validator ??= new ToolValidator();
        var changes = new List<BulkToolChange>();
        var unchanged = new List<string>();
        foreach (var tool in tools)
        {
            ToolEdit edit;
            try
            {
                edit = ToolEditor.Apply(tool, assignments);
            }
            catch (ArgumentException e)
            {
                return new BulkFieldUpdate(assignments, basedOnRevision, [], [], e.Message);
            }

            if (!edit.Changed)
            {
                unchanged.Add(tool.Name);
                continue;
            }

            var next = edit.Updated with { Version = ToolEditor.NextVersion(tool.Version, versionsOf(tool.Name)) };
            var problems = validator.Validate(next).Errors.Select(static f => f.ToString()).ToList();
            changes.Add(new BulkToolChange(tool, next, edit.Changes, problems));
        }

        return new BulkFieldUpdate(assignments, basedOnRevision, changes, unchanged, null);
    }
}
