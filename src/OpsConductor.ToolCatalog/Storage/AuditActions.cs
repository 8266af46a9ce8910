namespace OpsConductor.ToolCatalog.Storage;

/// <summary>
/// The actions the audit log records (<see cref="AuditRecord.Action"/>, <see cref="AuditQuery.Action"/>), as the store
/// writes them: one name per kind of change.
/// </summary>
public static class AuditActions
{
    /// <summary>A new tool (its first version).</summary>
    public const string Created = "created";

    /// <summary>A new version of a tool.</summary>
    public const string Published = "published";

    /// <summary>A change of a tool's status other than deprecation.</summary>
    public const string Updated = "updated";

    /// <summary>A tool enabled.</summary>
    public const string Enabled = "enabled";

    /// <summary>A tool disabled.</summary>
    public const string Disabled = "disabled";

    /// <summary>A tool (or a version) deprecated.</summary>
    public const string Deprecated = "deprecated";

    /// <summary>A tool rolled back to an earlier version.</summary>
    public const string RolledBack = "rolled_back";

    /// <summary>A tool soft-deleted (versions and audit kept).</summary>
    public const string Deleted = "deleted";

    /// <summary>A tool deleted with its versions (the audit kept).</summary>
    public const string HardDeleted = "hard_deleted";

    /// <summary>A deleted tool restored.</summary>
    public const string Restored = "restored";

    /// <summary>Every action, in the order a tool's life meets them.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Created, Published, Updated, Enabled, Disabled, Deprecated, RolledBack, Deleted, HardDeleted, Restored];
}
