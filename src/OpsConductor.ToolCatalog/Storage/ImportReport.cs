namespace OpsConductor.ToolCatalog.Storage;

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
