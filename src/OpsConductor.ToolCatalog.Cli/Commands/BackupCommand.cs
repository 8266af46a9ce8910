using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog backup FILE [--include-telemetry]</c> and <c>toolcatalog restore FILE [--force]</c>: a consistent,
/// checksummed archive of the whole catalog (<see cref="ToolCatalogStore.BackupAsync"/>) and its restore into an empty
/// migrated database (<see cref="ToolCatalogStore.RestoreAsync"/>). Exit 0 on success; 1 when the file is missing or
/// cannot be written, the archive is damaged, the schema versions differ or the target is not empty; 2 on a usage error.
/// </summary>
internal static class BackupCommand
{
    public static Command Backup(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The archive to write (replaced when it exists; written to FILE.partial first, so a failed backup leaves no half archive)." };
        var telemetry = new Option<bool>("--include-telemetry") { Description = "Also the telemetry and the decision log (default: the catalog, its audit, change feed, API keys' hashes, recommendations and A/B tests)." };
        var connection = StoreCommandSupport.ConnectionOption();
        var format = StoreCommandSupport.FormatOption();
        var command = new Command("backup", "Write a consistent, checksummed archive of the whole catalog (one snapshot; every version, the audit log with its hash chain, experiments, API keys' hashes; telemetry with --include-telemetry).")
        {
            file, telemetry, connection, format,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var given = result.GetValue(file)!;
            var path = context.ResolvePath(given);
            return await StoreCommandSupport.RunAsync(context, result.GetValue(connection), async (store, _) =>
            {
                var partial = path + ".partial";
                BackupSummary summary;
                try
                {
                    var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                    await using (stream)
                    {
                        summary = await store.BackupAsync(stream, new BackupOptions { IncludeTelemetry = result.GetValue(telemetry) }, cancellationToken);
                    }

                    File.Move(partial, path, overwrite: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    TryDelete(partial);
                    await context.Error.WriteLineAsync($"error: cannot write the archive '{given}': {e.Message}");
                    return ExitCodes.Failure;
                }
                catch
                {
                    TryDelete(partial);
                    throw;
                }

                return await ReportAsync(context, store, "backup", given, summary, result.GetValue(format) == "json");
            }, cancellationToken);
        });
        return command;
    }

    public static Command Restore(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "An archive written by 'toolcatalog backup'." };
        var force = new Option<bool>("--force") { Description = "Restore into a database whose catalog is not empty: its catalog (telemetry included) is replaced, in one transaction." };
        var connection = StoreCommandSupport.ConnectionOption();
        var format = StoreCommandSupport.FormatOption();
        var command = new Command("restore", "Restore an archive written by 'toolcatalog backup' into an empty migrated database at the same schema version: ids, revisions and the audit chain as they were. The archive's checksums are verified before anything is written.")
        {
            file, force, connection, format,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var given = result.GetValue(file)!;
            var path = context.ResolvePath(given);
            if (!File.Exists(path))
            {
                await context.Error.WriteLineAsync($"error: the archive '{given}' does not exist. Nothing was written.");
                return ExitCodes.Failure;
            }

            return await StoreCommandSupport.RunAsync(context, result.GetValue(connection), async (store, _) =>
            {
                BackupSummary summary;
                try
                {
                    var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
                    await using (stream)
                    {
                        summary = await store.RestoreAsync(stream, new RestoreOptions { Force = result.GetValue(force) }, cancellationToken);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await context.Error.WriteLineAsync($"error: cannot read the archive '{given}': {e.Message}. Nothing was written.");
                    return ExitCodes.Failure;
                }
                catch (ToolCatalogException e)
                {
                    await context.Error.WriteLineAsync($"error: {given}: {e.Message}");
                    return ExitCodes.Failure;
                }

                return await ReportAsync(context, store, "restore", given, summary, result.GetValue(format) == "json");
            }, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ReportAsync(CliContext context, ToolCatalogStore store, string verb, string file, BackupSummary summary, bool json)
    {
        if (json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                database = StoreCommandSupport.DatabaseLocation(store),
                file,
                format_version = summary.FormatVersion,
                schema_version = summary.SchemaVersion,
                created_at = summary.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                revision = summary.Revision,
                audit_head = summary.AuditHead,
                includes_telemetry = summary.IncludesTelemetry,
                tables = summary.Tables.Select(t => new { name = t.Name, rows = t.Rows, bytes = t.Bytes, sha256 = t.Sha256 }),
            }, CliJson.Options));
            return ExitCodes.Success;
        }

        var rows = summary.Tables.Sum(t => t.Rows);
        var telemetry = summary.IncludesTelemetry ? ", telemetry included" : ", without telemetry";
        await context.Output.WriteLineAsync(verb == "backup"
            ? string.Create(CultureInfo.InvariantCulture, $"Backed up the catalog at revision {summary.Revision} (schema version {summary.SchemaVersion}) to {file}: {rows} rows in {summary.Tables.Count} tables{telemetry}.")
            : string.Create(CultureInfo.InvariantCulture, $"Restored {file} (taken {summary.CreatedAt:yyyy-MM-dd HH:mm:ss}Z at revision {summary.Revision}): {rows} rows in {summary.Tables.Count} tables{telemetry}."));
        foreach (var table in summary.Tables)
        {
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {table.Name,-26} {table.Rows,10} rows  sha256 {table.Sha256}"));
        }

        if (summary.AuditHead is not null)
        {
            await context.Output.WriteLineAsync($"Audit head: {summary.AuditHead} (check with 'toolcatalog audit verify --expect-head {summary.AuditHead}')");
        }

        await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
        return ExitCodes.Success;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The half-written archive stays; its name ends in .partial.
        }
    }
}
