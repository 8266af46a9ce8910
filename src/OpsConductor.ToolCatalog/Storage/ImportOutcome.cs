namespace OpsConductor.ToolCatalog.Storage;

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
