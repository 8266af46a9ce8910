namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>What happened to one tool between two snapshots.</summary>
public enum ToolChangeKind
{
    /// <summary>A tool the previous snapshot did not have.</summary>
    Added,

    /// <summary>The tool is gone (deleted).</summary>
    Removed,

    /// <summary>Another version became the latest (a publish, or a rollback).</summary>
    VersionChanged,

    /// <summary>The same version was disabled.</summary>
    Disabled,

    /// <summary>The same version was enabled.</summary>
    Enabled,

    /// <summary>The same version's status changed (deprecated, testing, …).</summary>
    StatusChanged,

    /// <summary>The same version and state with other content (a YAML file edited without a version bump).</summary>
    ContentChanged,
}
