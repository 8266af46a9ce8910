using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage.Json;

/// <summary>
/// A whole tool version as one JSON document in the shape of the canonical YAML (capabilities and patterns as
/// objects keyed by name, in file order). Used for audit diffs and for <c>toolcatalog show --format json</c>.
/// </summary>
internal static class ToolDocument
{
    public static void Write(Utf8JsonWriter writer, ToolDefinition tool)
    {
        writer.WriteStartObject();
        writer.WriteString("tool_name", tool.Name);
        writer.WriteString("version", tool.Version);
        writer.WriteString("description", tool.Description);
        writer.WriteString("platform", tool.Platform);
        writer.WriteString("category", tool.Category);
        writer.WriteString("status", tool.Status.ToWire());
        writer.WriteBoolean("enabled", tool.Enabled);
        writer.WritePropertyName("defaults");
        ModelJson.WriteDefaults(writer, tool.Defaults);
        writer.WritePropertyName("capabilities");
        writer.WriteStartObject();
        foreach (var capability in tool.Capabilities)
        {
            writer.WritePropertyName(capability.Name);
            WriteCapability(writer, capability);
        }

        writer.WriteEndObject();
        writer.WritePropertyName("dependencies");
        ModelJson.WriteArray(writer, tool.Dependencies, ModelJson.WriteDependency);
        writer.WritePropertyName("metadata");
        ModelJson.WriteMap(writer, tool.Metadata);
        ModelJson.WriteOptionalString(writer, "execution_location", tool.ExecutionLocation);
        writer.WritePropertyName("examples");
        ModelJson.WriteArray(writer, tool.Examples, ModelJson.WriteExample);
        ModelJson.WriteExtensions(writer, tool.Extensions);
        writer.WriteEndObject();
    }

    public static void WriteCapability(Utf8JsonWriter writer, CapabilityDefinition capability)
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

    public static void WritePattern(Utf8JsonWriter writer, PatternDefinition pattern)
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

    /// <summary>The document as indented JSON text.</summary>
    public static string ToJson(ToolDefinition tool, bool indented = true)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, ModelJson.WriterOptions with { Indented = indented }))
        {
            Write(writer, tool);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The document as a mutable JSON tree (for diffs).</summary>
    public static JsonObject ToNode(ToolDefinition tool) =>
        (JsonObject)JsonNode.Parse(ToJson(tool, indented: false))!;
}
