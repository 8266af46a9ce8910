using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Editing;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Validation;
using Spectre.Console;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog bulk-update --filter KEY=VALUE... --set PATH=VALUE... [--dry-run]</c>: changes fields across the tools a
/// filter selects, as new versions. Shows the diff first, validates every new version before writing, and publishes
/// them all in one transaction (one audit row per tool, with its field-by-field diff). The new version is the old one
/// with its last number incremented (<c>1.0</c> → <c>1.1</c>; see <see cref="ToolEditor.NextVersion"/>).
/// </summary>
internal static class BulkUpdateCommand
{
    private static readonly string[] FilterKeys = ["platform", "category", "capability", "tag", "status", "name"];

    public static Command Create(CliContext context)
    {
        var filters = new Option<string[]>("--filter")
        {
            Description = "Which tools: platform=P, category=C, capability=NAME, tag=T, status=S or name=GLOB (* and ? wildcards); repeatable, all must hold. Use name=* for every tool.",
            Required = true,
        };
        filters.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                if (ParseFilter(token.Value, out _, out _) is { } problem)
                {
                    r.AddError(problem);
                }
            }
        });
        var sets = new Option<string[]>("--set")
        {
            Description = "A change, PATH=VALUE (repeatable): policy.requires_approval=true (every pattern), metadata.owner=ops, defaults.freshness=recent, "
                + "capabilities.*.patterns.restart_service.policy.max_cost=50, description=\"…\". Values are YAML (true, 5, text, \"quoted\", [a, b]).",
            Required = true,
        };
        sets.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                try
                {
                    var assignment = FieldAssignment.Parse(token.Value);
                    if (ToolEditor.CheckPath(assignment.Path) is { } problem)
                    {
                        r.AddError($"--set {token.Value}: {problem}.");
                    }
                }
                catch (FormatException e)
                {
                    r.AddError($"--set {e.Message}");
                }
            }
        });
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the new versions and their diffs, and validate them, without writing anything." };
        var strict = new Option<bool>("--strict") { Description = "Validate the new versions in strict mode (default: lenient)." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation at a terminal." };
        var reason = StoreCommandSupport.ReasonOption();
        var format = StoreCommandSupport.FormatOption();
        var connection = StoreCommandSupport.ConnectionOption();
        var command = new Command("bulk-update", "Change a field across the tools a filter selects, as new versions (shown as a diff first, validated, audited).")
        {
            filters, sets, dryRun, strict, yes, reason, format, connection,
        };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var filter = new ToolFilter();
            Regex? nameGlob = null;
            foreach (var token in result.GetValue(filters) ?? [])
            {
                ParseFilter(token, out var key, out var value);
                switch (key)
                {
                    case "platform": filter = filter with { Platform = value }; break;
                    case "category": filter = filter with { Category = value }; break;
                    case "capability": filter = filter with { Capability = value }; break;
                    case "tag": filter = filter with { Tag = value }; break;
                    case "status": filter = filter with { Status = ToolStatusNames.TryParse(value, out var s) ? s : null }; break;
                    default: nameGlob = Glob(value); break;
                }
            }

            var assignments = (result.GetValue(sets) ?? []).Select(FieldAssignment.Parse).ToList();
            // The revision read before the tools: the import refuses the batch if any of them changed after it.
            var basedOn = await store.GetRevisionAsync(cancellationToken);
            var tools = (await store.ExportAsync(filter, cancellationToken: cancellationToken))
                .Where(t => nameGlob is null || nameGlob.IsMatch(t.Name))
                .ToList();
            var json = result.GetValue(format) == "json";
            if (tools.Count == 0)
            {
                if (json)
                {
                    await context.Output.WriteLineAsync(JsonSerializer.Serialize(new { database = StoreCommandSupport.DatabaseLocation(store), tools = Array.Empty<object>(), applied = false }, CliJson.Options));
                }
                else
                {
                    await context.Output.WriteLineAsync("No tool matches the filter; nothing to change.");
                    await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
                }

                return ExitCodes.Success;
            }

            var planned = new List<(ToolEdit Edit, ToolDefinition NewVersion)>();
            var problems = new List<string>();
            var validator = new ToolValidator(result.GetValue(strict) ? ValidationOptions.StrictOriginal : ValidationOptions.Lenient);
            foreach (var tool in tools)
            {
                ToolEdit edit;
                try
                {
                    edit = ToolEditor.Apply(tool, assignments);
                }
                catch (ArgumentException e)
                {
                    await context.Error.WriteLineAsync($"error: {e.Message}");
                    return ExitCodes.Usage;
                }

                if (!edit.Changed)
                {
                    continue;
                }

                var taken = (await store.ListVersionsAsync(tool.Name, cancellationToken)).Select(v => v.Version);
                var next = edit.Updated with { Version = ToolEditor.NextVersion(tool.Version, taken) };
                planned.Add((edit, next));
                foreach (var finding in validator.Validate(next).Errors)
                {
                    problems.Add($"{tool.Name} {next.Version}: {ValidateCommand.FormatFinding(finding)}");
                }
            }

            if (json)
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    database = StoreCommandSupport.DatabaseLocation(store),
                    matched = tools.Count,
                    dry_run = result.GetValue(dryRun),
                    tools = planned.Select(p => new
                    {
                        name = p.Edit.Original.Name,
                        from_version = p.Edit.Original.Version,
                        to_version = p.NewVersion.Version,
                        changes = p.Edit.Changes.Select(c => new { path = c.Path, old = c.OldValue, @new = c.NewValue }),
                    }),
                    problems,
                }, CliJson.Options));
            }
            else
            {
                foreach (var (edit, next) in planned)
                {
                    await context.Output.WriteLineAsync($"{edit.Original.Name} {edit.Original.Version} -> {next.Version}");
                    foreach (var diff in edit.Changes)
                    {
                        await context.Output.WriteLineAsync($"  {diff.Path}: {diff.OldValue ?? "(absent)"} -> {diff.NewValue}");
                    }
                }

                await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{tools.Count} {(tools.Count == 1 ? "tool matches" : "tools match")}; {planned.Count} would get a new version, {tools.Count - planned.Count} already {(tools.Count - planned.Count == 1 ? "has" : "have")} these values."));
            }

            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await context.Error.WriteLineAsync(problem);
                }

                await context.Error.WriteLineAsync($"error: {problems.Count} validation {(problems.Count == 1 ? "error" : "errors")} in the new versions (above); nothing was written. Change the --set values.");
                return ExitCodes.Failure;
            }

            if (planned.Count == 0 || result.GetValue(dryRun))
            {
                if (!json && planned.Count > 0)
                {
                    await context.Output.WriteLineAsync("Dry run: nothing was written.");
                }

                if (!json)
                {
                    await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
                }

                return ExitCodes.Success;
            }

            if (context.IsInteractive && context.Terminal is not null && !result.GetValue(yes)
                && !context.Terminal.Prompt(new ConfirmationPrompt($"Publish {planned.Count.ToString(CultureInfo.InvariantCulture)} new versions?") { DefaultValue = false }))
            {
                await context.Output.WriteLineAsync("Cancelled; nothing was written.");
                return ExitCodes.Failure;
            }

            // Refused, all or nothing, when a tool changed since it was read: the import checks each tool against the
            // revision read before them, inside its transaction.
            var change = StoreCommandSupport.Change(result, reason);
            change = change with { Reason = change.Reason ?? "bulk-update: " + string.Join(", ", assignments), ExpectedRevision = basedOn };
            ImportReport report;
            try
            {
                report = await store.ImportAsync([.. planned.Select(p => p.NewVersion)], new ImportOptions { Change = change }, cancellationToken);
            }
            catch (CatalogConflictException e)
            {
                await context.Error.WriteLineAsync($"error: {e.ToolName ?? "a tool"} changed while the update was prepared; nothing was written. Run the bulk update again.");
                return ExitCodes.Failure;
            }

            if (report.HasProblems)
            {
                foreach (var item in report.Items.Where(i => i.Outcome is ImportOutcome.Refused or ImportOutcome.Failed))
                {
                    await context.Error.WriteLineAsync($"error: {item.Name} {item.Version}: {item.Message}");
                }

                await context.Error.WriteLineAsync("Nothing was written (all or nothing).");
                return ExitCodes.Failure;
            }

            if (!json)
            {
                await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Published {report.Count(ImportOutcome.NewVersion)} new versions in one transaction; the catalog is at revision {report.Revision}. Each change is in the audit log; 'toolcatalog rollback NAME --to VERSION' undoes one."));
                await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    internal static string? ParseFilter(string token, out string key, out string value)
    {
        var at = token.IndexOf('=', StringComparison.Ordinal);
        key = at > 0 ? token[..at].Trim() : "";
        value = at > 0 ? token[(at + 1)..].Trim() : "";
        if (at <= 0 || value.Length == 0)
        {
            return $"--filter '{token}' is not KEY=VALUE; keys: {string.Join(", ", FilterKeys)}.";
        }

        if (!FilterKeys.Contains(key, StringComparer.Ordinal))
        {
            return $"--filter '{token}': '{key}' is not a filter; keys: {string.Join(", ", FilterKeys)}.";
        }

        return key == "status" && !ToolStatusNames.TryParse(value, out _)
            ? $"--filter '{token}': the status must be one of {string.Join(", ", ToolStatusNames.All)}."
            : null;
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
