using Spectre.Console;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>Runs the <c>toolcatalog</c> command in-process and captures what it printed.</summary>
/// <remarks>
/// The command sees only the environment variables a test gives, so it never reads the real user's configuration
/// file. Unless a test sets <c>TOOLCATALOG_DATA_DIR</c>, it points at <see cref="CliTestData.DataDirectory"/>, a
/// folder of the test run: a database verb run without a connection string starts its private server there, never
/// in the real user's folders.
/// </remarks>
internal static class CliHarness
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] args) => await RunAsync(null, args);

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        await RunAsync(args, environment);

    public static async Task<Result> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, IAnsiConsole? terminal = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext
        {
            Output = output,
            Error = error,
            IsInteractive = terminal is not null,
            Terminal = terminal,
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value
                : name == "TOOLCATALOG_DATA_DIR" ? CliTestData.DataDirectory
                : null,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        var exitCode = await CliApp.RunAsync(args, context);
        return new Result(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs a long-lived command (such as <c>watch</c>) writing to <paramref name="output"/> as it goes, until it ends or <paramref name="cancellationToken"/> stops it (Ctrl+C).</summary>
    public static async Task<Result> RunAsync(string[] args, TextWriter output, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        using var error = new StringWriter();
        var context = new CliContext
        {
            Output = output,
            Error = TextWriter.Synchronized(error),
            IsInteractive = false,
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value
                : name == "TOOLCATALOG_DATA_DIR" ? CliTestData.DataDirectory
                : null,
        };
        var exitCode = await CliApp.RunAsync(args, context, cancellationToken);
        return new Result(exitCode, output.ToString() ?? "", error.ToString());
    }
}
