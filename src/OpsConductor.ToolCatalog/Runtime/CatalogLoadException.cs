using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>The catalog could not be loaded from its source; the catalog keeps serving its last good snapshot.</summary>
public sealed class CatalogLoadException : ToolCatalogException
{
    /// <summary>Creates the exception.</summary>
    public CatalogLoadException()
        : base("The tool catalog could not be loaded.")
    {
    }

    /// <summary>Creates the exception with a message naming what failed and where.</summary>
    public CatalogLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure underneath.</summary>
    public CatalogLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
