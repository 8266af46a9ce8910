using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Tenancy;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog tenants create|list|disable|enable</c>: the tenants of the catalog (issue 19), a global administrator's
/// commands. A tenant's catalog is then read and written with <c>--tenant ID</c> on the catalog verbs.
/// </summary>
internal static class TenantsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("tenants", "Manage tenants (per-tenant overlays of the global catalog): create, list, disable, enable.");
        command.Subcommands.Add(CreateTenant(context));
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(SetState(context, "disable", "Disable a tenant: its overlay can no longer be written (its rows stay; reads go on).", disable: true));
        command.Subcommands.Add(SetState(context, "enable", "Enable a disabled tenant again.", disable: false));
        return command;
    }

    private static Argument<string> IdArgument()
    {
        var id = new Argument<string>("id") { Description = $"The tenant's id: {TenantId.Rule}." };
        id.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !TenantId.IsValid(r.Tokens[0].Value))
            {
                r.AddError($"id: '{r.Tokens[0].Value}' is not a tenant id: {TenantId.Rule}.");
            }
        });
        return id;
    }

    private static Command CreateTenant(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var id = IdArgument();
        var name = new Option<string?>("--name", "-n") { Description = "A display name, 1 to 200 characters (default: the id)." };
        var command = new Command("create", "Create a tenant: an empty overlay over the global catalog (it sees every global tool until it adds, shadows or disables its own).")
        {
            id, name, connection,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(name) is { } given && (string.IsNullOrWhiteSpace(given) || given.Length > 200))
            {
                r.AddError("--name must have 1 to 200 characters (not blank).");
            }
        });
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var tenantId = result.GetValue(id)!;
            var created = await store.CreateTenantAsync(tenantId, result.GetValue(name) ?? tenantId, new Storage.ChangeContext { Actor = StoreCommandSupport.Actor }, cancellationToken);
            await context.Output.WriteLineAsync($"Created tenant '{created.Id}' ({created.Name}). Work on its catalog with --tenant {created.Id}.");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command List(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var format = StoreCommandSupport.FormatOption();
        var command = new Command("list", "List the tenants, by id.") { format, connection };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var tenants = await store.ListTenantsAsync(cancellationToken);
            if (result.GetValue(format) == "json")
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    tenants = tenants.Select(t => new { id = t.Id, name = t.Name, state = State(t.State), created_at = t.CreatedAt, created_by = t.CreatedBy }),
                }, CliJson.Options));
                return ExitCodes.Success;
            }

            if (tenants.Count == 0)
            {
                await context.Output.WriteLineAsync("No tenants ('toolcatalog tenants create ID' makes one).");
                return ExitCodes.Success;
            }

            await TextTable.WriteAsync(
                context.Output,
                ["ID", "NAME", "STATE", "CREATED", "BY"],
                tenants.Select(t => new[] { t.Id, t.Name, State(t.State), t.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture), t.CreatedBy }));
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command SetState(CliContext context, string verb, string description, bool disable)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var id = IdArgument();
        var command = new Command(verb, description) { id, connection };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var tenantId = result.GetValue(id)!;
            var tenant = disable ? await store.DisableTenantAsync(tenantId, cancellationToken) : await store.EnableTenantAsync(tenantId, cancellationToken);
            await context.Output.WriteLineAsync($"Tenant '{tenant.Id}' is {State(tenant.State)}.");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static string State(TenantState state) => state == TenantState.Active ? "active" : "disabled";
}
