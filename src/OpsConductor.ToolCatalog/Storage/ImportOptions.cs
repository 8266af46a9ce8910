namespace OpsConductor.ToolCatalog.Storage;

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
