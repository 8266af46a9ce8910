namespace OpsConductor.ToolCatalog.Cli;

/// <summary>
/// What a command may touch of the outside world: its output streams, the environment, and whether a person
/// is at the terminal. Tests build one over string writers.
/// </summary>
internal sealed class CliContext
{
    public required TextWriter Output { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Reads an environment variable (tests substitute their own).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Whether standard input and output are a terminal a person can answer prompts on.</summary>
    public bool IsInteractive { get; init; }

    /// <summary>The directory relative paths are resolved against.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    public static CliContext FromConsole() => new()
    {
        Output = Console.Out,
        Error = Console.Error,
        IsInteractive = !Console.IsInputRedirected && !Console.IsOutputRedirected,
    };
}
