using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>What an import does with one file.</summary>
public enum CatalogFileStatus
{
    /// <summary>A valid tool file (canonical, list form or profiles): its tools are imported.</summary>
    Tools,

    /// <summary>Found while searching a folder but not in a tool format (a <c>tool:</c> wrapper, a <c>name:</c> stub, the
    /// template, an empty or unrecognised document): left out, and listed with the reason.</summary>
    Skipped,

    /// <summary>A tool file with at least one error (or a file that is not YAML, or a non-tool file named explicitly):
    /// refuses an all-or-nothing import.</summary>
    Invalid,
}

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

/// <summary>Where an import or export is.</summary>
public enum CatalogFileStage
{
    /// <summary>Reading and validating files (<see cref="CatalogFileProgress.Done"/> of <see cref="CatalogFileProgress.Total"/>).</summary>
    Reading,

    /// <summary>Writing to the catalog in one transaction (no finer progress is known).</summary>
    Writing,

    /// <summary>Writing exported files (<see cref="CatalogFileProgress.Done"/> of <see cref="CatalogFileProgress.Total"/>).</summary>
    Exporting,

    /// <summary>Finished.</summary>
    Done,
}

/// <summary>Progress of an import or export, for progress bars.</summary>
/// <param name="Stage">What is happening.</param>
/// <param name="Done">Items finished in this stage.</param>
/// <param name="Total">Items in this stage.</param>
/// <param name="Current">The file (display path) just handled, when there is one.</param>
public sealed record CatalogFileProgress(CatalogFileStage Stage, int Done, int Total, string? Current = null);
