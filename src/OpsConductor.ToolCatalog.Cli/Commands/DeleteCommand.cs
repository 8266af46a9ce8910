using System.CommandLine;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary><c>toolcatalog delete NAME [--version V] [--hard] [--force] [--reason R]</c>.</summary>
internal static class DeleteCommand
{
    public static Command Create(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var name = new Argument<string>("name") { Description = "The tool's name." };
        var version = StoreCommandSupport.VersionOption("Delete only this version (default: every version of the tool).");
        var hard = new Option<bool>("--hard") { Description = "Remove the rows for good (default: soft delete, which keeps them marked deleted)." };
        var force = new Option<bool>("--force") { Description = "With --hard: also delete the telemetry and A/B tests that reference the version(s)." };
        var reason = StoreCommandSupport.ReasonOption();
        var tenant = StoreCommandSupport.TenantOption();
        var command = new Command("delete", "Delete a tool or one of its versions (soft by default).") { name, connection, tenant, version, hard, force, reason };
        command.Validators.Add(r =>
        {
            if (r.GetValue(force) && !r.GetValue(hard))
            {
                r.AddError("--force only applies to --hard deletes.");
            }
        });
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var options = new DeleteOptions { Version = result.GetValue(version), Hard = result.GetValue(hard), Force = result.GetValue(force) };
            var written = await store.DeleteAsync(result.GetValue(name)!, options, StoreCommandSupport.Change(result, reason), cancellationToken);
            var what = written.Version is null ? written.ToolName : $"{written.ToolName} {written.Version}";
            await context.Output.WriteLineAsync($"{what} {(options.Hard ? "deleted for good" : "deleted (soft: the history is kept)")} (catalog revision {written.Revision}).");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
