using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage.Json;

/// <summary>
/// A whole tool version as one JSON document in the shape of the canonical YAML (capabilities and patterns as
/// objects keyed by name, in file order, with the tool file's own field names). Used for audit diffs, stored content
/// hashes and <c>toolcatalog show --format json</c>.
/// </summary>
public static class ToolJson
{
    /// <summary>How <see cref="Write(Utf8JsonWriter, ToolDefinition, FieldMode)"/> writes each top-level field.</summary>
    internal enum FieldMode
    {
        /// <summary><c>"field": value</c>: the document itself.</summary>
        Plain,

        /// <summary><c>"field": {"old": null, "new": value}</c>: the audit diff of a tool created from nothing.</summary>
        AsNew,

        /// <summary><c>"field": {"old": value, "new": null}</c>: the audit diff of a tool removed for good.</summary>
        AsOld,
    }

    internal static void Write(Utf8JsonWriter writer, ToolDefinition tool) => Write(writer, tool, FieldMode.Plain);

    /// <summary>Writes the document, or (<paramref name="mode"/>) the field-by-field diff from or to nothing, which is
    /// what <see cref="JsonDiff.Compute"/> gives against a missing side, without building a tree.</summary>
    internal static void Write(Utf8JsonWriter writer, ToolDefinition tool, FieldMode mode) => Write(writer, tool, mode, includeState: true, ModelJson.Stored);

    /// <summary>Writes the tool level's fields in the field table's order (the model's), each through <see cref="Value"/>;
    /// a null value is left out, and so are the state fields (<see cref="ToolFields.StateFields"/>) unless <paramref name="includeState"/>.</summary>
    private static void Write(Utf8JsonWriter writer, ToolDefinition tool, FieldMode mode, bool includeState, ModelJsonFormat format)
    {
        writer.WriteStartObject();
        foreach (var field in ToolFields.ToolLevel.Fields)
        {
            if ((!includeState && ToolFields.StateFields.Contains(field.Name)) || field.Get(tool) is not { } value)
            {
                continue;
            }

            BeginField(writer, mode, field.Name);
            Value(writer, field, value, format);
            EndField(writer, mode);
        }

        if (!tool.Extensions.IsEmpty)
        {
            Field(writer, mode, ToolFields.Extensions, tool.Extensions, format.Map, format);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes one field's value: text and state directly, keyed parts (capabilities, patterns) as objects keyed by
    /// name, everything else through the format's metadata for its type.</summary>
    private static void Value(Utf8JsonWriter writer, ToolField field, object value, ModelJsonFormat format)
    {
        switch (field.Form)
        {
            case FieldForm.Text or FieldForm.Key or FieldForm.Condition or FieldForm.Expression:
                writer.WriteStringValue((string)value);
                break;
            case FieldForm.Status:
                writer.WriteStringValue(((ToolStatus)value).ToWire());
                break;
            case FieldForm.Boolean:
                writer.WriteBooleanValue((bool)value);
                break;
            case FieldForm.Keyed:
                writer.WriteStartObject();
                foreach (var item in (System.Collections.IEnumerable)value)
                {
                    writer.WritePropertyName(field.Nested!.NameOf(item));
                    KeyedPart(writer, field.Nested, item, format);
                }

                writer.WriteEndObject();
                break;
            default:
                format.WriteBoxed(writer, value, field.ValueType);
                break;
        }
    }

    private static void KeyedPart(Utf8JsonWriter writer, FieldLevel level, object part, ModelJsonFormat format)
    {
        writer.WriteStartObject();
        foreach (var field in level.Fields)
        {
            if (field.Get(part) is { } value)
            {
                writer.WritePropertyName(field.Name);
                Value(writer, field, value, format);
            }
        }

        Extensions(writer, level.ExtensionsOf(part), format);
        writer.WriteEndObject();
    }

    private static void Text(Utf8JsonWriter writer, FieldMode mode, string name, string value)
    {
        BeginField(writer, mode, name);
        writer.WriteStringValue(value);
        EndField(writer, mode);
    }

    private static void Field<T>(Utf8JsonWriter writer, FieldMode mode, string name, T value, JsonTypeInfo<T> info, ModelJsonFormat format)
    {
        BeginField(writer, mode, name);
        format.Write(writer, value, info);
        EndField(writer, mode);
    }

    /// <summary>Writes the field's name and, in a diff, <c>{"old": null, "new":</c> or <c>{"old":</c>; the value follows.</summary>
    private static void BeginField(Utf8JsonWriter writer, FieldMode mode, string name)
    {
        writer.WritePropertyName(name);
        switch (mode)
        {
            case FieldMode.AsNew:
                writer.WriteStartObject();
                writer.WriteNull("old");
                writer.WritePropertyName("new");
                break;
            case FieldMode.AsOld:
                writer.WriteStartObject();
                writer.WritePropertyName("old");
                break;
        }
    }

    /// <summary>Closes what <see cref="BeginField"/> opened, after the value.</summary>
    private static void EndField(Utf8JsonWriter writer, FieldMode mode)
    {
        switch (mode)
        {
            case FieldMode.AsNew:
                writer.WriteEndObject();
                break;
            case FieldMode.AsOld:
                writer.WriteNull("new");
                writer.WriteEndObject();
                break;
        }
    }

    private static void Property<T>(Utf8JsonWriter writer, string name, T value, JsonTypeInfo<T> info, ModelJsonFormat format)
    {
        writer.WritePropertyName(name);
        format.Write(writer, value, info);
    }

    private static void Extensions(Utf8JsonWriter writer, DataMap extensions, ModelJsonFormat format)
    {
        if (!extensions.IsEmpty)
        {
            Property(writer, ToolFields.Extensions, extensions, format.Map, format);
        }
    }

    /// <summary>A tool version as JSON text (indented unless <paramref name="indented"/> is false), in the shape of its
    /// canonical YAML file. Every secret is written as the mask, <c>{"$secret":"********"}</c>: never its value, nor its envelope.</summary>
    public static string ToJson(ToolDefinition tool, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return ToJson(tool, indented, ModelJson.Shown);
    }

    /// <summary>As <see cref="ToJson(ToolDefinition, bool)"/>, with every secret's value opened with <paramref name="protector"/> and
    /// written as <c>{"$secret":"value"}</c>. For administrators only (the API's <c>?include_secrets=true</c>).</summary>
    /// <exception cref="Secrets.SecretKeyException">A secret is sealed under a key the protector does not have.</exception>
    public static string ToJsonWithSecrets(ToolDefinition tool, Secrets.ISecretProtector protector, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(protector);
        return ToJson(SecretSealer.Reveal(tool, protector), indented, ModelJson.Revealed);
    }

    /// <summary>As <see cref="ToJson(ToolDefinition, bool)"/>, with secrets as their stored envelopes (audit diffs, which must
    /// see a secret change, and the content a hard delete's audit row keeps).</summary>
    internal static string ToStoredJson(ToolDefinition tool) => ToJson(tool, indented: false, ModelJson.Stored);

    private static string ToJson(ToolDefinition tool, bool indented, ModelJsonFormat format)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, ModelJson.WriterOptions with { Indented = indented }))
        {
            Write(writer, tool, FieldMode.Plain, includeState: true, format);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The SHA-256 (lower-case hex) of a version's content: the compact document without <c>status</c> and
    /// <c>enabled</c>, which are state and change in place, with the keys of free-form maps in ordinal order (a
    /// <see cref="DataMap"/> compares without regard to order). Equal definitions give equal hashes; the audit row of a
    /// created tool stores this hash with a reference to the version row instead of a copy of the content.
    /// </summary>
    internal static string ContentSha256(ToolDefinition tool)
    {
        var scratch = t_hashScratch ??= new HashScratch();
        scratch.Buffer.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Buffer);
        Write(scratch.Writer, tool, FieldMode.Plain, includeState: false, ModelJson.Canonical);

        scratch.Writer.Flush();
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(scratch.Buffer.WrittenSpan, hash);
        if (scratch.Buffer.Capacity > 1 << 20)
        {
            t_hashScratch = null; // do not keep a huge buffer alive on this thread
        }

        return Convert.ToHexStringLower(hash);
    }

    [ThreadStatic]
    private static HashScratch? t_hashScratch;

    private sealed class HashScratch
    {
        public ArrayBufferWriter<byte> Buffer { get; } = new(16 * 1024);

        public Utf8JsonWriter Writer { get; }

        public HashScratch() => Writer = new Utf8JsonWriter(Buffer, ModelJson.WriterOptions);
    }

    /// <summary>The document as a mutable JSON tree (for diffs).</summary>
    internal static JsonObject ToNode(ToolDefinition tool) =>
        (JsonObject)JsonNode.Parse(ToStoredJson(tool))!;
}
