using System.Buffers;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Benchmarks.Storage;

/// <summary>
/// The baseline: the library's hand-written JSON mapping of the model's parts (one write and one read method per part,
/// over <see cref="Utf8JsonWriter"/> and <see cref="JsonDocument"/>, map order by a thread-static flag) as it was before
/// System.Text.Json source generation replaced it (decision 1301). Kept only to measure the two side by side
/// (<c>ModelJsonBenchmarks</c>) and for the row writers measured in decision 0403; not used by the library.
/// </summary>
/// <remarks>
/// <para>Keys follow the YAML format (<c>max_N_immediate</c>, <c>max_execution_time</c>, …) so the columns read like the
/// seed schema's. Absent optional values are left out; an explicit YAML null (<see cref="DataValue.Null"/>) is written as
/// <c>null</c>, so "absent" and "null" stay different. A part's <c>Extensions</c> go under its own <c>"extensions"</c>
/// key (never merged with known keys, so they cannot collide).</para>
/// <para>Numbers: PostgreSQL keeps a JSONB number as <c>numeric</c>, exactly, with its scale (<c>1.0</c> stays
/// <c>1.0</c>) but without exponents (<c>1E+20</c> comes back as <c>100000000000000000000</c>). So a float
/// <see cref="DataValue"/> is always written with a decimal point (integral ones beyond 1e15 in full digits plus
/// <c>.0</c>), and a number read back is a float exactly when it has a point or exponent. Non-finite floats, which JSON
/// lacks, are written as <c>{"$float":"NaN"}</c> (and a map that would look like that marker is wrapped as
/// <c>{"$map":{…}}</c>); typed double fields use the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.</para>
/// </remarks>
internal static class HandWrittenModelJson
{
    private const string FloatMarker = "$float";
    private const string MapMarker = "$map";

    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    /// <summary>Serialises with <paramref name="write"/> to a UTF-8 JSON string.</summary>
    public static string Serialize<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer, value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Parses <paramref name="json"/> and reads it with <paramref name="read"/>.</summary>
    public static T Deserialize<T>(string json, Func<JsonElement, T> read)
    {
        using var document = JsonDocument.Parse(json);
        return read(document.RootElement);
    }

    // ---- DataValue and DataMap ----

    public static void WriteValue(Utf8JsonWriter writer, DataValue value)
    {
        switch (value.Kind)
        {
            case DataKind.Null:
                writer.WriteNullValue();
                break;
            case DataKind.Boolean:
                writer.WriteBooleanValue(value.AsBoolean());
                break;
            case DataKind.Integer:
                writer.WriteNumberValue(value.AsInteger());
                break;
            case DataKind.Float:
                WriteFloat(writer, value.AsDouble());
                break;
            case DataKind.String:
                writer.WriteStringValue(value.AsString());
                break;
            case DataKind.List:
                writer.WriteStartArray();
                foreach (var item in value.AsList())
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            case DataKind.Map:
                var map = value.AsMap();
                if (map.Count == 1 && (map.ContainsKey(FloatMarker) || map.ContainsKey(MapMarker)))
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName(MapMarker);
                    WriteMap(writer, map);
                    writer.WriteEndObject();
                }
                else
                {
                    WriteMap(writer, map);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Kind, "Unknown data kind.");
        }
    }

    public static void WriteMap(Utf8JsonWriter writer, DataMap map)
    {
        writer.WriteStartObject();
        if (t_sortMaps && map.Count > 1)
        {
            foreach (var (key, item) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                WriteValue(writer, item);
            }
        }
        else
        {
            foreach (var (key, item) in map)
            {
                writer.WritePropertyName(key);
                WriteValue(writer, item);
            }
        }

        writer.WriteEndObject();
    }

    [ThreadStatic]
    private static bool t_sortMaps;

    /// <summary>
    /// Until the returned scope is disposed, <see cref="WriteMap"/> on this thread writes keys in ordinal order. A
    /// <see cref="DataMap"/> compares without regard to key order (and jsonb columns do not keep it), so a canonical
    /// form for hashing must not depend on it either.
    /// </summary>
    public static SortedMapsScope SortMaps()
    {
        var previous = t_sortMaps;
        t_sortMaps = true;
        return new SortedMapsScope(previous);
    }

    /// <summary>Restores the map order setting on dispose (see <see cref="SortMaps"/>).</summary>
    public readonly struct SortedMapsScope(bool previous) : IDisposable
    {
        public void Dispose() => t_sortMaps = previous;
    }

    public static DataValue ReadValue(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return DataValue.Null;
            case JsonValueKind.True:
                return DataValue.True;
            case JsonValueKind.False:
                return DataValue.False;
            case JsonValueKind.String:
                return DataValue.FromString(element.GetString()!);
            case JsonValueKind.Number:
                return ReadNumber(element);
            case JsonValueKind.Array:
                var items = new DataValue[element.GetArrayLength()];
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    items[i++] = ReadValue(item);
                }

                return DataValue.FromList(new EquatableArray<DataValue>(items));
            case JsonValueKind.Object:
                if (TryReadSingleProperty(element, out var name, out var inner))
                {
                    if (name == FloatMarker && inner.ValueKind == JsonValueKind.String)
                    {
                        return DataValue.FromFloat(ParseNamedFloat(inner.GetString()!));
                    }

                    if (name == MapMarker && inner.ValueKind == JsonValueKind.Object)
                    {
                        return DataValue.FromMap(ReadMap(inner));
                    }
                }

                return DataValue.FromMap(ReadMap(element));
            default:
                throw new JsonException($"Unexpected JSON value kind {element.ValueKind}.");
        }
    }

    public static DataMap ReadMap(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"Expected a JSON object, found {element.ValueKind}.");
        }

        var entries = new List<KeyValuePair<string, DataValue>>();
        foreach (var property in element.EnumerateObject())
        {
            entries.Add(new(property.Name, ReadValue(property.Value)));
        }

        return DataMap.Create(entries);
    }

    public static void WriteValues(Utf8JsonWriter writer, EquatableArray<DataValue> values)
    {
        writer.WriteStartArray();
        foreach (var value in values)
        {
            WriteValue(writer, value);
        }

        writer.WriteEndArray();
    }

    public static EquatableArray<DataValue> ReadValues(JsonElement element) => ReadArray(element, ReadValue);

    public static void WriteStrings(Utf8JsonWriter writer, EquatableArray<string> values)
    {
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    public static EquatableArray<string> ReadStrings(JsonElement element) =>
        ReadArray(element, e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new JsonException($"Expected a string, found {e.ValueKind}."));

    public static EquatableArray<T> ReadArray<T>(JsonElement element, Func<JsonElement, T> read)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"Expected a JSON array, found {element.ValueKind}.");
        }

        var length = element.GetArrayLength();
        if (length == 0)
        {
            return default;
        }

        var items = new T[length];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            items[i++] = read(item);
        }

        return new EquatableArray<T>(items);
    }

    public static void WriteArray<T>(Utf8JsonWriter writer, EquatableArray<T> items, Action<Utf8JsonWriter, T> write)
    {
        writer.WriteStartArray();
        foreach (var item in items)
        {
            write(writer, item);
        }

        writer.WriteEndArray();
    }

    // ---- Typed parts ----

    public static void WriteDefaults(Utf8JsonWriter writer, ToolDefaults defaults)
    {
        writer.WriteStartObject();
        WriteOptionalString(writer, "accuracy_level", defaults.AccuracyLevel);
        WriteOptionalString(writer, "freshness", defaults.Freshness);
        WriteOptionalString(writer, "data_source", defaults.DataSource);
        WriteOptionalString(writer, "scope", defaults.Scope);
        WriteOptionalString(writer, "completeness", defaults.Completeness);
        WriteExtensions(writer, defaults.Extensions);
        writer.WriteEndObject();
    }

    public static ToolDefaults ReadDefaults(JsonElement element)
    {
        var reader = new ObjectReader(element);
        return new ToolDefaults
        {
            AccuracyLevel = reader.OptionalString("accuracy_level"),
            Freshness = reader.OptionalString("freshness"),
            DataSource = reader.OptionalString("data_source"),
            Scope = reader.OptionalString("scope"),
            Completeness = reader.OptionalString("completeness"),
            Extensions = reader.Extensions(),
        };
    }

    public static void WritePolicy(Utf8JsonWriter writer, PolicyDefinition policy)
    {
        writer.WriteStartObject();
        WriteOptionalDouble(writer, "max_cost", policy.MaxCost);
        writer.WriteBoolean("requires_approval", policy.RequiresApproval);
        writer.WriteBoolean("production_safe", policy.ProductionSafe);
        WriteOptionalDouble(writer, "max_execution_time", policy.MaxExecutionTimeSeconds);
        WriteOptionalString(writer, "requires_background_if", policy.RequiresBackgroundIf);
        if (policy.MaxNImmediate is { } maxN)
        {
            writer.WriteNumber("max_N_immediate", maxN);
        }

        if (!policy.AllowedEnvironments.IsEmpty)
        {
            writer.WritePropertyName("allowed_environments");
            WriteStrings(writer, policy.AllowedEnvironments);
        }

        WriteExtensions(writer, policy.Extensions);
        writer.WriteEndObject();
    }

    public static PolicyDefinition ReadPolicy(JsonElement element)
    {
        var reader = new ObjectReader(element);
        return new PolicyDefinition
        {
            MaxCost = reader.OptionalDouble("max_cost"),
            RequiresApproval = reader.Boolean("requires_approval", false),
            ProductionSafe = reader.Boolean("production_safe", true),
            MaxExecutionTimeSeconds = reader.OptionalDouble("max_execution_time"),
            RequiresBackgroundIf = reader.OptionalString("requires_background_if"),
            MaxNImmediate = reader.OptionalInt64("max_N_immediate"),
            AllowedEnvironments = reader.Strings("allowed_environments"),
            Extensions = reader.Extensions(),
        };
    }

    public static void WritePreferences(Utf8JsonWriter writer, PreferenceMatch preferences)
    {
        writer.WriteStartObject();
        WriteDouble(writer, "speed", preferences.Speed);
        WriteDouble(writer, "accuracy", preferences.Accuracy);
        WriteDouble(writer, "cost", preferences.Cost);
        WriteDouble(writer, "complexity", preferences.Complexity);
        WriteDouble(writer, "completeness", preferences.Completeness);
        WriteExtensions(writer, preferences.Extensions);
        writer.WriteEndObject();
    }

    public static PreferenceMatch ReadPreferences(JsonElement element)
    {
        var reader = new ObjectReader(element);
        return new PreferenceMatch
        {
            Speed = reader.Double("speed", 0.5),
            Accuracy = reader.Double("accuracy", 0.5),
            Cost = reader.Double("cost", 0.5),
            Complexity = reader.Double("complexity", 0.5),
            Completeness = reader.Double("completeness", 0.5),
            Extensions = reader.Extensions(),
        };
    }

    public static void WriteInput(Utf8JsonWriter writer, InputSpec input)
    {
        writer.WriteStartObject();
        writer.WriteString("name", input.Name);
        writer.WriteString("type", input.Type);
        WriteOptionalString(writer, "description", input.Description);
        WriteOptionalString(writer, "validation", input.Validation);
        if (!input.Examples.IsEmpty)
        {
            writer.WritePropertyName("examples");
            WriteValues(writer, input.Examples);
        }

        if (!input.AllowedValues.IsEmpty)
        {
            writer.WritePropertyName("allowed_values");
            WriteValues(writer, input.AllowedValues);
        }

        if (input.Default is not null)
        {
            writer.WritePropertyName("default");
            WriteValue(writer, input.Default);
        }

        if (input.Required is { } required)
        {
            writer.WriteBoolean("required", required);
        }

        WriteExtensions(writer, input.Extensions);
        writer.WriteEndObject();
    }

    public static InputSpec ReadInput(JsonElement element)
    {
        var reader = new ObjectReader(element);
        return new InputSpec
        {
            Name = reader.RequiredString("name"),
            Type = reader.OptionalString("type") ?? "string",
            Description = reader.OptionalString("description"),
            Validation = reader.OptionalString("validation"),
            Examples = reader.Values("examples"),
            AllowedValues = reader.Values("allowed_values"),
            Default = reader.OptionalValue("default"),
            Required = reader.OptionalBoolean("required"),
            Extensions = reader.Extensions(),
        };
    }

    public static void WriteOutput(Utf8JsonWriter writer, OutputSpec output)
    {
        writer.WriteStartObject();
        writer.WriteString("name", output.Name);
        writer.WriteString("type", output.Type);
        WriteOptionalString(writer, "description", output.Description);
        if (output.Required is { } required)
        {
            writer.WriteBoolean("required", required);
        }

        WriteExtensions(writer, output.Extensions);
        writer.WriteEndObject();
    }

    public static OutputSpec ReadOutput(JsonElement element)
    {
        var reader = new ObjectReader(element);
        return new OutputSpec
        {
            Name = reader.RequiredString("name"),
            Type = reader.OptionalString("type") ?? "string",
            Description = reader.OptionalString("description"),
            Required = reader.OptionalBoolean("required"),
            Extensions = reader.Extensions(),
        };
    }

    public static void WriteDependency(Utf8JsonWriter writer, DependencySpec dependency)
    {
        writer.WriteStartObject();
        writer.WriteString("name", dependency.Name);
        writer.WriteString("type", dependency.Type);
        writer.WriteBoolean("required", dependency.Required);
        WriteOptionalString(writer, "version", dependency.Version);
        WriteExtensions(writer, dependency.Extensions);
        writer.WriteEndObject();
    }

    public static DependencySpec ReadDependency(JsonElement element)
    {
        var reader = new ObjectReader(element);
        return new DependencySpec
        {
            Name = reader.RequiredString("name"),
            Type = reader.OptionalString("type") ?? "",
            Required = reader.Boolean("required", true),
            Version = reader.OptionalString("version"),
            Extensions = reader.Extensions(),
        };
    }

    public static void WriteExample(Utf8JsonWriter writer, ToolExample example)
    {
        writer.WriteStartObject();
        WriteOptionalString(writer, "name", example.Name);
        WriteOptionalString(writer, "description", example.Description);
        if (!example.Inputs.IsEmpty)
        {
            writer.WritePropertyName("inputs");
            WriteMap(writer, example.Inputs);
        }

        if (example.ExpectedOutput is not null)
        {
            writer.WritePropertyName("expected_output");
            WriteValue(writer, example.ExpectedOutput);
        }

        WriteOptionalDouble(writer, "expected_time_ms", example.ExpectedTimeMs);
        WriteOptionalDouble(writer, "expected_cost", example.ExpectedCost);
        WriteExtensions(writer, example.Extensions);
        writer.WriteEndObject();
    }

    public static ToolExample ReadExample(JsonElement element)
    {
        var reader = new ObjectReader(element);
        return new ToolExample
        {
            Name = reader.OptionalString("name"),
            Description = reader.OptionalString("description"),
            Inputs = reader.Map("inputs"),
            ExpectedOutput = reader.OptionalValue("expected_output"),
            ExpectedTimeMs = reader.OptionalDouble("expected_time_ms"),
            ExpectedCost = reader.OptionalDouble("expected_cost"),
            Extensions = reader.Extensions(),
        };
    }

    // ---- Helpers ----

    public static void WriteOptionalString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    public static void WriteDouble(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteString(name, NamedFloat(value));
        }
    }

    public static void WriteOptionalDouble(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            WriteDouble(writer, name, number);
        }
    }

    public static void WriteExtensions(Utf8JsonWriter writer, DataMap extensions)
    {
        if (!extensions.IsEmpty)
        {
            writer.WritePropertyName("extensions");
            WriteMap(writer, extensions);
        }
    }

    public static double ReadDouble(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => ParseNamedFloat(element.GetString()!),
        _ => throw new JsonException($"Expected a number, found {element.ValueKind}."),
    };

    private static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            writer.WriteStartObject();
            writer.WriteString(FloatMarker, NamedFloat(value));
            writer.WriteEndObject();
            return;
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            if (Math.Floor(value) == value)
            {
                // PostgreSQL would print 1E+20 as 100000000000000000000 (an integer): keep it a float.
                text = value.ToString("F1", CultureInfo.InvariantCulture);
            }
        }
        else if (!text.Contains('.', StringComparison.Ordinal))
        {
            text += ".0";
        }

        writer.WriteRawValue(text, skipInputValidation: true);
    }

    private static DataValue ReadNumber(JsonElement element)
    {
        var raw = element.GetRawText();
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && element.TryGetInt64(out var integer))
        {
            return DataValue.FromInteger(integer);
        }

        return DataValue.FromFloat(element.GetDouble());
    }

    private static string NamedFloat(double value) =>
        double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";

    private static double ParseNamedFloat(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => throw new JsonException($"'{text}' is not a number (allowed strings: NaN, Infinity, -Infinity)."),
    };

    private static bool TryReadSingleProperty(JsonElement element, out string name, out JsonElement value)
    {
        name = "";
        value = default;
        var count = 0;
        foreach (var property in element.EnumerateObject())
        {
            if (++count > 1)
            {
                return false;
            }

            name = property.Name;
            value = property.Value;
        }

        return count == 1;
    }

    /// <summary>Reads the known keys of one JSON object (unknown keys, written by a newer version, are ignored).</summary>
    private readonly struct ObjectReader
    {
        private readonly JsonElement _element;

        public ObjectReader(JsonElement element)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException($"Expected a JSON object, found {element.ValueKind}.");
            }

            _element = element;
        }

        public string RequiredString(string name) =>
            OptionalString(name) ?? throw new JsonException($"The key '{name}' is missing.");

        public string? OptionalString(string name) =>
            _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
                ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw new JsonException($"'{name}' should be a string, found {value.ValueKind}.")
                : null;

        public bool Boolean(string name, bool absent) => OptionalBoolean(name) ?? absent;

        public bool? OptionalBoolean(string name) =>
            _element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? value.GetBoolean()
                : null;

        public double Double(string name, double absent) => OptionalDouble(name) ?? absent;

        public double? OptionalDouble(string name) =>
            _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? ReadDouble(value) : null;

        public long? OptionalInt64(string name) =>
            _element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

        public EquatableArray<string> Strings(string name) =>
            _element.TryGetProperty(name, out var value) ? ReadStrings(value) : default;

        public EquatableArray<DataValue> Values(string name) =>
            _element.TryGetProperty(name, out var value) ? ReadValues(value) : default;

        public DataMap Map(string name) =>
            _element.TryGetProperty(name, out var value) ? ReadMap(value) : DataMap.Empty;

        public DataValue? OptionalValue(string name) =>
            _element.TryGetProperty(name, out var value) ? ReadValue(value) : null;

        public DataMap Extensions() => Map("extensions");
    }
}
