namespace OpsConductor.ToolCatalog.Storage;

/// <summary>The tool, or the version of it, does not exist (or was deleted).</summary>
public sealed class ToolNotFoundException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public ToolNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ToolNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ToolNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="toolName"/> (and <paramref name="version"/>, when given).</summary>
    public ToolNotFoundException(string toolName, string? version)
        : base(version is null
            ? $"Tool '{toolName}' does not exist (or was deleted)."
            : $"Version '{version}' of tool '{toolName}' does not exist (or was deleted).")
    {
        ToolName = toolName;
        Version = version;
    }

    internal static ToolNotFoundException For(string toolName, string? version) => new(toolName, version);

    /// <summary>The tool that was looked for.</summary>
    public string? ToolName { get; }

    /// <summary>The version that was looked for, if one was named.</summary>
    public string? Version { get; }
}

/// <summary>
/// A write was based on a stale view: the tool changed after the revision the write stated (see
/// <see cref="ChangeContext.ExpectedRevision"/>). Nothing was written; reload and try again.
/// </summary>
public sealed class CatalogConflictException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public CatalogConflictException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CatalogConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CatalogConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a stale write to <paramref name="toolName"/>.</summary>
    public CatalogConflictException(string toolName, long expectedRevision, long toolRevision, long currentRevision)
        : base($"Tool '{toolName}' changed after revision {expectedRevision}, which this write was based on "
            + $"(it last changed at revision {toolRevision}; the catalog is now at revision {currentRevision}). "
            + "Nothing was written: reload the tool and try again.")
    {
        ToolName = toolName;
        ExpectedRevision = expectedRevision;
        ToolRevision = toolRevision;
        CurrentRevision = currentRevision;
    }

    /// <summary>The tool the write was for.</summary>
    public string? ToolName { get; }

    /// <summary>The revision the write said it was based on.</summary>
    public long ExpectedRevision { get; }

    /// <summary>The revision at which the tool last changed.</summary>
    public long ToolRevision { get; }

    /// <summary>The catalog's current revision.</summary>
    public long CurrentRevision { get; }
}

/// <summary>
/// The operation is not allowed on the catalog as it is (a version that exists already, a rollback to a deleted
/// version, a hard delete of a referenced version, …) or the data broke a database rule. Nothing was written.
/// </summary>
public sealed class CatalogOperationException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public CatalogOperationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CatalogOperationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CatalogOperationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The database schema cannot be brought to this library's version (for example an applied migration was
/// edited afterwards).</summary>
public sealed class CatalogSchemaException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public CatalogSchemaException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CatalogSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CatalogSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Another writer held the catalog (its revision row) for longer than this write would wait (the command timeout, a
/// <c>lock_timeout</c> or a <c>statement_timeout</c>); or, for a migration, another migration held the migration lock.
/// Nothing was written; try again once the other writer has finished.
/// </summary>
public sealed class CatalogBusyException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public CatalogBusyException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CatalogBusyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CatalogBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a write that gave up after waiting <paramref name="waited"/>.</summary>
    public CatalogBusyException(string message, TimeSpan waited, Exception innerException)
        : base(message, innerException) => Waited = waited;

    /// <summary>How long the write waited before it gave up.</summary>
    public TimeSpan Waited { get; }
}

/// <summary>
/// The connection to the database was lost in the middle of a write (the server stopped or restarted, or the
/// session was ended). Unless <see cref="OutcomeUnknown"/>, the write had not committed, so the server rolled it back
/// and nothing was written.
/// </summary>
public sealed class CatalogConnectionLostException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public CatalogConnectionLostException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CatalogConnectionLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CatalogConnectionLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether the connection was lost while the commit was on its way, so the write may have been stored.</summary>
    public bool OutcomeUnknown { get; init; }
}
