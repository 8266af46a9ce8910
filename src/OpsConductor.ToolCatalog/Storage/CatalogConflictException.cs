namespace OpsConductor.ToolCatalog.Storage;

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
