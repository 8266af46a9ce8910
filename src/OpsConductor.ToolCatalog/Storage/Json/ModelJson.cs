using System.Collections.Frozen;
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage.Json;

/// <summary>
/// Writes and reads the model's parts as the JSON kept in JSON and JSONB columns, with System.Text.Json source
/// generation (<see cref="ModelJsonContext"/>), exactly: whatever is written reads back equal
/// (<see cref="object.Equals(object)"/>) and of the same kinds.
/// </summary>
/// <remarks>
/// <para>Keys are the tool format's field names, taken from the field table (<see cref="ToolFields"/>) by a resolver
/// modifier, so the columns read like the seed schema's. Absent optional values are left out (null, and empty lists
/// and maps); an explicit YAML null (<see cref="DataValue.Null"/>) is written as <c>null</c>, so "absent" and "null" stay
/// different. A part's <c>Extensions</c> go under its own <c>"extensions"</c> key (never merged with known keys, so
/// they cannot collide).</para>
/// <para>Numbers: PostgreSQL keeps a JSONB number as <c>numeric</c>, exactly, with its scale (<c>1.0</c> stays
/// <c>1.0</c>) but without exponents (<c>1E+20</c> comes back as <c>100000000000000000000</c>). So a float
/// <see cref="DataValue"/> is always written with a decimal point (integral ones beyond 1e15 in full digits plus
/// <c>.0</c>), and a number read back is a float exactly when it has a point or exponent. Non-finite floats, which JSON
/// lacks, are written as <c>{"$float":"NaN"}</c> (and a map that would look like that marker is wrapped as
/// <c>{"$map":{…}}</c>); typed double fields use the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>
/// (<see cref="JsonNumberHandling.AllowNamedFloatingPointLiterals"/>).</para>
/// <para>Two formats: <see cref="Stored"/> keeps free-form maps in their order; <see cref="Canonical"/> writes their keys
/// in ordinal order, for content hashes (a <see cref="DataMap"/> compares without regard to key order, and jsonb columns
/// do not keep it). The choice is a converter instance of each format's options, never ambient state.</para>
/// </remarks>
internal static class ModelJson
{
    /// <summary>The writer settings every document of the library shares (the encoder keeps non-ASCII text as it is).</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    /// <summary>Free-form maps in their own order: the columns and the documents users see.</summary>
    public static ModelJsonFormat Stored { get; } = new(sortMaps: false);

    /// <summary>Free-form maps with their keys in ordinal order: the form content hashes are taken of.</summary>
    public static ModelJsonFormat Canonical { get; } = new(sortMaps: true);

    /// <summary>As <see cref="Stored"/>, with every secret as the mask <c>{"$secret":"********"}</c>: the documents users
    /// see (<see cref="ToolJson.ToJson(ToolDefinition, bool)"/>: <c>show</c>, the API).</summary>
    public static ModelJsonFormat Shown { get; } = new(sortMaps: false, SecretWriting.Mask);

    /// <summary>As <see cref="Shown"/>, but plaintext secrets as <c>{"$secret":"value"}</c>: an administrator's revealed document.</summary>
    public static ModelJsonFormat Revealed { get; } = new(sortMaps: false, SecretWriting.Plaintext);

    /// <summary>Serialises with <paramref name="write"/> to a UTF-8 JSON string (for the hand-built audit documents).</summary>
    public static string Serialize<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer, value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Serialises <paramref name="value"/> as <paramref name="info"/> describes it, to a UTF-8 JSON string.</summary>
    public static string Serialize<T>(T value, JsonTypeInfo<T> info)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            JsonSerializer.Serialize(writer, value, info);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads <paramref name="json"/> as <paramref name="info"/> describes it.</summary>
    /// <exception cref="JsonException">The text is not JSON of that shape.</exception>
    public static T Deserialize<T>(string json, JsonTypeInfo<T> info) =>
        JsonSerializer.Deserialize(json, info) ?? throw new JsonException($"Expected a {typeof(T).Name}, found null.");

    /// <summary>Names each property of a model part after its field in <see cref="ToolFields"/>, and leaves out empty
    /// lists and maps.</summary>
    internal static void ApplyFieldTable(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var level = ToolFields.ForModel(info.Type)
            ?? throw new InvalidOperationException($"{info.Type.Name} has no level in the field table (ToolFields), so its JSON keys are unknown.");

        // Source generation builds an object with init-only properties in one object initialiser fed with every
        // property, a missing key giving default(T): ProductionSafe would read false from '{}' and Extensions null. So
        // the part is created with its own initialisers (the model's defaults) and only the keys present are set.
        var modelType = info.Type;
        info.CreateObject = () => Activator.CreateInstance(modelType)!;
        foreach (var property in info.Properties)
        {
            var clrName = property.Name;
            var member = modelType.GetProperty(clrName)!;
            property.Set = (target, value) => member.SetValue(target, value);
            property.Name = clrName == nameof(ToolDefaults.Extensions)
                ? ToolFields.Extensions
                : level.ForProperty(clrName)?.Name
                  ?? throw new InvalidOperationException($"{info.Type.Name}.{clrName} is not a field of the {level} level in the field table (ToolFields).");

            if (property.PropertyType == typeof(DataMap))
            {
                property.ShouldSerialize = static (_, value) => value is DataMap { IsEmpty: false };
            }
            else if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(EquatableArray<>))
            {
                property.ShouldSerialize = static (_, value) => value is IEquatableArray { Count: > 0 };
            }
        }
    }
}

/// <summary>
/// One way of writing the model's parts: the options (encoder, omissions, converters, map order) and the typed
/// metadata for each part a column holds.
/// </summary>
internal sealed class ModelJsonFormat
{
    public ModelJsonFormat(bool sortMaps, SecretWriting secrets = SecretWriting.Envelope)
    {
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = ModelJsonContext.Default.WithAddedModifier(ModelJson.ApplyFieldTable),
            Encoder = ModelJson.WriterOptions.Encoder,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Converters =
            {
                new DataValueConverter(sortMaps, secrets),
                new DataMapConverter(sortMaps, secrets),
                new EquatableArrayConverter<string>(),
                new EquatableArrayConverter<DataValue>(),
                new EquatableArrayConverter<InputSpec>(),
                new EquatableArrayConverter<OutputSpec>(),
                new EquatableArrayConverter<DependencySpec>(),
                new EquatableArrayConverter<ToolExample>(),
            },
        };
        options.MakeReadOnly();
        Options = options;
        Defaults = Get<ToolDefaults>();
        Policy = Get<PolicyDefinition>();
        Preferences = Get<PreferenceMatch>();
        Inputs = Get<EquatableArray<InputSpec>>();
        Outputs = Get<EquatableArray<OutputSpec>>();
        Dependencies = Get<EquatableArray<DependencySpec>>();
        Examples = Get<EquatableArray<ToolExample>>();
        Strings = Get<EquatableArray<string>>();
        Values = Get<EquatableArray<DataValue>>();
        Map = Get<DataMap>();
        Number = Get<double>();
        _boxed = new Dictionary<System.Type, Action<Utf8JsonWriter, object>>
        {
            [typeof(ToolDefaults)] = Boxed(Defaults),
            [typeof(PolicyDefinition)] = Boxed(Policy),
            [typeof(PreferenceMatch)] = Boxed(Preferences),
            [typeof(EquatableArray<InputSpec>)] = Boxed(Inputs),
            [typeof(EquatableArray<OutputSpec>)] = Boxed(Outputs),
            [typeof(EquatableArray<DependencySpec>)] = Boxed(Dependencies),
            [typeof(EquatableArray<ToolExample>)] = Boxed(Examples),
            [typeof(EquatableArray<string>)] = Boxed(Strings),
            [typeof(EquatableArray<DataValue>)] = Boxed(Values),
            [typeof(DataMap)] = Boxed(Map),
            [typeof(double)] = Boxed(Number),
        }.ToFrozenDictionary();
    }

    private readonly FrozenDictionary<System.Type, Action<Utf8JsonWriter, object>> _boxed;

    /// <summary>Writes a field's value read through the field table (boxed), as this format's metadata for
    /// <paramref name="type"/> (the field's <see cref="ToolField.ValueType"/>) describes it.</summary>
    /// <exception cref="InvalidOperationException">No metadata for the type: a field of a new type needs its entry here.</exception>
    public void WriteBoxed(Utf8JsonWriter writer, object value, System.Type type)
    {
        if (!_boxed.TryGetValue(type, out var write))
        {
            throw new InvalidOperationException($"The JSON form has no writer for a field of type {type.Name}: add it to ModelJsonFormat.");
        }

        write(writer, value);
    }

    private Action<Utf8JsonWriter, object> Boxed<T>(JsonTypeInfo<T> info) => (writer, value) => Write(writer, (T)value, info);

    /// <summary>The serializer options of this format (read-only).</summary>
    public JsonSerializerOptions Options { get; }

    public JsonTypeInfo<ToolDefaults> Defaults { get; }

    public JsonTypeInfo<PolicyDefinition> Policy { get; }

    public JsonTypeInfo<PreferenceMatch> Preferences { get; }

    public JsonTypeInfo<EquatableArray<InputSpec>> Inputs { get; }

    public JsonTypeInfo<EquatableArray<OutputSpec>> Outputs { get; }

    public JsonTypeInfo<EquatableArray<DependencySpec>> Dependencies { get; }

    public JsonTypeInfo<EquatableArray<ToolExample>> Examples { get; }

    public JsonTypeInfo<EquatableArray<string>> Strings { get; }

    public JsonTypeInfo<EquatableArray<DataValue>> Values { get; }

    public JsonTypeInfo<DataMap> Map { get; }

    /// <summary>A typed double: a JSON number, or <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.</summary>
    public JsonTypeInfo<double> Number { get; }

    /// <summary>Writes <paramref name="value"/> as <paramref name="info"/> (one of this format's) describes it: lists and
    /// free-form maps straight through this library's converter (a document of many small parts would otherwise pay the
    /// serializer's per-call set-up for each), model parts and numbers through the serializer (which applies the
    /// options' number handling and the field table's names).</summary>
    public void Write<T>(Utf8JsonWriter writer, T value, JsonTypeInfo<T> info)
    {
        if (info.Converter is IModelJsonConverter)
        {
            ((JsonConverter<T>)info.Converter).Write(writer, value, Options);
        }
        else
        {
            JsonSerializer.Serialize(writer, value, info);
        }
    }

    private JsonTypeInfo<T> Get<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}

/// <summary>The source-generated metadata of the model's parts that JSON columns hold. Keys, omissions and the
/// converters for the free-form and list types come from <see cref="ModelJsonFormat"/>'s options.</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(ToolDefaults))]
[JsonSerializable(typeof(PolicyDefinition))]
[JsonSerializable(typeof(PreferenceMatch))]
[JsonSerializable(typeof(InputSpec))]
[JsonSerializable(typeof(OutputSpec))]
[JsonSerializable(typeof(DependencySpec))]
[JsonSerializable(typeof(ToolExample))]
[JsonSerializable(typeof(EquatableArray<InputSpec>))]
[JsonSerializable(typeof(EquatableArray<OutputSpec>))]
[JsonSerializable(typeof(EquatableArray<DependencySpec>))]
[JsonSerializable(typeof(EquatableArray<ToolExample>))]
[JsonSerializable(typeof(EquatableArray<string>))]
[JsonSerializable(typeof(EquatableArray<DataValue>))]
[JsonSerializable(typeof(DataMap))]
[JsonSerializable(typeof(DataValue))]
[JsonSerializable(typeof(double))]
internal sealed partial class ModelJsonContext : JsonSerializerContext;
