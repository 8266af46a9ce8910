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
