namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <summary>
/// A private PostgreSQL server could not be found, set up, started or stopped. The message says what went wrong
/// and what to do about it (install the binaries, choose another folder, point at an existing server, …).
/// </summary>
public sealed class LocalPostgresException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public LocalPostgresException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LocalPostgresException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public LocalPostgresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
