namespace OpsConductor.ToolCatalog.Profiles;

/// <summary>
/// The profiles could not be loaded (the original's <c>ValueError("Failed to load profiles from database: …")</c> and
/// <c>ValueError("Invalid optimization profiles config: …")</c>). The runtime catalog keeps serving its last good
/// snapshot.
/// </summary>
public sealed class ProfileLoadException : ToolCatalogException
{
    /// <summary>Creates the exception.</summary>
    public ProfileLoadException()
        : base("Failed to load profiles.")
    {
    }

    /// <summary>Creates the exception with a message saying what failed.</summary>
    public ProfileLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure underneath.</summary>
    public ProfileLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
