using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog keys create|list|revoke</c>: the management server's API keys, in the catalog's database. The key is
/// printed once, by <c>create</c>, as the last line of standard output; nothing ever prints a stored key or its hash.
/// </summary>
internal static class KeysCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("keys", "Manage the management server's API keys (sign-in for automation): create, list, revoke.");
        command.Subcommands.Add(CreateKey(context));
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Revoke(context));
        return command;
    }

    private static Command CreateKey(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var name = new Option<string>("--name", "-n") { Description = $"The key's name: {ApiKeyStore.NameRule}. Requests signed in with it are audited as key:NAME.", Required = true };
        var role = new Option<string>("--role", "-r") { Description = "admin (every change), owner (changes to the --tool tools) or viewer (reads).", Required = true };
        role.CompletionSources.Add(ToolCatalogRoles.Admin, ToolCatalogRoles.Owner, ToolCatalogRoles.Viewer);
        var tools = new Option<string[]>("--tool", "-t") { Description = "A tool an owner key may change (repeat for several; owner keys only)." };
        var tenant = StoreCommandSupport.TenantOption();
        tenant.Description = "Bind the key to this tenant (an existing tenant's id): it then reads (viewer) or manages (admin, owner) that tenant's catalog only, never the global catalog's administration.";
        var command = new Command("create", "Create an API key and print it once (the last line of output); only its hash is stored.") { name, role, tools, tenant, connection };
        command.Validators.Add(r =>
        {
            // A missing --name or --role is reported by the parser itself.
            if (r.GetResult(name) is { } n && !n.Errors.Any() && r.GetResult(role) is { } ro && !ro.Errors.Any()
                && ApiKeyStore.Check(r.GetValue(name), r.GetValue(role), r.GetValue(tools) ?? []) is { } problem)
            {
                r.AddError(problem);
            }
        });
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var created = result.GetValue(tenant) is { } bound
                ? await Keys(store).CreateForTenantAsync(result.GetValue(name)!, result.GetValue(role)!, result.GetValue(tools), bound, StoreCommandSupport.Actor, cancellationToken)
                : await Keys(store).CreateAsync(result.GetValue(name)!, result.GetValue(role)!, result.GetValue(tools), StoreCommandSupport.Actor, cancellationToken);
            var record = created.Record;
            var what = record.Tools.Count > 0 ? $"role {record.Role}, tools {string.Join(", ", record.Tools)}" : $"role {record.Role}";
            what += record.Tenant is null ? "" : $", tenant {record.Tenant}";
            await context.Output.WriteLineAsync($"Created API key '{record.Name}' ({what}); requests signed in with it are audited as {record.PrincipalName}.");
            await context.Output.WriteLineAsync("Copy the key below now: it is shown only this once and cannot be read again (the database keeps only its hash).");
            await context.Output.WriteLineAsync("Send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            await context.Output.WriteLineAsync(created.Key);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command List(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var all = new Option<bool>("--all") { Description = "Also list revoked keys." };
        var format = StoreCommandSupport.FormatOption();
        var command = new Command("list", "List the API keys (names, roles, tenants, tools, dates; never the keys).") { all, format, connection };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var keys = await Keys(store).ListAsync(result.GetValue(all), cancellationToken);
            if (result.GetValue(format) == "json")
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(new { keys = keys.Select(ToJson) }, CliJson.Options));
                return ExitCodes.Success;
            }

            if (keys.Count == 0)
            {
                await context.Output.WriteLineAsync(result.GetValue(all) ? "No API keys." : "No API keys in use ('toolcatalog keys create' makes one).");
                return ExitCodes.Success;
            }

            await TextTable.WriteAsync(
                context.Output,
                ["NAME", "ROLE", "TENANT", "TOOLS", "KEY", "CREATED", "BY", "LAST USED", "REVOKED"],
                keys.Select(k => new[]
                {
                    k.Name, k.Role, k.Tenant ?? "(global)", string.Join(", ", k.Tools), $"tc_{k.KeyId}_…", Date(k.CreatedAt), k.CreatedBy, k.LastUsedAt is { } used ? Date(used) : "never",
                    k.RevokedAt is { } revoked ? $"{Date(revoked)} by {k.RevokedBy}" : "",
                }));
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var positional = new Argument<string?>("name") { Description = "The key's name (or --name).", Arity = ArgumentArity.ZeroOrOne };
        var name = new Option<string?>("--name", "-n") { Description = "The key's name." };
        var command = new Command("revoke", "Revoke an API key: it signs nothing in from now on (a running server notices within its key cache period, 30 s by default).") { positional, name, connection };
        command.Validators.Add(r =>
        {
            var (a, b) = (r.GetValue(positional), r.GetValue(name));
            if (a is null && b is null)
            {
                r.AddError("name the key to revoke: 'toolcatalog keys revoke NAME' (or --name NAME).");
            }
            else if (a is not null && b is not null && a != b)
            {
                r.AddError($"two different names were given ('{a}' and --name '{b}'); give one.");
            }
        });
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var revoked = await Keys(store).RevokeAsync((result.GetValue(positional) ?? result.GetValue(name))!, StoreCommandSupport.Actor, cancellationToken);
            await context.Output.WriteLineAsync($"Revoked API key '{revoked.Name}' (role {revoked.Role}, tc_{revoked.KeyId}_…): it signs nothing in from now on.");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static ApiKeyStore Keys(ToolCatalogStore store) => new(store.DataSource, cacheDuration: TimeSpan.Zero);

    private static string Date(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static object ToJson(ApiKeyRecord key) => new
    {
        name = key.Name,
        role = key.Role,
        tenant = key.Tenant,
        tools = key.Tools,
        key_id = key.KeyId,
        created_at = key.CreatedAt,
        created_by = key.CreatedBy,
        last_used_at = key.LastUsedAt,
        revoked_at = key.RevokedAt,
        revoked_by = key.RevokedBy,
    };
}
