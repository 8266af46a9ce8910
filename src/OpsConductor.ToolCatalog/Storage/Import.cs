namespace OpsConductor.ToolCatalog.Storage;

/// <summary>How an import writes.</summary>
public enum ImportMode
{
    /// <summary>All or nothing: if any tool is refused or fails, nothing is written.</summary>
    AllOrNothing,

    /// <summary>Tool by tool: a refused or failing tool is reported and skipped; the others are written. Still one
    /// transaction (each tool under its own savepoint), one revision and one notification for the batch.</summary>
    PerTool,
}

/// <summary>What happened (or, in a dry run, would happen) to one imported tool version.</summary>
public enum ImportOutcome
{
    /// <summary>A tool the catalog did not have: stored as its first version.</summary>
    NewTool,

    /// <summary>A new version of a known tool: stored and made the latest.</summary>
    NewVersion,

    /// <summary>The same version with the same content is stored already: nothing to do.</summary>
    Unchanged,

    /// <summary>The same version and content, but a different <c>status</c> or <c>enabled</c>: those are updated.</summary>
    StateChanged,

    /// <summary>The same version and content had been soft-deleted: it is restored and made the latest.</summary>
    Restored,

    /// <summary>Not imported: the version exists with different content (versions are immutable), or the input is
    /// unusable; <see cref="ImportItemResult.Message"/> says why and what to do.</summary>
    Refused,

    /// <summary>Not imported: the database refused it (per-tool mode only); the message says why.</summary>
    Failed,
}

/// <summary>How to import.</summary>
public sealed record ImportOptions
{
    /// <summary>Report what would happen without writing anything.</summary>
    public bool DryRun { get; init; }

    /// <summary>All or nothing (default), or tool by tool.</summary>
    public ImportMode Mode { get; init; } = ImportMode.AllOrNothing;

    /// <summary>Who imports, and why (recorded in the audit log of every tool changed).</summary>
    public ChangeContext Change { get; init; } = ChangeContext.Anonymous;
}

/// <summary>The outcome for one input tool.</summary>
/// <param name="Index">Its position in the input list.</param>
/// <param name="Name">The tool name.</param>
/// <param name="Version">The version.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Message">Why, for refused and failed tools.</param>
public sealed record ImportItemResult(int Index, string Name, string Version, ImportOutcome Outcome, string? Message = null);

/// <summary>What an import did (or would do).</summary>
/// <param name="DryRun">Whether this was a dry run (nothing written).</param>
/// <param name="Applied">Whether anything was written (false for a dry run, a refused all-or-nothing import, or an
/// import where nothing changed).</param>
/// <param name="Revision">The catalog revision after the import.</param>
/// <param name="Items">One result per input tool, in input order.</param>
public sealed record ImportReport(bool DryRun, bool Applied, long Revision, IReadOnlyList<ImportItemResult> Items)
{
    /// <summary>How many inputs had <paramref name="outcome"/>.</summary>
    public int Count(ImportOutcome outcome) => Items.Count(i => i.Outcome == outcome);

    /// <summary>Whether any input was refused or failed.</summary>
    public bool HasProblems => Items.Any(i => i.Outcome is ImportOutcome.Refused or ImportOutcome.Failed);
}
