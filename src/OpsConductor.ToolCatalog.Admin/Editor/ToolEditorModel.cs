using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Admin.Editor;

/// <summary>
/// The editor's state: the form (<see cref="Draft"/>) and the YAML view of the same document, kept in step both ways,
/// and the validator's findings for it. Form → YAML writes the draft's tool with <see cref="ToolYamlWriter"/>; YAML → form
/// reads the text with <see cref="ToolYamlReader"/> (the same reader as a file) and rebuilds the form from its tool. Text
/// that is not one tool leaves the form as it was and says why (<see cref="YamlProblem"/>), so nothing typed is lost.
/// Validation is the one <see cref="ToolValidator"/> (lenient, as the REST API's writes) and each finding is placed at
/// the form field its path names (<see cref="At"/>), or listed with the general findings when the form has no such field.
/// </summary>
internal sealed class ToolEditorModel
{
    /// <summary>The source name findings of the YAML view give.</summary>
    public const string SourceName = "editor";

    private static readonly ToolYamlReader Reader = new();
    private ToolValidator _validator;
    private Dictionary<string, List<ValidationFinding>> _placed = new(StringComparer.Ordinal);
    private List<ValidationFinding> _unplaced = [];

    /// <summary>Starts editing <paramref name="start"/>; <paramref name="current"/> is the tool's latest version when this
    /// is a new version of an existing tool (null for a new tool).</summary>
    public ToolEditorModel(ToolDefinition start, ToolDefinition? current, ValidationOptions? validation = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        _validator = new ToolValidator(validation ?? ValidationOptions.Lenient);
        Current = current;
        Draft = ToolDraft.From(start);
        FormChanged();
    }

    /// <summary>Whether findings follow the original <c>validate_tool.py</c> (<see cref="ValidationOptions.StrictOriginal"/>)
    /// instead of the lenient rules the API's writes apply; changing it validates again.</summary>
    public bool Strict
    {
        get => _validator.Options.Strict;
        set
        {
            if (value == Strict)
            {
                return;
            }

            _validator = new ToolValidator(value ? ValidationOptions.StrictOriginal : ValidationOptions.Lenient);
            if (YamlProblem is not null)
            {
                YamlChanged(Yaml);
            }
            else
            {
                Place(_validator.Validate(Tool).Findings);
            }
        }
    }

    /// <summary>The latest version of the tool being given a new version; null for a new tool.</summary>
    public ToolDefinition? Current { get; }

    /// <summary>Whether this creates a tool (else it publishes a new version of <see cref="Current"/>).</summary>
    public bool IsNewTool => Current is null;

    public ToolDraft Draft { get; private set; }

    /// <summary>The document as the form last gave it (or as the YAML view last read it).</summary>
    public ToolDefinition Tool { get; private set; } = null!;

    /// <summary>The YAML view's text.</summary>
    public string Yaml { get; private set; } = "";

    /// <summary>Why the YAML view's text did not update the form (not YAML, not one tool); null when it did.</summary>
    public string? YamlProblem { get; private set; }

    /// <summary>Every finding of the last validation, in document order.</summary>
    public IReadOnlyList<ValidationFinding> Findings { get; private set; } = [];

    /// <summary>Whether the document has no error (warnings allowed).</summary>
    public bool IsValid => YamlProblem is null && !Findings.Any(static f => f.IsError);

    /// <summary>The findings whose path names no field of the form (shown above the form).</summary>
    public IReadOnlyList<ValidationFinding> Unplaced => _unplaced;

    /// <summary>The findings shown at the form field <paramref name="path"/> (see <see cref="EditorPaths"/>).</summary>
    public IReadOnlyList<ValidationFinding> At(string path) => _placed.TryGetValue(path, out var found) ? found : [];

    /// <summary>The form changed: rebuilds the document and the YAML view from it, and validates it.</summary>
    public void FormChanged()
    {
        Tool = Draft.ToTool();
        Yaml = ToolYamlWriter.Write(Tool);
        YamlProblem = null;
        Place(_validator.Validate(Tool).Findings);
    }

    /// <summary>The YAML view changed: reads it as a tool file, validates it as one, and rebuilds the form from it when it
    /// holds one tool. Returns whether the form was updated.</summary>
    public bool YamlChanged(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Yaml = text;
        var document = Reader.Read(text, SourceName);
        var report = _validator.Validate(document);
        if (document.Tools.Count != 1)
        {
            var why = (document.ParseErrors.Count > 0 ? document.ParseErrors[0].ToString() : null)
                ?? $"the text holds {document.Tools.Count} tools; the editor edits one tool in the canonical format (tool_name, version, capabilities, …)";
            YamlProblem = $"The YAML view does not update the form: {why}";
            Place(report.Findings);
            return false;
        }

        YamlProblem = null;
        Tool = document.Tools[0];
        Draft = ToolDraft.From(Tool);
        Place(report.Findings);
        return true;
    }

    /// <summary>Each finding goes to the deepest form path that is its path or contains it; the rest are unplaced.</summary>
    private void Place(IReadOnlyList<ValidationFinding> findings)
    {
        Findings = findings;
        var paths = EditorPaths.All(Draft).ToHashSet(StringComparer.Ordinal);
        var placed = new Dictionary<string, List<ValidationFinding>>(StringComparer.Ordinal);
        var unplaced = new List<ValidationFinding>();
        foreach (var finding in findings)
        {
            if (FieldOf(finding.Path, paths) is { } field)
            {
                (placed.TryGetValue(field, out var list) ? list : placed[field] = []).Add(finding);
            }
            else
            {
                unplaced.Add(finding);
            }
        }

        _placed = placed;
        _unplaced = unplaced;
    }

    /// <summary>The deepest of <paramref name="paths"/> that is <paramref name="path"/> or one of its parents.</summary>
    internal static string? FieldOf(string path, IReadOnlySet<string> paths)
    {
        var candidate = path;
        while (candidate.Length > 0)
        {
            if (paths.Contains(candidate))
            {
                return candidate;
            }

            var cut = Math.Max(candidate.LastIndexOf('.'), candidate.LastIndexOf('['));
            if (cut <= 0)
            {
                return null;
            }

            candidate = candidate[..cut];
        }

        return null;
    }
}
