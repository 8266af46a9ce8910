using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Secrets;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>
/// Builds the canonical per-tool node tree for a model, keys in the template's order: what the writer emits
/// and what the validator checks for a tool built in code. A key kept in an <c>Extensions</c> map replaces
/// the model property of the same name (that is where the reader keeps a value the property could not hold).
/// </summary>
internal static partial class ToolNodeWriter
{
    public static YamlMapping Build(ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return Part(ToolFields.ToolLevel, tool);
    }

    /// <summary>A part as a mapping: each field of its level in the template's order, as its row's form says, left out as
    /// its row's <see cref="FieldWrite"/> says; then the part's extensions.</summary>
    private static YamlMapping Part(FieldLevel level, object part)
    {
        var map = new MapBuilder(level.ExtensionsOf(part));
        foreach (var index in level.YamlOrder)
        {
            var field = level.Fields[index];
            var value = field.Get(part);
            if (!field.Omits(value, level.Defaults[index]))
            {
                map.Add(field.Name, Node(field, value!));
            }
        }

        return map.Build();
    }

    private static YamlNode Node(ToolField field, object value) => field.Form switch
    {
        FieldForm.Text or FieldForm.Key or FieldForm.Condition or FieldForm.Expression => Str((string)value),
        FieldForm.Number => YamlScalar.Float((double)value),
        FieldForm.NullableNumber => Number((double)value),
        FieldForm.Integer => YamlScalar.Integer((long)value),
        FieldForm.Boolean => YamlScalar.Boolean((bool)value),
        FieldForm.Strings => Strings((EquatableArray<string>)value),
        FieldForm.Data => Data((DataValue)value, 0),
        FieldForm.DataList => new YamlSequence([.. ((EquatableArray<DataValue>)value).Select(e => Data(e, 0))], default),
        FieldForm.DataMap => Data(DataValue.FromMap((DataMap)value), 0),
        FieldForm.Status => Str(((ToolStatus)value).ToWire()),
        FieldForm.Part => Part(field.Nested!, value),
        FieldForm.Items => new YamlSequence([.. ((System.Collections.IEnumerable)value).Cast<object>().Select(item => (YamlNode)Part(field.Nested!, item))], default),
        FieldForm.Keyed => new YamlMapping(
            [.. ((System.Collections.IEnumerable)value).Cast<object>().Select(item => new YamlEntry(Key(field.Nested!.NameOf(item)), Part(field.Nested!, item)))],
            default),
        _ => throw new InvalidOperationException($"The field table's form {field.Form} of '{field.Name}' has no writing."),
    };

    /// <summary>Converts free-form data to nodes; refuses nesting deeper than the reader would accept back.</summary>
    public static YamlNode Data(DataValue value, int depth)
    {
        if (depth > YamlReadOptions.MaxDepthCeiling)
        {
            throw new ArgumentException(
                $"A data value is nested more than {YamlReadOptions.MaxDepthCeiling} levels deep; it cannot be written as a tool file.", nameof(value));
        }

        return value.Kind switch
        {
            DataKind.Null => YamlScalar.Null(),
            DataKind.Boolean => YamlScalar.Boolean(value.AsBoolean()),
            DataKind.Integer => YamlScalar.Integer(value.AsInteger()),
            DataKind.Float => YamlScalar.Float(value.AsDouble()),
            DataKind.String => Str(value.AsString()),
            DataKind.List => new YamlSequence([.. value.AsList().Select(v => Data(v, depth + 1))], default),
            DataKind.Secret => YamlScalar.Secret(value.AsSecret().Plaintext ?? SecretValue.Mask),
            _ => new YamlMapping([.. value.AsMap().Select(e => new YamlEntry(Key(e.Key), Data(e.Value, depth + 1)))], default),
        };
    }

    private static YamlScalar Str(string text) =>
        YamlScalar.String(text, default, text.Contains('\n', StringComparison.Ordinal) ? YamlScalarStyle.Literal : YamlScalarStyle.DoubleQuoted);

    /// <summary>A key is written plain when that cannot change how it reads back, double-quoted otherwise.</summary>
    private static YamlScalar Key(string text) =>
        YamlScalar.String(text, default, SafePlainKey().IsMatch(text) && CoreSchema.ResolvePlain(text).Kind == ScalarKind.String &&
                                         CoreSchema.DescribeYaml11Difference(text, ScalarKind.String, text) is null
            ? YamlScalarStyle.Plain
            : YamlScalarStyle.DoubleQuoted);

    /// <summary>Whole numbers are written as integers (<c>max_cost: 5</c>), others as floats.</summary>
    private static YamlScalar Number(double value) =>
        Math.Abs(value) < 1e15 && value == Math.Floor(value) && !(value == 0 && double.IsNegative(value))
            ? YamlScalar.Integer((long)value)
            : YamlScalar.Float(value);

    private static YamlSequence Strings(EquatableArray<string> items) => new([.. items.Select(Str)], default);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafePlainKey();

    private sealed class MapBuilder(DataMap extensions)
    {
        private readonly List<YamlEntry> _entries = [];

        public void Add(string key, YamlNode value)
        {
            if (!extensions.ContainsKey(key))
            {
                _entries.Add(new YamlEntry(Key(key), value));
            }
        }

        public YamlMapping Build()
        {
            foreach (var (key, value) in extensions)
            {
                _entries.Add(new YamlEntry(Key(key), Data(value, 1)));
            }

            return new YamlMapping(_entries, default);
        }
    }
}
