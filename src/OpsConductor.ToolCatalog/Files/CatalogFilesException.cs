using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>An import or export could not be done as asked (the folder is not empty, a path does not exist, …); the
/// message says what to do.</summary>
public sealed class CatalogFilesException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public CatalogFilesException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CatalogFilesException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CatalogFilesException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
