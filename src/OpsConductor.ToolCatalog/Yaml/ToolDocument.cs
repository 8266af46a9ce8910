using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>
/// One YAML file as read: which shape it is, the tools it holds, and what stopped it from being read.
/// Reading never validates the catalog rules; pass the document to <see cref="ToolValidator"/> for that.
/// </summary>
public sealed class ToolDocument
{
    internal ToolDocument(
        string source,
        ToolFileShape shape,
        IReadOnlyList<ToolDefinition> tools,
        IReadOnlyList<ValidationFinding> findings,
        YamlNode? root)
    {
        Source = source;
        Shape = shape;
        Tools = tools;
        ParseErrors = [.. findings.Where(f => f.IsError)];
        ParseWarnings = [.. findings.Where(f => !f.IsError)];
        Root = root;
    }

    /// <summary>The file path or source name the document came from.</summary>
    public string Source { get; }

    /// <summary>The shape the document was recognised as.</summary>
    public ToolFileShape Shape { get; }

    /// <summary>The tools read: one for the per-tool formats, one per entry of <c>tools:</c> for a profiles
    /// file, none when the document is unreadable or not a tool format. Tools are read even when they break
    /// catalog rules; validate the document before trusting them.</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; }

    /// <summary>Why the document could not be read as tools (YAML errors, limits, a non-tool shape).</summary>
    public IReadOnlyList<ValidationFinding> ParseErrors { get; }

    /// <summary>Warnings found while reading (e.g. scalars YAML 1.1 would have read differently).</summary>
    public IReadOnlyList<ValidationFinding> ParseWarnings { get; }

    /// <summary>Whether the document was read as tools (no parse error).</summary>
    public bool IsReadable => ParseErrors.Count == 0;

    /// <summary>The document's node tree, with positions (null when unreadable or empty).</summary>
    internal YamlNode? Root { get; }

    /// <summary>Throws <see cref="ToolYamlException"/> with the first parse error when the document is not readable.</summary>
    public ToolDocument ThrowIfUnreadable() => IsReadable ? this : throw new ToolYamlException(ParseErrors[0]);
}
