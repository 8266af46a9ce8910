using System.CommandLine;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary><c>toolcatalog enable|disable|deprecate NAME [--version V] [--reason R] [--tenant ID [--global]]</c>.</summary>
internal static class StateCommands
{
    public static Command Enable(CliContext context) => Create(
        context, "enable", "Enable a tool (its latest version, or the version given) so that it can be selected again.", "enabled",
        (store, name, version, change, ct) => store.EnableAsync(name, version, change, ct),
        (store, name, change, ct) => store.EnableGlobalToolAsync(name, change, ct));

    public static Command Disable(CliContext context) => Create(
        context, "disable", "Disable a tool (its latest version, or the version given): it stays stored but is not selected.", "disabled",
        (store, name, version, change, ct) => store.DisableAsync(name, version, change, ct),
        (store, name, change, ct) => store.DisableGlobalToolAsync(name, change, ct));

    public static Command Deprecate(CliContext context) => Create(
        context, "deprecate", "Mark a tool (its latest version, or the version given) deprecated.", "deprecated",
        (store, name, version, change, ct) => store.DeprecateAsync(name, version, change, ct));

    private static Command Create(
        CliContext context,
        string verb,
        string description,
        string pastTense,
        Func<ToolCatalogStore, string, string?, ChangeContext, CancellationToken, Task<CatalogWriteResult>> write,
        Func<ToolCatalogStore, string, ChangeContext, CancellationToken, Task<CatalogWriteResult>>? writeGlobalForTenant = null)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var name = new Argument<string>("name") { Description = "The tool's name." };
        var version = StoreCommandSupport.VersionOption("The version to change (default: the latest).");
        var reason = StoreCommandSupport.ReasonOption();
        var tenant = StoreCommandSupport.TenantOption();
        var command = new Command(verb, description) { name, connection, tenant, version, reason };
        Option<bool>? global = null;
        if (writeGlobalForTenant is not null)
        {
            global = new Option<bool>("--global")
            {
                Description = $"With --tenant: {verb} the global tool of that name for the tenant only (the global catalog and other tenants are not changed).",
            };
            command.Options.Add(global);
            command.Validators.Add(r =>
            {
                if (r.GetValue(global) && r.GetValue(tenant) is null)
                {
                    r.AddError($"--global {verb}s a global tool for one tenant: give the tenant with --tenant (without a tenant, '{verb} NAME' changes the global tool for everyone).");
                }
                else if (r.GetValue(global) && r.GetValue(version) is not null)
                {
                    r.AddError("--global applies to the tool as a whole: leave out --version.");
                }
            });
        }

        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var forTenant = global is not null && result.GetValue(global);
            var written = forTenant
                ? await writeGlobalForTenant!(store, result.GetValue(name)!, StoreCommandSupport.Change(result, reason), cancellationToken)
                : await write(store, result.GetValue(name)!, result.GetValue(version), StoreCommandSupport.Change(result, reason), cancellationToken);
            var subject = forTenant ? $"Global tool {written.ToolName} {written.Version}" : $"{written.ToolName} {written.Version}";
            var scope = forTenant ? $" for tenant {store.Tenant}" : "";
            await context.Output.WriteLineAsync(written.Changed
                ? $"{subject} {pastTense}{scope} (catalog revision {written.Revision})."
                : $"{subject} was already {pastTense}{scope}; nothing changed.");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
