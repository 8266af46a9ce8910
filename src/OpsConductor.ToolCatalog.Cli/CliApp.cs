using System.CommandLine;

namespace OpsConductor.ToolCatalog.Cli;

/// <summary>Builds the <c>toolcatalog</c> command tree and runs it with consistent exit codes.</summary>
internal static class CliApp
{
    /// <summary>The commands, in the order <c>--help</c> lists them. Each verb lives in <c>Commands/</c>.</summary>
    private static IEnumerable<Command> CreateCommands(CliContext context) =>
    [
        Commands.QuickstartCommand.Create(context),
        Commands.ValidateCommand.Create(context),
        Commands.MigrateCommand.Create(context),
        Commands.ListCommand.Create(context),
        Commands.ShowCommand.Create(context),
        Commands.VersionsCommand.Create(context),
        Commands.StateCommands.Enable(context),
        Commands.StateCommands.Disable(context),
        Commands.StateCommands.Deprecate(context),
        Commands.RollbackCommand.Create(context),
        Commands.DeleteCommand.Create(context),
        Commands.ImportCommand.Create(context),
        Commands.ExportCommand.Create(context),
        Commands.SelectCommand.Create(context),
        Commands.EstimateCommand.Create(context),
        Commands.NewCommand.Create(context),
        Commands.BulkUpdateCommand.Create(context),
        Commands.DbCommand.Create(context),
        Commands.WatchCommand.Create(context),
    ];

    /// <summary>
    /// How arguments are parsed: response files are off, so an argument starting with <c>@</c> is taken as written
    /// (System.CommandLine would otherwise read it as a file of more arguments: <c>list @x</c> could take a connection
    /// string from a file without saying so).
    /// </summary>
    internal static ParserConfiguration ParserConfiguration { get; } = new() { ResponseFileTokenReplacer = null };

    public static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand(
            "toolcatalog: validate, store, inspect and select from an OpsConductor tool catalog.");
        foreach (var command in CreateCommands(context))
        {
            root.Subcommands.Add(command);
        }

        CliArguments.Apply(root);
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A usage error (unknown verb or option, missing argument)
    /// prints what was wrong and the usage, and returns <see cref="ExitCodes.Usage"/>.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = BuildRootCommand(context);
        var parseResult = root.Parse(args, ParserConfiguration);
        var configuration = new InvocationConfiguration { Output = context.Output, Error = context.Error };
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await context.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync("Run 'toolcatalog --help' (or 'toolcatalog <command> --help') for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
