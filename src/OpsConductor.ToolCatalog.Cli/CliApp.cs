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
        Commands.LintCommand.Create(context),
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
        Commands.TelemetryCommand.Create(context),
        Commands.ReplayCommand.Create(context),
        Commands.AuditCommand.Create(context),
        Commands.BackupCommand.Backup(context),
        Commands.BackupCommand.Restore(context),
        Commands.KeysCommand.Create(context),
        Commands.TenantsCommand.Create(context),
        Commands.SecretsCommand.Create(context),
        Commands.ExperimentCommand.Create(context),
        Commands.ServeCommand.Create(context),
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
    /// prints what was wrong and the usage, and returns <see cref="ExitCodes.Usage"/>. A command stopped by
    /// <paramref name="cancellationToken"/> (Ctrl+C or SIGTERM, see <c>Program.cs</c>) says so and returns
    /// <see cref="ExitCodes.Cancelled"/>; any other failure that escapes a command is one line on standard error and
    /// <see cref="ExitCodes.Failure"/>, never a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = BuildRootCommand(context);
        var parseResult = root.Parse(args, ParserConfiguration);
        var configuration = new InvocationConfiguration
        {
            Output = context.Output,
            Error = context.Error,
            // Failures are reported below, in words; the caller's token carries Ctrl+C and SIGTERM (Program.cs), so a
            // command always gets to roll back and say so instead of being abandoned after a timeout.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await context.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync("Run 'toolcatalog --help' (or 'toolcatalog <command> --help') for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("cancelled: the command was interrupted before it finished. Nothing was written (a write in progress was rolled back).").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
#pragma warning disable CA1031 // The last line of defence: whatever a command let through is reported in one line, never as a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await context.Error.WriteLineAsync($"error: {CliErrors.Describe(e, null)}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
