using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>How to import files into the catalog.</summary>
public sealed record CatalogImportOptions
{
    /// <summary>Report what would change (new tool, new version, unchanged, …) without writing anything.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// File by file instead of all or nothing: invalid files are reported and left out, the valid ones imported, and a
    /// tool the store refuses (an existing version with other content, say) does not stop the others
    /// (<see cref="ImportMode.PerTool"/>: one tool per canonical file; each tool of a profiles file on its own). Still one
    /// transaction, one revision and one notification for the batch.
    /// </summary>
    public bool PerFile { get; init; }

    /// <summary>Who imports and why (recorded in the audit row of every tool changed).</summary>
    public ChangeContext Change { get; init; } = ChangeContext.Anonymous;
}

/// <summary>What happened to one imported tool, and which file it came from.</summary>
/// <param name="File">The file's display path.</param>
/// <param name="Name">The tool.</param>
/// <param name="Version">Its version.</param>
/// <param name="Outcome">What the store did (or would do).</param>
/// <param name="Message">Why, for refused and failed tools.</param>
public sealed record CatalogImportItem(string File, string Name, string Version, ImportOutcome Outcome, string? Message);

/// <summary>What an import of files did (or, in a dry run, would do).</summary>
public sealed class CatalogImportResult
{
    /// <summary>
    /// The result of an import refused because <paramref name="files"/> has invalid files, before any store is
    /// contacted: what <see cref="CatalogFiles.ImportAsync(Storage.ToolCatalogStore, CatalogFileSet, CatalogImportOptions?, IProgress{CatalogFileProgress}?, CancellationToken)"/>
    /// returns for such a set in all-or-nothing mode, for a host that checks the files before it connects.
    /// </summary>
    public static CatalogImportResult RefusedByInvalidFiles(CatalogFileSet files, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(files);
        return new CatalogImportResult(files, null, [], refusedByValidation: true, dryRun);
    }

    internal CatalogImportResult(CatalogFileSet files, ImportReport? report, IReadOnlyList<CatalogImportItem> items, bool refusedByValidation, bool dryRun, bool perFile = false)
    {
        PerFile = perFile;
        Files = files;
        Report = report;
        Items = items;
        RefusedByValidation = refusedByValidation;
        DryRun = dryRun;
    }

    /// <summary>The files read, with their verdicts and findings.</summary>
    public CatalogFileSet Files { get; }

    /// <summary>The store's report; null when nothing was sent to the store (refused by validation, or no tool to import).</summary>
    public ImportReport? Report { get; }

    /// <summary>One line per tool sent to the store, in file order.</summary>
    public IReadOnlyList<CatalogImportItem> Items { get; }

    /// <summary>Whether the whole run was refused because a file is invalid (all-or-nothing mode): nothing was written.</summary>
    public bool RefusedByValidation { get; }

    /// <summary>Whether this was a dry run.</summary>
    public bool DryRun { get; }

    /// <summary>Whether the import went file by file (<see cref="CatalogImportOptions.PerFile"/>) rather than all or nothing.</summary>
    public bool PerFile { get; }

    /// <summary>Whether anything was written.</summary>
    public bool Applied => Report?.Applied ?? false;

    /// <summary>The catalog revision after the import (null when the store was not reached).</summary>
    public long? Revision => Report?.Revision;

    /// <summary>Whether every file was valid and every tool imported (or unchanged): no invalid file, no refused or failed tool.</summary>
    public bool Succeeded => Files.IsValid && !RefusedByValidation && !(Report?.HasProblems ?? false);

    /// <summary>How many tools had <paramref name="outcome"/>.</summary>
    public int Count(ImportOutcome outcome) => Items.Count(i => i.Outcome == outcome);
}

/// <summary>How to export the catalog to files.</summary>
public sealed record CatalogExportOptions
{
    /// <summary>Which tools (every tool by default).</summary>
    public ToolFilter Filter { get; init; } = ToolFilter.All;

    /// <summary>Every version that is not deleted, instead of each tool's latest only.</summary>
    public bool AllVersions { get; init; }

    /// <summary>Allow a folder that already holds files (files of the same name are replaced; others are left alone).</summary>
    public bool Overwrite { get; init; }
}

/// <summary>One file an export wrote.</summary>
/// <param name="RelativePath">The file's path inside the export folder, with <c>/</c> separators (<c>linux/grep.yaml</c>).</param>
/// <param name="Name">The tool.</param>
/// <param name="Version">Its version.</param>
public sealed record ExportedFile(string RelativePath, string Name, string Version);

/// <summary>An import or export could not be done as asked (the folder is not empty, a path does not exist, …); the
/// message says what to do.</summary>
public sealed class CatalogFilesException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public CatalogFilesException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CatalogFilesException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CatalogFilesException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
