namespace OpsConductor.ToolCatalog.Storage;

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
