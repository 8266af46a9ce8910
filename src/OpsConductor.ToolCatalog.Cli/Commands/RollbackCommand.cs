using System.CommandLine;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary><c>toolcatalog rollback NAME --to VERSION [--reason R]</c>.</summary>
internal static class RollbackCommand
{
    public static Command Create(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var name = new Argument<string>("name") { Description = "The tool's name." };
        var to = new Option<string>("--to") { Description = "The version that becomes the latest again.", Required = true };
        var reason = StoreCommandSupport.ReasonOption();
        var tenant = StoreCommandSupport.TenantOption();
        var command = new Command("rollback", "Make an earlier version of a tool its latest version again (every version is kept).") { name, connection, tenant, to, reason };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var written = await store.RollbackAsync(result.GetValue(name)!, result.GetValue(to)!, StoreCommandSupport.Change(result, reason), cancellationToken);
            await context.Output.WriteLineAsync($"{written.ToolName} rolled back to {written.Version} (catalog revision {written.Revision}).");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
