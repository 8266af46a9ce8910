namespace OpsConductor.ToolCatalog;

/// <summary>
/// The base of every error the library raises on purpose: the store, YAML reading, file import and export,
/// expressions, selection, profiles and catalog loading all throw types derived from it, so a host can catch one type
/// for any catalog failure. The message names the tool (and version, capability or pattern) concerned and the rule that
/// was broken, and says what is allowed. Argument errors of the caller's own making stay <see cref="ArgumentException"/>.
/// </summary>
public class ToolCatalogException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public ToolCatalogException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ToolCatalogException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ToolCatalogException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
