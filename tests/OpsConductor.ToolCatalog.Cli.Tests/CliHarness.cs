namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>Runs the <c>toolcatalog</c> command in-process and captures what it printed.</summary>
internal static class CliHarness
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] args) => await RunAsync(null, args);

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        await RunAsync(args, environment);

    public static async Task<Result> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext
        {
            Output = output,
            Error = error,
            IsInteractive = false,
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
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
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
        };
        var exitCode = await CliApp.RunAsync(args, context, cancellationToken);
        return new Result(exitCode, output.ToString() ?? "", error.ToString());
    }
}
