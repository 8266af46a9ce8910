using System.CommandLine;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary><c>toolcatalog enable|disable|deprecate NAME [--version V] [--reason R]</c>.</summary>
internal static class StateCommands
{
    public static Command Enable(CliContext context) => Create(
        context, "enable", "Enable a tool (its latest version, or the version given) so that it can be selected again.", "enabled",
        (store, name, version, change, ct) => store.EnableAsync(name, version, change, ct));

    public static Command Disable(CliContext context) => Create(
        context, "disable", "Disable a tool (its latest version, or the version given): it stays stored but is not selected.", "disabled",
        (store, name, version, change, ct) => store.DisableAsync(name, version, change, ct));

    public static Command Deprecate(CliContext context) => Create(
        context, "deprecate", "Mark a tool (its latest version, or the version given) deprecated.", "deprecated",
        (store, name, version, change, ct) => store.DeprecateAsync(name, version, change, ct));

    private static Command Create(
        CliContext context,
        string verb,
        string description,
        string pastTense,
        Func<ToolCatalogStore, string, string?, ChangeContext, CancellationToken, Task<CatalogWriteResult>> write)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var name = new Argument<string>("name") { Description = "The tool's name." };
        var version = StoreCommandSupport.VersionOption("The version to change (default: the latest).");
        var reason = StoreCommandSupport.ReasonOption();
        var command = new Command(verb, description) { name, connection, version, reason };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var written = await write(store, result.GetValue(name)!, result.GetValue(version), StoreCommandSupport.Change(result, reason), cancellationToken);
            await context.Output.WriteLineAsync(written.Changed
                ? $"{written.ToolName} {written.Version} {pastTense} (catalog revision {written.Revision})."
                : $"{written.ToolName} {written.Version} was already {pastTense}; nothing changed.");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
