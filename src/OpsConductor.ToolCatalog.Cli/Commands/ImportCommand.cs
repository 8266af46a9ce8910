using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Validation;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog import PATH... [--dry-run] [--strict] [--per-file]</c>: validates every file first, then imports the
/// tools in one transaction (all or nothing) or file by file. Exit 0 when everything was imported (or was unchanged),
/// 1 when a file is invalid or a tool was refused, 2 on a usage error (a path that does not exist, a folder with no
/// YAML file).
/// </summary>
internal static class ImportCommand
{
    /// <summary>From this many files on, a terminal shows progress bars.</summary>
    private const int ProgressThreshold = 20;

    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Tool files or folders (searched recursively for *.yaml and *.yml; files in a folder that are not tool files, such as the template, are skipped and listed).",
            Arity = ArgumentArity.OneOrMore,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would change (new tool, new version, unchanged, refused) without writing anything." };
        var strict = new Option<bool>("--strict") { Description = "Validate with the original validate_tool.py's rules (default: lenient, which accepts the whole original corpus)." };
        var perFile = new Option<bool>("--per-file") { Description = "Import file by file: invalid files and refused tools are reported and left out, the rest is imported (default: all or nothing)." };
        var connection = StoreCommandSupport.ConnectionOption();
        var reason = StoreCommandSupport.ReasonOption();
        var format = StoreCommandSupport.FormatOption();
        var tenant = StoreCommandSupport.TenantOption();
        var command = new Command("import", "Import tool YAML files (canonical, list form or profiles) into the catalog, validating everything first.")
        {
            paths, dryRun, strict, perFile, connection, tenant, reason, format,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var files = new CatalogFiles(result.GetValue(strict) ? ValidationOptions.StrictOriginal : ValidationOptions.Lenient);
            var given = result.GetValue(paths) ?? [];
            if (await CheckPathsAsync(context, given) is { } usage)
            {
                return usage;
            }

            var count = given.Sum(p => Directory.Exists(context.ResolvePath(p)) ? Yaml.ToolYamlReader.EnumerateYamlFiles(context.ResolvePath(p)).Count : 1);
            var set = await CliProgress.RunAsync(context, count >= ProgressThreshold,
                progress => Task.FromResult(files.Load(given, context.WorkingDirectory, progress, cancellationToken)));
            var options = new CatalogImportOptions
            {
                DryRun = result.GetValue(dryRun),
                PerFile = result.GetValue(perFile),
                Change = StoreCommandSupport.Change(result, reason),
            };
            var json = result.GetValue(format) == "json";
            if (!set.IsValid && !options.PerFile)
            {
                var refused = CatalogImportResult.RefusedByInvalidFiles(set, options.DryRun);
                await (json ? WriteJsonAsync(context.Output, refused) : WriteTextAsync(context.Output, refused, verbose: true));
                return ExitCodes.Failure;
            }

            return await StoreCommandSupport.RunAsync(context, result.GetValue(connection), async (store, _) =>
            {
                var imported = await CliProgress.RunAsync(context, count >= ProgressThreshold,
                    progress => CatalogFiles.ImportAsync(store, set, options, progress, cancellationToken));
                if (json)
                {
                    await WriteJsonAsync(context.Output, imported, StoreCommandSupport.DatabaseLocation(store));
                }
                else
                {
                    await WriteTextAsync(context.Output, imported, verbose: true);
                    await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
                }

                return imported.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
            }, cancellationToken, StoreCommandSupport.TenantOf(result));
        });
        return command;
    }

    /// <summary>A path that does not exist, or a folder without YAML, is a usage error: nothing is read.</summary>
    internal static async Task<int?> CheckPathsAsync(CliContext context, IEnumerable<string> paths)
    {
        var errors = new List<string>();
        foreach (var path in paths)
        {
            var full = context.ResolvePath(path);
            if (Directory.Exists(full))
            {
                if (Yaml.ToolYamlReader.EnumerateYamlFiles(full).Count == 0)
                {
                    errors.Add($"the folder '{path}' holds no *.yaml or *.yml file");
                }
            }
            else if (!File.Exists(full))
            {
                errors.Add($"the path '{path}' does not exist");
            }
        }

        if (errors.Count == 0)
        {
            return null;
        }

        foreach (var error in errors)
        {
            await context.Error.WriteLineAsync($"error: {error}");
        }

        await context.Error.WriteLineAsync("Nothing was imported. Give tool YAML files or folders of them ('toolcatalog import --help').");
        return ExitCodes.Usage;
    }

    /// <summary>Problems first (every finding of every invalid file), then skipped files, each changed tool, and a summary.</summary>
    internal static async Task WriteTextAsync(TextWriter output, CatalogImportResult result, bool verbose)
    {
        foreach (var file in result.Files.InvalidFiles)
        {
            await output.WriteLineAsync($"✗ {file.DisplayPath}");
            foreach (var finding in file.Errors)
            {
                await output.WriteLineAsync("  " + ValidateCommand.FormatFinding(finding));
            }
        }

        if (verbose)
        {
            foreach (var file in result.Files.SkippedFiles)
            {
                await output.WriteLineAsync($"- {file.DisplayPath}: skipped, {file.SkipReason}");
            }

            foreach (var item in result.Items.Where(i => i.Outcome != ImportOutcome.Unchanged))
            {
                await output.WriteLineAsync($"{Mark(item.Outcome)} {item.Name} {item.Version}: {Describe(item.Outcome, result.DryRun)}{(item.Message is null ? "" : " — " + item.Message)} ({item.File})");
            }
        }

        await output.WriteLineAsync(Summary(result));
    }

    internal static string Summary(CatalogImportResult result)
    {
        var files = result.Files;
        var read = string.Create(CultureInfo.InvariantCulture,
            $"{files.Files.Count} {Plural(files.Files.Count, "file")} read ({files.Files.Count(f => f.Status == CatalogFileStatus.Tools)} with tools, {files.SkippedFiles.Count()} skipped, {files.InvalidFiles.Count()} invalid; {files.WarningCount} {Plural(files.WarningCount, "warning")}, {(files.Strict ? "strict" : "lenient")} mode)");
        if (result.RefusedByValidation)
        {
            var errors = files.Errors.Count;
            return string.Create(CultureInfo.InvariantCulture,
                $"{read}.\nNothing was imported: {errors} {Plural(errors, "error")} in {files.InvalidFiles.Count()} {Plural(files.InvalidFiles.Count(), "file")}. Fix them (or pass --per-file to import the valid files only) and run the import again.");
        }

        if (result.Report is null)
        {
            return $"{read}.\nNo tool to import.";
        }

        var counts = string.Join(", ", new[]
        {
            (ImportOutcome.NewTool, "new"), (ImportOutcome.NewVersion, "new version"), (ImportOutcome.Unchanged, "unchanged"),
            (ImportOutcome.StateChanged, "state changed"), (ImportOutcome.Restored, "restored"), (ImportOutcome.Refused, "refused"), (ImportOutcome.Failed, "failed"),
        }.Where(c => result.Count(c.Item1) > 0 || c.Item1 is ImportOutcome.NewTool or ImportOutcome.Unchanged)
         .Select(c => string.Create(CultureInfo.InvariantCulture, $"{result.Count(c.Item1)} {c.Item2}")));
        var tools = string.Create(CultureInfo.InvariantCulture, $"{result.Items.Count} {Plural(result.Items.Count, "tool")}: {counts}");
        string outcome;
        if (result.DryRun)
        {
            outcome = "Dry run: nothing was written.";
        }
        else if (result.Report.HasProblems && !result.PerFile)
        {
            outcome = "Nothing was imported (all or nothing): fix the refused tools, or pass --per-file to import the others.";
        }
        else if (result.Applied)
        {
            outcome = string.Create(CultureInfo.InvariantCulture, $"Imported{(result.Succeeded ? "" : " what could be (the rest is listed above)")}; the catalog is at revision {result.Revision}.");
        }
        else if (!result.Succeeded)
        {
            outcome = string.Create(CultureInfo.InvariantCulture, $"Nothing was written (the problems are listed above); the catalog stays at revision {result.Revision}.");
        }
        else
        {
            outcome = string.Create(CultureInfo.InvariantCulture, $"Nothing to change; the catalog stays at revision {result.Revision}.");
        }

        return $"{read}.\n{tools}.\n{outcome}";
    }

    /// <summary>The result as one JSON object; <paramref name="database"/> (<c>host:port/database</c>) is null when no
    /// database was used (files refused before connecting).</summary>
    private static async Task WriteJsonAsync(TextWriter output, CatalogImportResult result, string? database = null)
    {
        await output.WriteLineAsync(JsonSerializer.Serialize(new
        {
            database,
            dry_run = result.DryRun,
            applied = result.Applied,
            succeeded = result.Succeeded,
            refused_by_validation = result.RefusedByValidation,
            revision = result.Revision,
            mode = result.Files.Strict ? "strict" : "lenient",
            files = result.Files.Files.Select(f => new
            {
                file = f.DisplayPath,
                status = f.Status.ToString().ToLowerInvariant(),
                shape = f.Shape.ToString(),
                skip_reason = f.SkipReason,
                tools = f.Tools.Select(t => t.Name),
                errors = f.Errors.Select(e => new { code = e.Code, path = e.Path, line = e.Line, column = e.Column, message = e.Message }),
                warnings = f.Findings.Count(x => !x.IsError),
            }),
            tools = result.Items.Select(i => new { name = i.Name, version = i.Version, outcome = Wire(i.Outcome), message = i.Message, file = i.File }),
        }, CliJson.Options));
    }

    private static string Mark(ImportOutcome outcome) => outcome switch
    {
        ImportOutcome.NewTool => "+",
        ImportOutcome.NewVersion => "↑",
        ImportOutcome.Unchanged => "=",
        ImportOutcome.StateChanged or ImportOutcome.Restored => "~",
        _ => "✗",
    };

    private static string Describe(ImportOutcome outcome, bool dryRun) => (outcome, dryRun) switch
    {
        (ImportOutcome.NewTool, false) => "new tool",
        (ImportOutcome.NewTool, true) => "would be a new tool",
        (ImportOutcome.NewVersion, false) => "new version (now the latest)",
        (ImportOutcome.NewVersion, true) => "would be a new version",
        (ImportOutcome.StateChanged, false) => "status/enabled updated",
        (ImportOutcome.StateChanged, true) => "status/enabled would be updated",
        (ImportOutcome.Restored, false) => "restored",
        (ImportOutcome.Restored, true) => "would be restored",
        (ImportOutcome.Refused, _) => "refused",
        (ImportOutcome.Failed, _) => "failed",
        _ => "unchanged",
    };

    private static string Wire(ImportOutcome outcome) => outcome switch
    {
        ImportOutcome.NewTool => "new_tool",
        ImportOutcome.NewVersion => "new_version",
        ImportOutcome.StateChanged => "state_changed",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    private static string Plural(int count, string word) => count == 1 ? word : word + "s";
}
