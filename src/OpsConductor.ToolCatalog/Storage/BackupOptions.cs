namespace OpsConductor.ToolCatalog.Storage;

/// <summary>What <see cref="ToolCatalogStore.BackupAsync"/> writes.</summary>
public sealed record BackupOptions
{
    /// <summary>Also the telemetry (<c>tool_telemetry</c>) and the decision log (<c>selection_decisions</c>), which can be
    /// large (default: false; the catalog, its audit, change feed, API keys' hashes, recommendations and A/B tests are
    /// always written).</summary>
    public bool IncludeTelemetry { get; init; }
}

/// <summary>How <see cref="ToolCatalogStore.RestoreAsync"/> treats the target database.</summary>
public sealed record RestoreOptions
{
    /// <summary>Restore into a database whose catalog is not empty: its catalog rows (every table the archive format
    /// knows, telemetry included, and the audit log) are removed first, in the same transaction (default: false, a
    /// non-empty target is refused).</summary>
    public bool Force { get; init; }
}

/// <summary>One table of a backup archive.</summary>
/// <param name="Name">The table, without the schema (<c>tools</c>, <c>tool_audit_log</c>, …).</param>
/// <param name="Rows">How many rows it holds.</param>
/// <param name="Bytes">The size of its data (PostgreSQL's binary COPY format).</param>
/// <param name="Sha256">The SHA-256 of its data, lowercase hex.</param>
public sealed record BackupTable(string Name, long Rows, long Bytes, string Sha256);

/// <summary>What a backup archive holds: written by <see cref="ToolCatalogStore.BackupAsync"/>, restored by
/// <see cref="ToolCatalogStore.RestoreAsync"/>.</summary>
/// <param name="FormatVersion">The archive format's version (1).</param>
/// <param name="SchemaVersion">The highest migration applied to the database backed up; a restore needs the same.</param>
/// <param name="CreatedAt">When the backup was taken.</param>
/// <param name="Revision">The catalog revision of the snapshot.</param>
/// <param name="AuditHead">The audit chain's head as <c>position:hash</c> (as <c>toolcatalog audit verify</c> prints it),
/// null when the audit log is empty.</param>
/// <param name="IncludesTelemetry">Whether telemetry and the decision log are in the archive.</param>
/// <param name="Tables">The tables, in restore order.</param>
public sealed record BackupSummary(
    int FormatVersion,
    int SchemaVersion,
    DateTimeOffset CreatedAt,
    long Revision,
    string? AuditHead,
    bool IncludesTelemetry,
    IReadOnlyList<BackupTable> Tables);

/// <summary>A backup archive cannot be restored as it is: it is not a backup archive, its format is unknown, it is
/// truncated, or its manifest or a table's data does not match its SHA-256 (the message names which). Nothing was written.</summary>
public sealed class CatalogArchiveException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public CatalogArchiveException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CatalogArchiveException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CatalogArchiveException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
