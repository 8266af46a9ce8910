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
        Field(writer, mode, "tool_name", tool.Name, static (w, v) => w.WriteStringValue(v));
        Field(writer, mode, "version", tool.Version, static (w, v) => w.WriteStringValue(v));
        Field(writer, mode, "description", tool.Description, static (w, v) => w.WriteStringValue(v));
        Field(writer, mode, "platform", tool.Platform, static (w, v) => w.WriteStringValue(v));
        Field(writer, mode, "category", tool.Category, static (w, v) => w.WriteStringValue(v));
        if (includeState)
        {
            Field(writer, mode, "status", tool.Status.ToWire(), static (w, v) => w.WriteStringValue(v));
            Field(writer, mode, "enabled", tool.Enabled, static (w, v) => w.WriteBooleanValue(v));
        }

        Field(writer, mode, "defaults", tool.Defaults, ModelJson.WriteDefaults);
        Field(writer, mode, "capabilities", tool.Capabilities, static (w, capabilities) =>
        {
            w.WriteStartObject();
            foreach (var capability in capabilities)
            {
                w.WritePropertyName(capability.Name);
                WriteCapability(w, capability);
            }

            w.WriteEndObject();
        });
        Field(writer, mode, "dependencies", tool.Dependencies, static (w, v) => ModelJson.WriteArray(w, v, ModelJson.WriteDependency));
        Field(writer, mode, "metadata", tool.Metadata, ModelJson.WriteMap);
        if (tool.ExecutionLocation is not null)
        {
            Field(writer, mode, "execution_location", tool.ExecutionLocation, static (w, v) => w.WriteStringValue(v));
        }

        Field(writer, mode, "examples", tool.Examples, static (w, v) => ModelJson.WriteArray(w, v, ModelJson.WriteExample));
        if (!tool.Extensions.IsEmpty)
        {
            Field(writer, mode, "extensions", tool.Extensions, ModelJson.WriteMap);
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
        writer.WriteString("description", capability.Description);
        writer.WritePropertyName("patterns");
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
        writer.WriteString("description", pattern.Description);
        writer.WritePropertyName("typical_use_cases");
        ModelJson.WriteStrings(writer, pattern.TypicalUseCases);
        writer.WriteString("time_estimate_ms", pattern.TimeEstimateMs);
        writer.WriteString("cost_estimate", pattern.CostEstimate);
        ModelJson.WriteDouble(writer, "complexity_score", pattern.ComplexityScore);
        ModelJson.WriteOptionalString(writer, "scope", pattern.Scope);
        ModelJson.WriteOptionalString(writer, "completeness", pattern.Completeness);
        ModelJson.WriteOptionalString(writer, "accuracy_level", pattern.AccuracyLevel);
        ModelJson.WriteOptionalString(writer, "freshness", pattern.Freshness);
        ModelJson.WriteOptionalString(writer, "data_source", pattern.DataSource);
        writer.WritePropertyName("limitations");
        ModelJson.WriteStrings(writer, pattern.Limitations);
        writer.WritePropertyName("policy");
        ModelJson.WritePolicy(writer, pattern.Policy);
        writer.WritePropertyName("preference_match");
        ModelJson.WritePreferences(writer, pattern.PreferenceMatch);
        writer.WritePropertyName("required_inputs");
        ModelJson.WriteArray(writer, pattern.RequiredInputs, ModelJson.WriteInput);
        writer.WritePropertyName("optional_inputs");
        ModelJson.WriteArray(writer, pattern.OptionalInputs, ModelJson.WriteInput);
        writer.WritePropertyName("expected_outputs");
        ModelJson.WriteArray(writer, pattern.ExpectedOutputs, ModelJson.WriteOutput);
        writer.WritePropertyName("examples");
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
