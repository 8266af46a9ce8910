using System.CommandLine;
using System.Globalization;
using OpsConductor.ToolCatalog.Cli.Configuration;
using OpsConductor.ToolCatalog.Secrets;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog secrets init|status|rotate|retire KID</c>: the key ring that encrypts secret values (see
/// <see cref="SecretKeys"/> for where it is). Rotation adds a new current key and re-wraps every stored data key under
/// it in one write (readers keep reading; versions do not change); the old key still opens values until it is retired,
/// which is refused while any stored value still uses it. No command ever prints a key or a secret.
/// </summary>
internal static class SecretsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("secrets", $"Manage the key ring that encrypts secret values (!secret in tool files): init, status, rotate, retire. The ring is ${SecretKeyRing.PathVariable}, else \"secrets_keyring\" in the configuration file, else {SecretKeys.FileName} in the data folder.");
        command.Subcommands.Add(Init(context));
        command.Subcommands.Add(Status(context));
        command.Subcommands.Add(Rotate(context));
        command.Subcommands.Add(Retire(context));
        return command;
    }

    private static Command Init(CliContext context)
    {
        var command = new Command("init", "Create the key ring with one key (file mode 0600). Refused when it exists.");
        command.SetAction(async (_, _) =>
        {
            string path;
            try
            {
                path = SecretKeys.ResolvePath(context);
            }
            catch (CliException e)
            {
                await context.Error.WriteLineAsync($"error: {e.Message}");
                return e.ExitCode;
            }

            if (File.Exists(path))
            {
                await context.Error.WriteLineAsync($"error: the key ring '{path}' exists already; 'toolcatalog secrets rotate' adds a key to it.");
                return ExitCodes.Failure;
            }

            var ring = SecretKeyRing.Create(context.TimeProvider);
            ring.Save(path);
            await context.Output.WriteLineAsync($"Created the secrets key ring {path} (mode 0600) with key {ring.CurrentKeyId}. Back it up: without it, stored secrets cannot be read.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Status(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var command = new Command("status", "List the keys of the key ring (current, retired) and how many stored values each one wraps.") { connection };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var counts = (await store.CountSecretsByKeyAsync(cancellationToken)).ToDictionary(c => c.KeyId, c => c.Values, StringComparer.Ordinal);
            var path = SecretKeys.ResolvePath(context);
            if (store.SecretProtector is not SecretKeyRing ring)
            {
                await context.Output.WriteLineAsync($"No key ring at {path} ('toolcatalog secrets init' creates one).");
                ring = null!;
            }
            else
            {
                await context.Output.WriteLineAsync($"Key ring {path}:");
                foreach (var key in ring.Keys)
                {
                    var state = key.Retired is { } retired ? $"retired {retired:yyyy-MM-dd}" : key.KeyId == ring.CurrentKeyId ? "current" : "active";
                    await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {key.KeyId}  created {key.Created:yyyy-MM-dd}  {state}  {counts.GetValueOrDefault(key.KeyId)} value(s)"));
                }
            }

            foreach (var (kid, values) in counts.Where(c => ring?.Keys.All(k => k.KeyId != c.Key) ?? true))
            {
                await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {kid}  not in the key ring  {values} value(s) (they cannot be opened here)"));
            }

            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Rotate(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var reason = StoreCommandSupport.ReasonOption();
        var command = new Command("rotate", "Add a new current key and re-wrap every stored secret's data key under it (no new versions; audited as keys_rewrapped). Old keys keep opening values until retired.") { connection, reason };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            if (store.SecretProtector is not SecretKeyRing ring)
            {
                await context.Error.WriteLineAsync($"error: there is no key ring at {SecretKeys.ResolvePath(context)}; create one with 'toolcatalog secrets init'.");
                return ExitCodes.Failure;
            }

            // The new key is saved first: no value is ever wrapped under a key the file does not hold.
            var path = SecretKeys.ResolvePath(context);
            var rotated = ring.WithNewKey(context.TimeProvider);
            rotated.Save(path);
            var rewrapping = new ToolCatalogStore(store.DataSource, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ToolCatalogStore>.Instance, rotated);
            var outcome = await rewrapping.RewrapSecretsAsync(StoreCommandSupport.Change(result, reason), cancellationToken);
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Rotated to key {outcome.KeyId}: re-wrapped {outcome.Rewrapped} secret value(s) in {outcome.Versions} tool version(s){(outcome.Versions > 0 ? $" (revision {outcome.Revision})" : "")}. Older keys still open values until 'toolcatalog secrets retire KID'."));
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Retire(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var keyId = new Argument<string>("kid") { Description = "The key to retire (see 'toolcatalog secrets status')." };
        var command = new Command("retire", "Retire a key: its material is removed from the key ring. Refused while any stored value still uses it (rotate first).") { keyId, connection };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var kid = result.GetValue(keyId)!;
            if (store.SecretProtector is not SecretKeyRing ring)
            {
                await context.Error.WriteLineAsync($"error: there is no key ring at {SecretKeys.ResolvePath(context)}.");
                return ExitCodes.Failure;
            }

            var inUse = (await store.CountSecretsByKeyAsync(cancellationToken)).FirstOrDefault(c => c.KeyId == kid)?.Values ?? 0;
            if (inUse > 0)
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"error: key {kid} still wraps {inUse} stored secret value(s); retiring it would make them unreadable. Run 'toolcatalog secrets rotate' first, then retire it."));
                return ExitCodes.Failure;
            }

            ring.WithRetired(kid, context.TimeProvider).Save(SecretKeys.ResolvePath(context));
            await context.Output.WriteLineAsync($"Retired key {kid}: its material is removed from the key ring; no stored value used it.");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
