using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>
/// The files of one import, read and validated: which hold tools, which were skipped and which are invalid, with every
/// problem found. Build it with <see cref="CatalogFiles.Load(string, IProgress{CatalogFileProgress}?, CancellationToken)"/>.
/// </summary>
public sealed class CatalogFileSet
{
    internal CatalogFileSet(IReadOnlyList<CatalogFile> files, bool strict)
    {
        Files = files;
        Strict = strict;
    }

    /// <summary>Every file, in reading order (ordinal order of the paths inside each folder).</summary>
    public IReadOnlyList<CatalogFile> Files { get; }

    /// <summary>Whether the files were validated in strict mode (the original validator's rules).</summary>
    public bool Strict { get; }

    /// <summary>Whether no file is invalid.</summary>
    public bool IsValid => Files.All(f => f.Status != CatalogFileStatus.Invalid);

    /// <summary>The tools of the valid tool files, in file order (a profiles file contributes its tools in its own order).</summary>
    public IReadOnlyList<ToolDefinition> Tools => [.. ToolsWithFiles.Select(t => t.Tool)];

    /// <summary>The tools of the valid tool files with the file each came from, in file order.</summary>
    public IReadOnlyList<(ToolDefinition Tool, CatalogFile File)> ToolsWithFiles =>
        [.. Files.Where(f => f.Status == CatalogFileStatus.Tools).SelectMany(f => f.Tools.Select(t => (t, f)))];

    /// <summary>The invalid files.</summary>
    public IEnumerable<CatalogFile> InvalidFiles => Files.Where(f => f.Status == CatalogFileStatus.Invalid);

    /// <summary>The skipped files.</summary>
    public IEnumerable<CatalogFile> SkippedFiles => Files.Where(f => f.Status == CatalogFileStatus.Skipped);

    /// <summary>Every error of every invalid file, in file order.</summary>
    public IReadOnlyList<ValidationFinding> Errors => [.. InvalidFiles.SelectMany(f => f.Errors)];

    /// <summary>The number of warnings in the files that are imported.</summary>
    public int WarningCount => Files.Where(f => f.Status == CatalogFileStatus.Tools).Sum(f => f.Findings.Count(x => !x.IsError));
}
