using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>One file read for an import: its shape, verdict, findings and tools.</summary>
public sealed class CatalogFile
{
    internal CatalogFile(string path, string displayPath, ToolFileShape shape, CatalogFileStatus status, IReadOnlyList<ToolDefinition> tools, IReadOnlyList<ValidationFinding> findings, string? skipReason)
    {
        Path = path;
        DisplayPath = displayPath;
        Shape = shape;
        Status = status;
        Tools = tools;
        Findings = findings;
        SkipReason = skipReason;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The path as the user would write it: the file as given, or the folder as given joined with the file's
    /// path inside it.</summary>
    public string DisplayPath { get; }

    /// <summary>The shape the file was recognised as.</summary>
    public ToolFileShape Shape { get; }

    /// <summary>What the import does with the file.</summary>
    public CatalogFileStatus Status { get; }

    /// <summary>The tools the file holds (empty unless <see cref="Status"/> is <see cref="CatalogFileStatus.Tools"/>).</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; }

    /// <summary>Every error and warning found in the file, each naming the file, line, column and field path.</summary>
    public IReadOnlyList<ValidationFinding> Findings { get; }

    /// <summary>The errors among <see cref="Findings"/>.</summary>
    public IEnumerable<ValidationFinding> Errors => Findings.Where(f => f.IsError);

    /// <summary>Why a skipped file was left out.</summary>
    public string? SkipReason { get; }

    /// <inheritdoc />
    public override string ToString() => $"{DisplayPath} ({Status})";
}
