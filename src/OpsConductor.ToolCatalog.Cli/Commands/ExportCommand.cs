using System.CommandLine;
using System.Globalization;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog export DIR [--platform …] [--category …] [--status …] [--capability …] [--tag …] [--all-versions]
/// [--force]</c>: writes the catalog as canonical YAML files, <c>platform/tool.yaml</c>, which <c>toolcatalog import</c>
/// reads back into an identical catalog.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("dir") { Description = "The folder to write (created when missing; must be empty unless --force)." };
        var platform = new Option<string?>("--platform") { Description = "Only tools of this platform." };
        var category = new Option<string?>("--category") { Description = "Only tools of this category." };
        var status = new Option<string?>("--status") { Description = $"Only tools with this status ({string.Join(", ", ToolStatusNames.All)})." };
        status.AcceptOnlyFromAmong([.. ToolStatusNames.All]);
        var capability = new Option<string?>("--capability") { Description = "Only tools with this capability." };
        var tag = new Option<string?>("--tag") { Description = "Only tools with this tag in their metadata." };
        var allVersions = new Option<bool>("--all-versions")
        {
            Description = $"Every version that is not deleted, as platform/tool/NNN-version.yaml in history order (latest last), instead of each tool's latest as platform/tool.yaml.",
        };
        var force = new Option<bool>("--force") { Description = "Write into a folder that already holds files (files of the same name are replaced, others left alone)." };
        var includeSecrets = new Option<bool>("--include-secrets")
        {
            Description = "Write secret values in plain text (!secret \"value\"), opened with the key ring, instead of the mask !secret \"********\" (the CLI has direct database access, so it acts as an administrator). Keep such files safe.",
        };
        var connection = StoreCommandSupport.ConnectionOption();
        var tenant = StoreCommandSupport.TenantOption();
        var command = new Command("export", $"Export the catalog (or part of it) to a folder of canonical YAML files, platform/tool.yaml (tools without a platform go under {CatalogFiles.NoPlatformFolder}/).")
        {
            directory, platform, category, status, capability, tag, allVersions, force, includeSecrets, connection, tenant,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            // The target is checked before the database is opened: a file, or a folder that already holds files, is
            // refused without connecting (and without changing anything).
            var given = result.GetValue(directory)!;
            var target = context.ResolvePath(given);
            if (File.Exists(target))
            {
                await context.Error.WriteLineAsync($"error: dir: '{given}' is a file; export writes a folder tree (the folder is created when missing). Give a folder.");
                return ExitCodes.Usage;
            }

            if (!result.GetValue(force) && Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                await context.Error.WriteLineAsync($"error: the folder '{given}' is not empty. Export into a new or empty folder, or pass --force to replace files of the same name.");
                return ExitCodes.Failure;
            }

            return await StoreCommandSupport.RunAsync(context, result, connection, store => ExportAsync(context, result, store, target, cancellationToken), cancellationToken);
        });
        return command;

        async Task<int> ExportAsync(CliContext context, ParseResult result, ToolCatalogStore store, string target, CancellationToken cancellationToken)
        {
            var options = new CatalogExportOptions
            {
                Filter = new ToolFilter
                {
                    Platform = result.GetValue(platform),
                    Category = result.GetValue(category),
                    Status = ToolStatusNames.TryParse(result.GetValue(status), out var parsed) ? parsed : null,
                    Capability = result.GetValue(capability),
                    Tag = result.GetValue(tag),
                },
                AllVersions = result.GetValue(allVersions),
                Overwrite = result.GetValue(force),
                IncludeSecrets = result.GetValue(includeSecrets),
            };
            IReadOnlyList<ExportedFile> written;
            try
            {
                written = await CliProgress.RunAsync(context, worthShowing: true,
                    progress => CatalogFiles.ExportAsync(store, target, options, progress, cancellationToken));
            }
            catch (CatalogFilesException e)
            {
                await context.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Failure;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await context.Error.WriteLineAsync($"error: the folder '{result.GetValue(directory)}' could not be written: {e.Message}");
                return ExitCodes.Failure;
            }

            foreach (var file in written)
            {
                await context.Output.WriteLineAsync($"{file.RelativePath}  ({file.Name} {file.Version})");
            }

            var folders = written.Select(f => f.RelativePath.Split('/')[0]).Distinct(StringComparer.Ordinal).Count();
            await context.Output.WriteLineAsync(written.Count == 0
                ? "No tool matches; nothing was written."
                : string.Create(CultureInfo.InvariantCulture,
                    $"Exported {written.Count} tool {(written.Count == 1 ? "version" : "versions")} to {result.GetValue(directory)} ({folders} platform {(folders == 1 ? "folder" : "folders")}). 'toolcatalog import {result.GetValue(directory)}' reads them back."));
            return ExitCodes.Success;
        }
    }
}
