namespace OpsConductor.ToolCatalog.Storage;

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
