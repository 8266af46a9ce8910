using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Files;

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
