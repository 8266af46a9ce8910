using OpsConductor.ToolCatalog.Compatibility;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Validation;

/// <summary>
/// The one validator every entry point uses (import, API, admin UI, CLI). It validates a document read by
/// <see cref="ToolYamlReader"/> (with positions) or a <see cref="ToolDefinition"/> built in code (written to the
/// same node tree first, so one rule set applies). Every finding has a stable code (<see cref="ValidationCodes"/>),
/// a severity, the field path, the line and column when known, and a message that says what is allowed.
/// A validator holds no state between calls and is safe to share between threads.
/// </summary>
public sealed class ToolValidator
{
    /// <summary>Creates a validator; <see cref="ValidationOptions.Lenient"/> when <paramref name="options"/> is null.</summary>
    public ToolValidator(ValidationOptions? options = null)
    {
        Options = options ?? ValidationOptions.Lenient;
        foreach (var vocabulary in new[]
                 {
                     Options.Platforms, Options.Categories, Options.Scopes, Options.CompletenessValues, Options.AccuracyLevels,
                     Options.FreshnessValues, Options.DataSources, Options.InputTypes, Options.DependencyTypes,
                 })
        {
            ArgumentNullException.ThrowIfNull(vocabulary, nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxPatternsPerCapability, 1, nameof(options));
    }

    /// <summary>The mode and vocabularies in use.</summary>
    public ValidationOptions Options { get; }

    /// <summary>Validates a document as read: its parse errors and warnings, then the rules of its shape.</summary>
    public ValidationReport Validate(ToolDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var sink = new FindingSink(document.Source);
        foreach (var finding in document.ParseErrors.Concat(document.ParseWarnings))
        {
            sink.Add(finding);
        }

        if (document.Root is { } root)
        {
            Run(document.Shape, root, sink);
            TextRules.Run(root, sink);
            Secrets(document.Shape, root, sink);
        }

        StoreLimits(document.Tools, sink);
        Modelling(document.Tools, document.Shape == ToolFileShape.Canonical ? document.Root : null, sink);
        return new ValidationReport(document.Source, sink.Findings) { Shape = document.Shape };
    }

    /// <summary>Validates a tool built in code, as the canonical file <see cref="ToolYamlWriter"/> would write for it (no positions).</summary>
    public ValidationReport Validate(ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var sink = new FindingSink(null);
        var root = ToolNodeWriter.Build(tool);
        new ToolRules(Options, sink).Run(root);
        TextRules.Run(root, sink);
        Secrets(ToolFileShape.Canonical, root, sink);
        StoreLimits([tool], sink);
        Modelling([tool], null, sink);
        return new ValidationReport(null, sink.Findings);
    }

    /// <summary>
    /// The backstop that makes validation and storing agree: when the rules above found no error, each tool as read must
    /// pass the store's own check (<see cref="Storage.StorageRules"/>: column sizes, NUL characters, unique names), so that
    /// nothing <c>validate</c> passes is refused by <c>import</c>. The field rules report the same problems with a position
    /// first; this catches what they do not reach (such as a profiles file's fields).
    /// </summary>
    private static void StoreLimits(IReadOnlyList<ToolDefinition> tools, FindingSink sink)
    {
        if (sink.Findings.Any(f => f.IsError))
        {
            return;
        }

        foreach (var tool in tools)
        {
            if (Storage.StorageRules.FindProblem(tool) is { } problem)
            {
                sink.Error(ValidationCodes.ToolTooLongForStore, "", null, $"the catalog database cannot store this tool: {problem}");
            }
        }
    }

    /// <summary>
    /// The modelling rules (<see cref="ValidationOptions.ModellingRules"/>), as warnings, once the document has no error;
    /// positioned at their field when <paramref name="root"/> is the tool's canonical mapping.
    /// </summary>
    private void Modelling(IReadOnlyList<ToolDefinition> tools, YamlNode? root, FindingSink sink)
    {
        if (!Options.ModellingRules || tools.Count == 0 || sink.Findings.Any(f => f.IsError))
        {
            return;
        }

        foreach (var finding in Quality.ModellingRules.Check(tools, Options.Conventions))
        {
            sink.Warning(finding.Code, finding.Path, NodeAt(root, finding.Path), finding.Message);
        }
    }

    /// <summary>The node at a dotted field path of a canonical tool (names hold no dots), or the nearest one on the way.</summary>
    private static YamlNode? NodeAt(YamlNode? root, string path)
    {
        var at = root;
        var current = root;
        foreach (var key in path.Split('.'))
        {
            if (current is not YamlMapping map || map.Entries.FirstOrDefault(e => e.Key.Text == key) is not { } entry)
            {
                break;
            }

            // A section is reported at its key (its value starts on the next line), a scalar at its value.
            at = entry.Value is YamlScalar ? entry.Value : entry.Key;
            current = entry.Value;
        }

        return at;
    }

    /// <summary>Where <c>!secret</c> may stand (each tool of the file, in its canonical shape), and, in lenient mode,
    /// warnings for credential-looking values that are not marked secret.</summary>
    private void Secrets(ToolFileShape shape, YamlNode root, FindingSink sink)
    {
        switch (shape, root)
        {
            case (ToolFileShape.Canonical, _):
                SecretRules.CheckPlacement(root, sink);
                break;
            case (ToolFileShape.ListForm, YamlMapping listForm):
                SecretRules.CheckPlacement(ListFormNormalizer.Normalize(listForm), sink);
                break;
            case (ToolFileShape.Profiles, YamlMapping profiles) when profiles.Get("tools") is YamlMapping tools:
                foreach (var (key, value) in tools.Entries)
                {
                    SecretRules.CheckPlacement(value, sink, FieldPath.Child("tools", key.Text));
                }

                break;
        }

        if (!Options.Strict)
        {
            SecretRules.WarnUnmarked(root, sink);
        }
    }

    private void Run(ToolFileShape shape, YamlNode root, FindingSink sink)
    {
        switch (shape)
        {
            case ToolFileShape.Profiles:
                new ProfileRules(Options, sink).Run((YamlMapping)root);
                break;

            case ToolFileShape.Canonical:
                new ToolRules(Options, sink).Run(root);
                break;

            case ToolFileShape.ListForm when Options.Strict:
                // The original validator required dict capabilities: it reports "'capabilities' must be a dictionary".
                new ToolRules(Options, sink).Run(root);
                break;

            case ToolFileShape.ListForm:
                var rules = new ToolRules(Options, sink);
                rules.RunListItems((YamlMapping)root);
                rules.Run(ListFormNormalizer.Normalize((YamlMapping)root), listForm: true);
                break;

            case ToolFileShape.Empty or ToolFileShape.Unreadable:
                break;

            default:
                // Wrappers, stubs, the template and unknown shapes: the shape error is already reported. Strict mode
                // also runs the original's checks on them, as validate_tool.py did.
                if (Options.Strict)
                {
                    if (!PythonSemantics.IsTruthy(root))
                    {
                        sink.Error(ValidationCodes.EmptyDocument, "", root, "Empty YAML file");
                    }
                    else
                    {
                        new ToolRules(Options, sink).Run(root);
                    }
                }

                break;
        }
    }
}
