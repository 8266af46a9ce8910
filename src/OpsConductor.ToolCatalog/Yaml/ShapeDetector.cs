using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>Recognises which of the known document shapes a node tree is (ORIGINAL-BEHAVIOUR §1.6, §1.8).</summary>
internal static partial class ShapeDetector
{
    private const string CanonicalNeeds =
        "the canonical format needs tool_name, version, description, platform, category, defaults and capabilities (each capability with patterns)";

    public static (ToolFileShape Shape, ValidationFinding? Error) Detect(YamlNode? root, string source)
    {
        if (root is null || root is YamlScalar { IsNull: true })
        {
            return (ToolFileShape.Empty, Finding(ValidationCodes.EmptyDocument, source, root, "",
                "Empty YAML file: the document holds no data; " + CanonicalNeeds));
        }

        if (root is not YamlMapping map)
        {
            return (ToolFileShape.Unknown, Finding(ValidationCodes.ShapeUnknown, source, root, "",
                $"the document is {root.Describe()}, not a mapping; a tool file is a mapping: " + CanonicalNeeds));
        }

        var hasToolName = map.Contains(ToolFields.ToolName);
        var capabilities = map.Get(ToolFields.Capabilities);

        if (!hasToolName && capabilities is null && map.Get("tools") is YamlMapping)
        {
            return (ToolFileShape.Profiles, null);
        }

        if (FindPlaceholder(map) is { } placeholder)
        {
            return (ToolFileShape.Template, Finding(ValidationCodes.ShapeTemplate, source, placeholder.Node, placeholder.Path,
                $"this is the tool template: {placeholder.Path} is still the placeholder '{placeholder.Text}'; copy the template and replace every <PLACEHOLDER> with real values; " + CanonicalNeeds));
        }

        if (!hasToolName && map.Get("tool") is YamlMapping wrapped)
        {
            return (ToolFileShape.ToolWrapper, Finding(ValidationCodes.ShapeToolWrapper, source, map.GetEntry("tool")!.Key, "tool",
                $"this is a `tool:` wrapper (tool: {{{KeyList(wrapped)}}}) with one capability and one pattern; it is not read as a tool: " +
                CanonicalNeeds + ", at the top level"));
        }

        if (capabilities is YamlSequence list && (hasToolName || list.Items.Any(i => i is YamlMapping m && m.Contains(ToolFields.Patterns))))
        {
            return (ToolFileShape.ListForm, null);
        }

        if (hasToolName || (capabilities is not null && capabilities is not YamlSequence))
        {
            return (ToolFileShape.Canonical, null);
        }

        if (map.Contains(ToolFields.Name) && capabilities is null)
        {
            return (ToolFileShape.NameStub, Finding(ValidationCodes.ShapeNameStub, source, map.GetEntry(ToolFields.Name)!.Key, "",
                $"this is a `name:` stub ({KeyList(map)}) with no capabilities; it is not read as a tool: " + CanonicalNeeds));
        }

        var what = capabilities is YamlSequence
            ? "capabilities is a list whose items have no patterns, and there is no tool_name"
            : "there is no tool_name and no capabilities";
        return (ToolFileShape.Unknown, Finding(ValidationCodes.ShapeUnknown, source, map, "",
            $"this document is not a tool file ({what}); its top-level keys are {KeyList(map)}; " + CanonicalNeeds +
            ", and a profiles file needs version and tools"));
    }

    public static bool IsPlaceholder(YamlNode? node) =>
        node is YamlScalar { IsString: true } s && Placeholder().IsMatch(s.Text);

    private static (YamlNode Node, string Path, string Text)? FindPlaceholder(YamlMapping map)
    {
        foreach (var key in ToolFields.ToolLevel.RequiredNames)
        {
            if (IsPlaceholder(map.Get(key)))
            {
                return (map.Get(key)!, key, ((YamlScalar)map.Get(key)!).Text);
            }
        }

        if (map.Get(ToolFields.Capabilities) is YamlMapping capabilities)
        {
            foreach (var entry in capabilities.Entries)
            {
                if (IsPlaceholder(entry.Key))
                {
                    var path = FieldPath.Child(ToolFields.Capabilities, entry.Key.Text);
                    return (entry.Key, path, entry.Key.Text);
                }
            }
        }

        return null;
    }

    private static string KeyList(YamlMapping map)
    {
        var keys = map.Entries.Select(e => e.Key.Text).Take(12).ToList();
        return string.Join(", ", keys) + (map.Count > 12 ? ", …" : "");
    }

    private static ValidationFinding Finding(string code, string source, YamlNode? at, string path, string message) =>
        new(code, ValidationSeverity.Error, path, message)
        {
            File = source,
            Line = at is { Start.IsKnown: true } ? at.Start.Line : null,
            Column = at is { Start.IsKnown: true } ? at.Start.Column : null,
        };

    [GeneratedRegex(@"^<[^<>\s][^<>]*>$", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
