namespace OpsConductor.ToolCatalog.Storage;

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
