using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>
/// Writes a tool in the canonical per-tool format: capabilities and patterns as mappings keyed by name, keys in
/// the original template's order, every string (expressions and versions included) double-quoted, multi-line
/// text as literal blocks. Reading the output back gives an equal <see cref="ToolDefinition"/>.
/// </summary>
public static class ToolYamlWriter
{
    /// <summary>Returns the tool as canonical YAML.</summary>
    public static string Write(ToolDefinition tool)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(tool, writer);
        return writer.ToString();
    }

    /// <summary>Writes the tool as canonical YAML to <paramref name="writer"/>.</summary>
    public static void Write(ToolDefinition tool, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(writer);
        YamlNodeEmitter.Emit(ToolNodeWriter.Build(tool), writer);
    }
}
