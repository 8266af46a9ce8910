using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Secrets;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>
/// Maps a node tree onto the model. It never throws on ill-typed input: a value that does not fit its model
/// property (a string where a number belongs, a scalar where a list belongs) is kept, as it was, in the
/// owner's <c>Extensions</c> under its own key and the property keeps its default; the writer writes such a
/// value back in place of the property, and the validator reports it. Nothing in the file is dropped.
/// </summary>
internal static class ToolModelReader
{
    /// <summary>Reads a canonical (or normalised list-form) tool.</summary>
    public static ToolDefinition ReadTool(YamlMapping root) => ReadTool(root, defaultName: "", defaultVersion: "", profile: false);

    /// <summary>Reads every tool of a profiles file: each named by its key, versioned by the file's <c>version</c>
    /// ("1.0" when absent, as the original's default); a <c>tool_name</c> or <c>version</c> inside an entry overrides these.</summary>
    public static IReadOnlyList<ToolDefinition> ReadProfiles(YamlMapping root)
    {
        var version = root.Get(ToolFields.Version) is YamlScalar { IsNull: false } v ? v.Text : "1.0";
        var tools = new List<ToolDefinition>();
        if (root.Get("tools") is not YamlMapping map)
        {
            return tools;
        }

        foreach (var entry in map.Entries)
        {
            tools.Add(entry.Value is YamlMapping body
                ? ReadTool(body, entry.Key.Text, version, profile: true)
                : new ToolDefinition
                {
                    Name = entry.Key.Text,
                    Version = version,
                    Extensions = DataMap.Create(("profile", ToData(entry.Value))),
                });
        }

        return tools;
    }

    private static ToolDefinition ReadTool(YamlMapping root, string defaultName, string defaultVersion, bool profile) =>
        (ToolDefinition)ReadPart(ToolFields.ToolLevel, root, new ToolDefinition { Name = defaultName, Version = defaultVersion }, profile);

    /// <summary>Reads a mapping onto <paramref name="part"/> (a new part of <paramref name="level"/>), field by field as the
    /// field table's rows say; a key no row names, or a value its row's form cannot hold, goes to the part's extensions.</summary>
    private static object ReadPart(FieldLevel level, YamlMapping map, object part, bool profile)
    {
        var ext = new Extensions();
        foreach (var (keyNode, value) in map.Entries)
        {
            var key = keyNode.Text;
            if (!level.IsField(key))
            {
                if (profile && ReferenceEquals(level, ToolFields.PatternLevel) && key == ProfileRequiredInputs && !map.Contains(ToolFields.RequiredInputs))
                {
                    // The profiles format names the inputs only (PatternProfile.requires_inputs).
                    part = StringsOrExt(value, key, ext) is { } names
                        ? ((PatternDefinition)part) with { RequiredInputs = names.Select(n => new InputSpec { Name = n }).ToEquatableArray() }
                        : part;
                }
                else
                {
                    ext.Add(key, value);
                }

                continue;
            }

            part = ReadField(level[key], part, value, key, ext, profile);
        }

        return level.WithExtensions(part, ext.ToMap());
    }

    /// <summary>The profiles format's name for a pattern's required inputs (a list of names).</summary>
    private const string ProfileRequiredInputs = "requires_inputs";

    /// <summary>Sets one field of <paramref name="part"/> from <paramref name="value"/> as the field's form says; a value the
    /// form cannot hold is kept in <paramref name="ext"/> and the part keeps its value.</summary>
    private static object ReadField(ToolField field, object part, YamlNode value, string key, Extensions ext, bool profile)
    {
        switch (field.Form)
        {
            case FieldForm.Key:
                return part; // read before the other keys (the item was created with it)
            case FieldForm.Text:
                return TextOrExt(value, key, ext) is { } text ? field.Set(part, text) : part;
            case FieldForm.Condition:
                return value switch
                {
                    YamlScalar { IsString: true } condition => field.Set(part, condition.Text),
                    YamlScalar { IsNull: true } => part,
                    _ => ext.AddAndReturn(key, value, part),
                };
            case FieldForm.Expression:
                return ExpressionOrExt(value, key, ext) is { } expression ? field.Set(part, expression) : part;
            case FieldForm.Number:
                return NumberOrExt(value, key, ext) is { } number ? field.Set(part, number) : part;
            case FieldForm.NullableNumber:
                return NullableNumber(value, key, ext, out var nullable) ? field.Set(part, nullable) : part;
            case FieldForm.Integer:
                return value switch
                {
                    YamlScalar { Kind: ScalarKind.Integer } n => field.Set(part, (long)n.Value!),
                    YamlScalar { IsNull: true } => part,
                    _ => ext.AddAndReturn(key, value, part),
                };
            case FieldForm.Boolean:
                return value is YamlScalar { IsBoolean: true } flag ? field.Set(part, (bool)flag.Value!) : ext.AddAndReturn(key, value, part);
            case FieldForm.Strings:
                return StringsOrExt(value, key, ext) is { } strings ? field.Set(part, strings) : part;
            case FieldForm.Data:
                return field.Set(part, ToData(value));
            case FieldForm.DataList:
                return value is YamlSequence list ? field.Set(part, list.Items.Select(ToData).ToEquatableArray()) : ext.AddAndReturn(key, value, part);
            case FieldForm.DataMap:
                return value is YamlMapping data ? field.Set(part, ToDataMap(data)) : ext.AddAndReturn(key, value, part);
            case FieldForm.Status:
                return value is YamlScalar { IsString: true } s && ToolStatusNames.TryParse(s.Text, out var status) &&
                       string.Equals(status.ToWire(), s.Text, StringComparison.Ordinal)
                    ? field.Set(part, status)
                    : ext.AddAndReturn(key, value, part);
            case FieldForm.Part:
                return value is YamlMapping inner
                    ? field.Set(part, ReadPart(field.Nested!, inner, field.Nested!.Create(""), profile))
                    : ext.AddAndReturn(key, value, part);
            case FieldForm.Items:
                return ReadItems(value, field.Nested!, profile) is { } items ? field.Set(part, items) : ext.AddAndReturn(key, value, part);
            case FieldForm.Keyed:
                return ReadKeyed(value, field.Nested!, profile) is { } keyed ? field.Set(part, keyed) : ext.AddAndReturn(key, value, part);
            default:
                throw new InvalidOperationException($"The field table's form {field.Form} of '{field.Name}' has no reading.");
        }
    }

    /// <summary>Reads a list whose every item maps to a part of <paramref name="level"/> (a named level's items need a
    /// non-empty <c>name</c>); null (keep the raw list) when any does not.</summary>
    private static object? ReadItems(YamlNode node, FieldLevel level, bool profile)
    {
        if (node is not YamlSequence list)
        {
            return null;
        }

        var items = new List<object>(list.Items.Count);
        foreach (var item in list.Items)
        {
            if (item is not YamlMapping map)
            {
                return null;
            }

            var name = "";
            if (level.Key == LevelKey.NameField)
            {
                if (NameOf(map) is not { } named)
                {
                    return null;
                }

                name = named;
            }

            items.Add(ReadPart(level, map, level.Create(name), profile));
        }

        return level.ToArray(items);
    }

    /// <summary>Reads a mapping of mappings, each a part of <paramref name="level"/> named by its key; null (keep the raw
    /// mapping) when it is not one or any value is not a mapping.</summary>
    private static object? ReadKeyed(YamlNode node, FieldLevel level, bool profile)
    {
        if (node is not YamlMapping map || map.Entries.Any(e => e.Value is not YamlMapping))
        {
            return null;
        }

        var items = new List<object>(map.Count);
        foreach (var (keyNode, value) in map.Entries)
        {
            items.Add(ReadPart(level, (YamlMapping)value, level.Create(keyNode.Text), profile));
        }

        return level.ToArray(items);
    }

    private static string? NameOf(YamlMapping map) =>
        map.Get(ToolFields.Name) is YamlScalar { IsString: true } name && name.Text.Length > 0 ? name.Text : null;

    /// <summary>A scalar's text; null for an explicit null; a list or mapping goes to the extensions.</summary>
    private static string? TextOrExt(YamlNode value, string key, Extensions ext)
    {
        switch (value)
        {
            case YamlScalar { IsNull: true }:
                return null;
            case YamlScalar scalar:
                return scalar.Text;
            default:
                ext.Add(key, value);
                return null;
        }
    }

    /// <summary>An expression: a string as it is, a number as its text; anything else goes to the extensions.</summary>
    private static string? ExpressionOrExt(YamlNode value, string key, Extensions ext)
    {
        if (value is YamlScalar { IsString: true } or YamlScalar { IsNumber: true })
        {
            return ((YamlScalar)value).Text;
        }

        ext.Add(key, value);
        return null;
    }

    private static double? NumberOrExt(YamlNode value, string key, Extensions ext)
    {
        if (value is YamlScalar { IsNumber: true } number)
        {
            return number.AsDouble();
        }

        ext.Add(key, value);
        return null;
    }

    private static bool NullableNumber(YamlNode value, string key, Extensions ext, out double? number)
    {
        number = null;
        switch (value)
        {
            case YamlScalar { IsNumber: true } n:
                number = n.AsDouble();
                return true;
            case YamlScalar { IsNull: true }:
                return true;
            default:
                ext.Add(key, value);
                return false;
        }
    }

    private static EquatableArray<string>? StringsOrExt(YamlNode value, string key, Extensions ext)
    {
        if (value is YamlSequence list && list.Items.All(i => i is YamlScalar { IsString: true }))
        {
            return list.Items.Select(i => ((YamlScalar)i).Text).ToEquatableArray();
        }

        ext.Add(key, value);
        return null;
    }

    /// <summary>Converts a node to free-form data. Depth is bounded by the loader's nesting limit.</summary>
    public static DataValue ToData(YamlNode node) => node switch
    {
        YamlScalar { IsSecret: true } secret => Secret(secret.Text),

        // The JSON form of a secret ({"$secret": "value"}: what the API shows an admin, and how a JSON body marks one).
        YamlMapping { Count: 1 } marker when marker.Entries[0].Key.Text == SecretMarker && marker.Entries[0].Value is YamlScalar { IsString: true } text
            => Secret(text.Text),
        YamlScalar s => s.Kind switch
        {
            ScalarKind.Null => DataValue.Null,
            ScalarKind.Boolean => DataValue.FromBoolean((bool)s.Value!),
            ScalarKind.Integer => DataValue.FromInteger((long)s.Value!),
            ScalarKind.Float => DataValue.FromFloat((double)s.Value!),
            _ => DataValue.FromString(s.Text),
        },
        YamlSequence seq => DataValue.FromList(seq.Items.Select(ToData).ToEquatableArray()),
        YamlMapping map => DataValue.FromMap(ToDataMap(map)),
        _ => throw new InvalidOperationException($"Unknown node type {node.GetType().Name}."),
    };

    /// <summary>The one key of a mapping that stands for a secret (the JSON form of <c>!secret</c>).</summary>
    public const string SecretMarker = "$secret";

    private static DataValue Secret(string text) =>
        DataValue.FromSecret(text == SecretValue.Mask ? SecretValue.Masked : SecretValue.FromPlaintext(text));

    public static DataMap ToDataMap(YamlMapping map) =>
        DataMap.Create(map.Entries.Select(e => new KeyValuePair<string, DataValue>(e.Key.Text, ToData(e.Value))));

    /// <summary>Collects the keys a model type does not interpret, in file order.</summary>
    private sealed class Extensions
    {
        private readonly List<KeyValuePair<string, DataValue>> _entries = [];

        public void Add(string key, YamlNode value) => _entries.Add(new(key, ToData(value)));

        public T AddAndReturn<T>(string key, YamlNode value, T unchanged)
        {
            Add(key, value);
            return unchanged;
        }

        public DataMap ToMap() => DataMap.Create(_entries);
    }
}
