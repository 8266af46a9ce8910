using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Secrets;

namespace OpsConductor.ToolCatalog.Storage.Json;

/// <summary>
/// Free-form data (<see cref="DataValue"/>) as JSON, kinds kept: a float always has a decimal point, a non-finite one
/// is <c>{"$float":"NaN"}</c>, and a one-key map that would look like a marker is wrapped as <c>{"$map":{…}}</c> (see
/// <see cref="ModelJson"/>). The instance carries the map order (<paramref name="sortMaps"/>: keys in ordinal order,
/// for content hashes).
/// </summary>
internal sealed class DataValueConverter(bool sortMaps, SecretWriting secrets = SecretWriting.Envelope) : JsonConverter<DataValue>, IModelJsonConverter
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override DataValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DataJson.ReadValue(ref reader);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DataValue value, JsonSerializerOptions options) =>
        DataJson.WriteValue(writer, value, sortMaps, secrets);
}

/// <summary>A free-form map (<see cref="DataMap"/>) as a JSON object; never null. See <see cref="DataValueConverter"/>.</summary>
internal sealed class DataMapConverter(bool sortMaps, SecretWriting secrets = SecretWriting.Envelope) : JsonConverter<DataMap>, IModelJsonConverter
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override DataMap Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DataJson.ReadMap(ref reader);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DataMap value, JsonSerializerOptions options) =>
        DataJson.WriteMap(writer, value, sortMaps, secrets);
}

/// <summary>An <see cref="EquatableArray{T}"/> as a JSON array, each item as the options describe <typeparamref name="T"/>;
/// an empty array reads as the default (empty) value.</summary>
internal sealed class EquatableArrayConverter<T> : JsonConverter<EquatableArray<T>>, IModelJsonConverter
{
    private JsonConverter<T>? _item;

    /// <inheritdoc />
    public override EquatableArray<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Expected a JSON array, found {DataJson.Describe(reader.TokenType)}.");
        }

        var item = Item(options);
        List<T>? items = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            (items ??= []).Add(item.Read(ref reader, typeof(T), options)!);
        }

        return items is null ? default : new EquatableArray<T>([.. items]);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, EquatableArray<T> value, JsonSerializerOptions options)
    {
        var item = Item(options);
        writer.WriteStartArray();
        foreach (var element in value.AsSpan())
        {
            item.Write(writer, element, options);
        }

        writer.WriteEndArray();
    }

    /// <summary>The items' converter (a converter of this library, or the source-generated one of a model part).</summary>
    private JsonConverter<T> Item(JsonSerializerOptions options) => _item ??= (JsonConverter<T>)options.GetConverter(typeof(T));
}

/// <summary>A converter of this library: safe to call directly, outside the serializer (<see cref="ModelJsonFormat.Write{T}"/>).</summary>
internal interface IModelJsonConverter;

/// <summary>How a format writes secrets.</summary>
internal enum SecretWriting
{
    /// <summary>Sealed secrets as their envelopes (the columns, audit diffs); anything else as the mask.</summary>
    Envelope,

    /// <summary>Every secret as the mask (documents users see).</summary>
    Mask,

    /// <summary>Plaintext secrets as <c>{"$secret":"value"}</c> (an administrator's revealed document); sealed ones as the mask.</summary>
    Plaintext,
}

/// <summary>The reading and writing of free-form data shared by the converters.</summary>
internal static class DataJson
{
    private const string FloatMarker = "$float";
    private const string MapMarker = "$map";
    private const string SecretMarker = "$secret";

    public static void WriteValue(Utf8JsonWriter writer, DataValue value, bool sortMaps, SecretWriting secrets = SecretWriting.Envelope)
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
                foreach (var item in value.AsList().AsSpan())
                {
                    WriteValue(writer, item, sortMaps, secrets);
                }

                writer.WriteEndArray();
                break;
            case DataKind.Map:
                var map = value.AsMap();
                if (map.Count == 1 && (map.ContainsKey(FloatMarker) || map.ContainsKey(MapMarker) || map.ContainsKey(SecretMarker)))
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName(MapMarker);
                    WriteMap(writer, map, sortMaps, secrets);
                    writer.WriteEndObject();
                }
                else
                {
                    WriteMap(writer, map, sortMaps, secrets);
                }

                break;
            case DataKind.Secret:
                WriteSecret(writer, value.AsSecret(), sortMaps, secrets);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Kind, "Unknown data kind.");
        }
    }

    /// <summary>
    /// A secret: sealed, <c>{"$secret":{"kid","dek","iv","ct","tag"}}</c>, or in the canonical form content hashes are taken
    /// of, <c>{"$secret":{"ct","iv","tag"}}</c> (the wrapping key is left out, so re-wrapping under a new key is no content
    /// change). Anything not sealed (plaintext, the mask) is written as <c>{"$secret":"********"}</c>: JSON never carries a
    /// secret's plain text, so no column, audit row or API document can (the store seals before it writes).
    /// </summary>
    private static void WriteSecret(Utf8JsonWriter writer, SecretValue secret, bool canonical, SecretWriting mode)
    {
        writer.WriteStartObject();
        if (mode == SecretWriting.Plaintext && secret.Plaintext is { } plaintext)
        {
            writer.WriteString(SecretMarker, plaintext);
        }
        else if (mode != SecretWriting.Mask && secret.Envelope is { } e)
        {
            writer.WriteStartObject(SecretMarker);
            if (canonical)
            {
                writer.WriteString("ct", e.Ciphertext);
                writer.WriteString("iv", e.Nonce);
                writer.WriteString("tag", e.Tag);
            }
            else
            {
                writer.WriteString("kid", e.KeyId);
                writer.WriteString("dek", e.WrappedKey);
                writer.WriteString("iv", e.Nonce);
                writer.WriteString("ct", e.Ciphertext);
                writer.WriteString("tag", e.Tag);
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteString(SecretMarker, SecretValue.Mask);
        }

        writer.WriteEndObject();
    }

    /// <summary>The secret an object <c>{"$secret": …}</c> holds (a sealed envelope or the mask), or null when it is not one.</summary>
    internal static SecretValue? ReadSecret(System.Text.Json.Nodes.JsonNode? marker)
    {
        if (marker is System.Text.Json.Nodes.JsonValue text && text.TryGetValue<string>(out var s))
        {
            return s == SecretValue.Mask ? SecretValue.Masked : null;
        }

        if (marker is System.Text.Json.Nodes.JsonObject o && o.Count == 5 && Field(o, "kid") is { } kid && Field(o, "dek") is { } dek
            && Field(o, "iv") is { } iv && Field(o, "ct") is { } ct && Field(o, "tag") is { } tag)
        {
            return SecretValue.FromEnvelope(new SecretEnvelope(kid, dek, iv, ct, tag));
        }

        return null;

        static string? Field(System.Text.Json.Nodes.JsonObject o, string name) =>
            o.TryGetPropertyValue(name, out var v) && v is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var t) ? t : null;
    }

    public static void WriteMap(Utf8JsonWriter writer, DataMap map, bool sortMaps, SecretWriting secrets = SecretWriting.Envelope)
    {
        writer.WriteStartObject();
        if (sortMaps && map.Count > 1)
        {
            foreach (var (key, item) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                WriteValue(writer, item, sortMaps, secrets);
            }
        }
        else
        {
            foreach (var (key, item) in map)
            {
                writer.WritePropertyName(key);
                WriteValue(writer, item, sortMaps, secrets);
            }
        }

        writer.WriteEndObject();
    }

    public static DataValue ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return DataValue.Null;
            case JsonTokenType.True:
                return DataValue.True;
            case JsonTokenType.False:
                return DataValue.False;
            case JsonTokenType.String:
                return DataValue.FromString(reader.GetString()!);
            case JsonTokenType.Number:
                return ReadNumber(ref reader);
            case JsonTokenType.StartArray:
                var items = new List<DataValue>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader));
                }

                return DataValue.FromList(new EquatableArray<DataValue>([.. items]));
            case JsonTokenType.StartObject:
                return ReadObjectValue(ref reader);
            default:
                throw new JsonException($"Unexpected JSON token {reader.TokenType}.");
        }
    }

    public static DataMap ReadMap(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected a JSON object, found {Describe(reader.TokenType)}.");
        }

        var entries = new List<KeyValuePair<string, DataValue>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            entries.Add(new(key, ReadValue(ref reader)));
        }

        return DataMap.Create(entries);
    }

    /// <summary>How a token is named in errors, as the element kinds were before (<c>Null</c>, <c>String</c>, …).</summary>
    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "Object",
        JsonTokenType.StartArray => "Array",
        _ => token.ToString(),
    };

    /// <summary>An object: a marker (<c>{"$float": "NaN"}</c>, <c>{"$map": {…}}</c>) when it has exactly that one key
    /// with a value of the marker's kind, else a map. The reader is on the object's start; it ends on its end.</summary>
    private static DataValue ReadObjectValue(ref Utf8JsonReader reader)
    {
        var probe = reader;
        if (probe.Read() && probe.TokenType == JsonTokenType.PropertyName && probe.ValueTextEquals(SecretMarker))
        {
            var whole = reader;
            var node = System.Text.Json.Nodes.JsonNode.Parse(ref whole) as System.Text.Json.Nodes.JsonObject;
            if (node is { Count: 1 } && ReadSecret(node[SecretMarker]) is { } secret)
            {
                reader = whole;
                return DataValue.FromSecret(secret);
            }
        }

        probe = reader;
        if (probe.Read() && probe.TokenType == JsonTokenType.PropertyName &&
            (probe.ValueTextEquals(FloatMarker) || probe.ValueTextEquals(MapMarker)))
        {
            var isFloat = probe.ValueTextEquals(FloatMarker);
            probe.Read();
            var valueToken = probe.TokenType;
            probe.Skip();
            if (probe.Read() && probe.TokenType == JsonTokenType.EndObject)
            {
                if (isFloat && valueToken == JsonTokenType.String)
                {
                    reader.Read();
                    reader.Read();
                    var value = ParseNamedFloat(reader.GetString()!);
                    reader.Read();
                    return DataValue.FromFloat(value);
                }

                if (!isFloat && valueToken == JsonTokenType.StartObject)
                {
                    reader.Read();
                    reader.Read();
                    var inner = ReadMap(ref reader);
                    reader.Read();
                    return DataValue.FromMap(inner);
                }
            }
        }

        return DataValue.FromMap(ReadMap(ref reader));
    }

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

    private static DataValue ReadNumber(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> raw = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan;
        if (raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0 && reader.TryGetInt64(out var integer))
        {
            return DataValue.FromInteger(integer);
        }

        return DataValue.FromFloat(reader.GetDouble());
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
}
