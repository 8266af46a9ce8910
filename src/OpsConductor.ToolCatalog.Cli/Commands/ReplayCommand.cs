using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Decisions;
using OpsConductor.ToolCatalog.Files;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog replay --draft PATH [--since 7d] [--limit N] [--format table|json]</c>: what-if replay
/// (<see cref="DecisionReplay"/>). The draft (a tool YAML file or a folder of them) is validated as <c>import</c>
/// validates it — a bad draft is refused with each file, field and rule on standard error and exit 1, before the
/// database is read — then the decisions logged in the window are run again against the stored catalog with and without
/// the draft, and the ones that would change are listed (before → after: tool, pattern, estimated time and cost) with a
/// summary. Reads only. Exit 0 after a replay (changes or not), 1 when the draft is invalid or the database fails, 2 on
/// a usage error.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context)
    {
        var draft = new Option<string>("--draft")
        {
            Description = "The draft: a tool YAML file or a folder of them (validated like import). A draft tool replaces the stored tool of the same name, or is added.",
            Required = true,
        };
        var since = new Option<string>("--since")
        {
            Description = "How far back to read the decision log: hours, days or weeks (24h, 7d, 2w). Default 7d.",
            DefaultValueFactory = _ => "7d",
        };
        since.Validators.Add(r =>
        {
            if (Window(r.GetValueOrDefault<string>()) is null)
            {
                r.AddError("--since: must be a whole number of hours, days or weeks from 1 hour to 36500 days, such as 24h, 7d or 2w");
            }
        });
        var limit = new Option<int>("--limit") { Description = "The most decisions replayed, newest first (default 10000, at most 1000000).", DefaultValueFactory = _ => 10_000 };
        limit.Validators.Add(r =>
        {
            if (r.TryGetValue<int>(out var n) && n is < 1 or > 1_000_000)
            {
                r.AddError("--limit: must be from 1 to 1000000");
            }
        });
        var format = new Option<string>("--format", "-f")
        {
            Description = "Output format: table (text) or json.",
            DefaultValueFactory = _ => "table",
        }.AcceptOnlyFromAmong("table", "text", "json");
        var connection = StoreCommandSupport.ConnectionOption();
        var command = new Command("replay", "What if: run the logged selection decisions again with a draft of changed tools laid over the catalog, and list the decisions that would change. Writes nothing.")
        {
            draft, since, limit, format, connection,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var given = result.GetValue(draft)!;
            var path = context.ResolvePath(given);
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                await context.Error.WriteLineAsync($"error: --draft: the path '{given}' does not exist.");
                return ExitCodes.Usage;
            }

            var set = new CatalogFiles().Load([given], context.WorkingDirectory, null, cancellationToken);
            if (!set.IsValid)
            {
                foreach (var finding in set.Errors)
                {
                    await context.Error.WriteLineAsync(finding.ToString());
                }

                await context.Error.WriteLineAsync($"error: the draft '{given}' has {set.InvalidFiles.Count()} invalid file(s) (listed above); nothing was replayed. 'toolcatalog validate {given}' checks it.");
                return ExitCodes.Failure;
            }

            var tools = set.Tools;
            if (tools.Count == 0)
            {
                await context.Error.WriteLineAsync($"error: the draft '{given}' holds no tool file; nothing was replayed.");
                return ExitCodes.Failure;
            }

            var window = Window(result.GetValue(since))!.Value;
            var json = result.GetValue(format) == "json";
            return await StoreCommandSupport.RunAsync(context, result.GetValue(connection), async (store, origin) =>
            {
                var report = await new DecisionReplay(store, timeProvider: context.TimeProvider).ReplayAsync(tools, window, result.GetValue(limit), cancellationToken);
                if (json)
                {
                    await WriteJsonAsync(context, given, tools.Select(t => t.Name), report, StoreCommandSupport.DatabaseLocation(store));
                }
                else
                {
                    await WriteTableAsync(context, given, result.GetValue(since)!, tools.Select(t => t.Name), report);
                    await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
                }

                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>A window like <c>24h</c>, <c>7d</c> or <c>2w</c>, or null when it is not one.</summary>
    internal static TimeSpan? Window(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2
            || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return null;
        }

        var hours = char.ToLowerInvariant(text[^1]) switch { 'h' => count, 'd' => count * 24, 'w' => count * 24 * 7, _ => -1 };
        return hours is >= 1 and <= 36_500 * 24 ? TimeSpan.FromHours(hours) : null;
    }

    private static async Task WriteTableAsync(CliContext context, string draft, string since, IEnumerable<string> tools, DecisionReplayReport report)
    {
        var output = context.Output;
        await output.WriteLineAsync($"Replayed {report.Replayed} of {report.Read} logged {Plural(report.Read, "decision")} since {report.Since.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}Z (--since {since}) against revision {report.Revision.ToString(CultureInfo.InvariantCulture)} with the draft {draft} ({string.Join(", ", tools)}).");
        if (report.Changes.Count > 0)
        {
            await output.WriteLineAsync();
            await TextTable.WriteAsync(
                output,
                ["DECIDED (UTC)", "SELECTION", "CAPABILITY", "CHANGE", "BEFORE", "AFTER"],
                report.Changes.Select(c => new[]
                {
                    c.DecidedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    c.SelectionId,
                    string.Join(",", c.Capabilities),
                    Kind(c.Kind),
                    Describe(c.Before),
                    Describe(c.After),
                }));
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Summary: {report.Replayed} replayed, {report.Changed} would change ({report.NewlyWithoutCandidate} left without any candidate, {report.NewlyWithCandidate} newly with one), {report.EstimateChanged} same choice with another estimate, {report.Unchanged} unchanged."));
        if (report.Unreadable > 0)
        {
            await output.WriteLineAsync($"{report.Unreadable} logged {Plural(report.Unreadable, "decision")} could not be run again, e.g. {report.FirstProblem}");
        }

        if (report.Read == 0)
        {
            await output.WriteLineAsync("No decision is logged in the window: enable the decision log in the orchestrator (AddToolCatalog(...).ConfigureDecisionLog(o => o.Enabled = true)) or widen --since.");
        }
    }

    private static Task WriteJsonAsync(CliContext context, string draft, IEnumerable<string> tools, DecisionReplayReport report, string database) =>
        context.Output.WriteLineAsync(JsonSerializer.Serialize(new
        {
            database,
            draft,
            draft_tools = tools,
            since = report.Since.ToString("O", CultureInfo.InvariantCulture),
            revision = report.Revision,
            read = report.Read,
            replayed = report.Replayed,
            changed = report.Changed,
            estimate_changed = report.EstimateChanged,
            unchanged = report.Unchanged,
            newly_without_candidate = report.NewlyWithoutCandidate,
            newly_with_candidate = report.NewlyWithCandidate,
            unreadable = report.Unreadable,
            first_problem = report.FirstProblem,
            changes = report.Changes.Select(c => new
            {
                selection_id = c.SelectionId,
                decided_at = c.DecidedAt.ToString("O", CultureInfo.InvariantCulture),
                catalog_revision = c.CatalogRevision,
                capabilities = c.Capabilities,
                change = Kind(c.Kind),
                logged = Json(c.Logged),
                before = Json(c.Before),
                after = Json(c.After),
            }),
        }, CliJson.Options));

    private static object? Json(ReplayChoice? choice) => choice is null ? null : new
    {
        tool = choice.Tool,
        version = choice.Version,
        capability = choice.Capability,
        pattern = choice.Pattern,
        estimated_time_ms = double.IsFinite(choice.EstimatedTimeMs) ? choice.EstimatedTimeMs : (double?)null,
        estimated_cost = double.IsFinite(choice.EstimatedCost) ? choice.EstimatedCost : (double?)null,
        score = double.IsFinite(choice.Score) ? choice.Score : (double?)null,
    };

    private static string Kind(DecisionChangeKind kind) => kind switch
    {
        DecisionChangeKind.ChoiceChanged => "choice",
        DecisionChangeKind.EstimateChanged => "estimate",
        DecisionChangeKind.NoCandidate => "no_candidate",
        DecisionChangeKind.NewCandidate => "new_candidate",
        _ => "unchanged",
    };

    private static string Describe(ReplayChoice? choice) => choice is null
        ? "no candidate"
        : string.Create(CultureInfo.InvariantCulture, $"{choice.Tool}.{choice.Pattern} {choice.EstimatedTimeMs:0.###} ms, cost {choice.EstimatedCost:0.###}");

    private static string Plural(int count, string word) => count == 1 ? word : word + "s";
}
