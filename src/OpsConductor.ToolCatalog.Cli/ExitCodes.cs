namespace OpsConductor.ToolCatalog.Cli;

/// <summary>The exit codes every <c>toolcatalog</c> command uses.</summary>
internal static class ExitCodes
{
    /// <summary>The operation succeeded (for <c>validate</c>: every file is valid).</summary>
    public const int Success = 0;

    /// <summary>The operation failed (for <c>validate</c>: a file is invalid).</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong: unknown verb or option, missing or malformed argument.</summary>
    public const int Usage = 2;

    /// <summary>The command was interrupted (Ctrl+C, SIGINT or SIGTERM) and stopped cleanly: a write in progress was
    /// rolled back. 128 + SIGINT, as shells report an interrupted program.</summary>
    public const int Cancelled = 130;
}
