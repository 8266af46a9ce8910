using Spectre.Console;

namespace OpsConductor.ToolCatalog.Cli;

/// <summary>
/// What a command may touch of the outside world: its output streams, the environment, and whether a person
/// is at the terminal. Tests build one over string writers.
/// </summary>
internal sealed class CliContext
{
    /// <summary>Standard output; whatever is written is neutralised (see <see cref="TerminalText"/>).</summary>
    public required TextWriter Output { get => _output; init => _output = TerminalText.Protect(value); }

    /// <summary>Standard error; whatever is written is neutralised (see <see cref="TerminalText"/>).</summary>
    public required TextWriter Error { get => _error; init => _error = TerminalText.Protect(value); }

    private readonly TextWriter _output = TextWriter.Null;
    private readonly TextWriter _error = TextWriter.Null;

    /// <summary>Reads an environment variable (tests substitute their own).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Whether standard input and output are a terminal a person can answer prompts on.</summary>
    public bool IsInteractive { get; init; }

    /// <summary>
    /// The console prompts and progress bars use when <see cref="IsInteractive"/> (Spectre.Console); tests give a
    /// <c>TestConsole</c> with scripted input. Null when there is no terminal.
    /// </summary>
    public IAnsiConsole? Terminal { get; init; }

    /// <summary>The directory relative paths are resolved against.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>The folder the program runs from (where the bundled samples are).</summary>
    public string BaseDirectory { get; init; } = AppContext.BaseDirectory;

    /// <summary>Whether the process runs as root (the private server's default folder then is under <c>/var/lib</c>).</summary>
    public bool IsPrivileged { get; init; } = Environment.IsPrivilegedProcess;

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Resolves a path the user gave against <see cref="WorkingDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);

    public static CliContext FromConsole()
    {
        var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
        return new()
        {
            Output = Console.Out,
            Error = Console.Error,
            IsInteractive = interactive,
            Terminal = interactive ? AnsiConsole.Console : null,
        };
    }
}
