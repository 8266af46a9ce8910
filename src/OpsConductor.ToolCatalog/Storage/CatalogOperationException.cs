namespace OpsConductor.ToolCatalog.Storage;

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
