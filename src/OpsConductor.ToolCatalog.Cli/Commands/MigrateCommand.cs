using System.CommandLine;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary><c>toolcatalog migrate</c>: creates or updates the catalog schema.</summary>
internal static class MigrateCommand
{
    public static Command Create(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var command = new Command("migrate", "Create or update the catalog's database schema (safe to run at any time, and from several processes at once).")
        {
            connection,
        };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var migration = await store.MigrateAsync(cancellationToken);
            if (migration.Applied.Count == 0)
            {
                await context.Output.WriteLineAsync($"The schema is up to date (version {migration.SchemaVersion}).");
            }
            else
            {
                foreach (var applied in migration.Applied)
                {
                    await context.Output.WriteLineAsync($"applied {applied}");
                }

                await context.Output.WriteLineAsync($"The schema is now at version {migration.SchemaVersion}.");
            }

            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
