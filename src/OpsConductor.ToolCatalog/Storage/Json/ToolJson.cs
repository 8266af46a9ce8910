using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    internal static void Write(Utf8JsonWriter writer, ToolDefinition tool, FieldMode mode) => Write(writer, tool, mode, includeState: true);

    private static void Write(Utf8JsonWriter writer, ToolDefinition tool, FieldMode mode, bool includeState)
    {
        writer.WriteStartObject();
        Field(writer, mode, ToolFields.ToolName, tool.Name, static (w, v) => w.WriteStringValue(v));
        Field(writer, mode, ToolFields.Version, tool.Version, static (w, v) => w.WriteStringValue(v));
        Field(writer, mode, ToolFields.Description, tool.Description, static (w, v) => w.WriteStringValue(v));
        Field(writer, mode, ToolFields.Platform, tool.Platform, static (w, v) => w.WriteStringValue(v));
        Field(writer, mode, ToolFields.Category, tool.Category, static (w, v) => w.WriteStringValue(v));
        if (includeState)
        {
            Field(writer, mode, ToolFields.Status, tool.Status.ToWire(), static (w, v) => w.WriteStringValue(v));
            Field(writer, mode, ToolFields.Enabled, tool.Enabled, static (w, v) => w.WriteBooleanValue(v));
        }

        Field(writer, mode, ToolFields.Defaults, tool.Defaults, ModelJson.WriteDefaults);
        Field(writer, mode, ToolFields.Capabilities, tool.Capabilities, static (w, capabilities) =>
        {
            w.WriteStartObject();
            foreach (var capability in capabilities)
            {
                w.WritePropertyName(capability.Name);
                WriteCapability(w, capability);
            }

            w.WriteEndObject();
        });
        Field(writer, mode, ToolFields.Dependencies, tool.Dependencies, static (w, v) => ModelJson.WriteArray(w, v, ModelJson.WriteDependency));
        Field(writer, mode, ToolFields.Metadata, tool.Metadata, ModelJson.WriteMap);
        if (tool.ExecutionLocation is not null)
        {
            Field(writer, mode, ToolFields.ExecutionLocation, tool.ExecutionLocation, static (w, v) => w.WriteStringValue(v));
        }

        Field(writer, mode, ToolFields.Examples, tool.Examples, static (w, v) => ModelJson.WriteArray(w, v, ModelJson.WriteExample));
        if (!tool.Extensions.IsEmpty)
        {
            Field(writer, mode, ToolFields.Extensions, tool.Extensions, ModelJson.WriteMap);
        }

        writer.WriteEndObject();
    }

    private static void Field<T>(Utf8JsonWriter writer, FieldMode mode, string name, T value, Action<Utf8JsonWriter, T> write)
    {
        writer.WritePropertyName(name);
        if (mode == FieldMode.Plain)
        {
            write(writer, value);
            return;
        }

        writer.WriteStartObject();
        if (mode == FieldMode.AsNew)
        {
            writer.WriteNull("old");
            writer.WritePropertyName("new");
            write(writer, value);
        }
        else
        {
            writer.WritePropertyName("old");
            write(writer, value);
            writer.WriteNull("new");
        }

        writer.WriteEndObject();
    }

    internal static void WriteCapability(Utf8JsonWriter writer, CapabilityDefinition capability)
    {
        writer.WriteStartObject();
        writer.WriteString(ToolFields.Description, capability.Description);
        writer.WritePropertyName(ToolFields.Patterns);
        writer.WriteStartObject();
        foreach (var pattern in capability.Patterns)
        {
            writer.WritePropertyName(pattern.Name);
            WritePattern(writer, pattern);
        }

        writer.WriteEndObject();
        ModelJson.WriteExtensions(writer, capability.Extensions);
        writer.WriteEndObject();
    }

    internal static void WritePattern(Utf8JsonWriter writer, PatternDefinition pattern)
    {
        writer.WriteStartObject();
        writer.WriteString(ToolFields.Description, pattern.Description);
        writer.WritePropertyName(ToolFields.TypicalUseCases);
        ModelJson.WriteStrings(writer, pattern.TypicalUseCases);
        writer.WriteString(ToolFields.TimeEstimateMs, pattern.TimeEstimateMs);
        writer.WriteString(ToolFields.CostEstimate, pattern.CostEstimate);
        ModelJson.WriteDouble(writer, ToolFields.ComplexityScore, pattern.ComplexityScore);
        ModelJson.WriteOptionalString(writer, ToolFields.Scope, pattern.Scope);
        ModelJson.WriteOptionalString(writer, ToolFields.Completeness, pattern.Completeness);
        ModelJson.WriteOptionalString(writer, ToolFields.AccuracyLevel, pattern.AccuracyLevel);
        ModelJson.WriteOptionalString(writer, ToolFields.Freshness, pattern.Freshness);
        ModelJson.WriteOptionalString(writer, ToolFields.DataSource, pattern.DataSource);
        writer.WritePropertyName(ToolFields.Limitations);
        ModelJson.WriteStrings(writer, pattern.Limitations);
        writer.WritePropertyName(ToolFields.Policy);
        ModelJson.WritePolicy(writer, pattern.Policy);
        writer.WritePropertyName(ToolFields.PreferenceMatch);
        ModelJson.WritePreferences(writer, pattern.PreferenceMatch);
        writer.WritePropertyName(ToolFields.RequiredInputs);
        ModelJson.WriteArray(writer, pattern.RequiredInputs, ModelJson.WriteInput);
        writer.WritePropertyName(ToolFields.OptionalInputs);
        ModelJson.WriteArray(writer, pattern.OptionalInputs, ModelJson.WriteInput);
        writer.WritePropertyName(ToolFields.ExpectedOutputs);
        ModelJson.WriteArray(writer, pattern.ExpectedOutputs, ModelJson.WriteOutput);
        writer.WritePropertyName(ToolFields.Examples);
        ModelJson.WriteValues(writer, pattern.Examples);
        ModelJson.WriteExtensions(writer, pattern.Extensions);
        writer.WriteEndObject();
    }

    /// <summary>A tool version as JSON text (indented unless <paramref name="indented"/> is false), in the shape of its
    /// canonical YAML file.</summary>
    public static string ToJson(ToolDefinition tool, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, ModelJson.WriterOptions with { Indented = indented }))
        {
            Write(writer, tool);
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
        using (ModelJson.SortMaps())
        {
            Write(scratch.Writer, tool, FieldMode.Plain, includeState: false);
        }

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
        (JsonObject)JsonNode.Parse(ToJson(tool, indented: false))!;
}
