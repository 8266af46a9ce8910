using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog telemetry recommend [--since 30d] [--tool NAME [--version V]] [--format table|json]</c>: recalibrates the
/// estimates of the latest version of each tool from its recorded executions and lists (and stores) the recommendations
/// that are clearly better on held-out records (decision 1503); <c>toolcatalog telemetry apply ID [--reason R]</c>
/// publishes one as a new version of its tool. Exit 0 on success (also when nothing is recommended), 1 when the operation
/// failed (an unknown, applied, superseded or stale recommendation), 2 on a usage error.
/// </summary>
internal static class TelemetryRecommendCommand
{
    public static Command Recommend(CliContext context)
    {
        var since = new Option<string>("--since")
        {
            Description = "How far back the executions go: hours (48h), days (30d) or weeks (4w). Default 30d.",
            DefaultValueFactory = _ => "30d",
        };
        since.Validators.Add(r =>
        {
            if (Age(r.GetValueOrDefault<string>()) is null)
            {
                r.AddError("--since: must be a whole number of hours, days or weeks from 1 hour to 36500 days, such as 48h, 30d or 4w");
            }
        });
        var tool = new Option<string?>("--tool") { Description = "Only this tool (default: every tool)." };
        var version = StoreCommandSupport.VersionOption("This version of --tool (default: the latest version of each tool).");
        version.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is not null && r.Parent?.GetValue(tool) is null)
            {
                r.AddError("--version: needs --tool (a version of which tool?)");
            }
        });
        var format = new Option<string>("--format", "-f")
        {
            Description = "Output format: table (text) or json.",
            DefaultValueFactory = _ => "table",
        }.AcceptOnlyFromAmong("table", "text", "json");
        var connection = StoreCommandSupport.ConnectionOption();
        var command = new Command("recommend", "Recalibrate estimate expressions from recorded executions; lists (and stores) those clearly better on held-out data.")
        {
            since, tool, version, format, connection,
        };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var run = await store.RecommendAsync(new RecommendationOptions
            {
                Window = Age(result.GetValue(since))!.Value,
                Tool = result.GetValue(tool),
                Version = result.GetValue(version),
            }, cancellationToken);
            if (result.GetValue(format) == "json")
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    database = StoreCommandSupport.DatabaseLocation(store),
                    since = run.Since.ToString("O", CultureInfo.InvariantCulture),
                    recommendations = run.Recommendations.Select(static r => new
                    {
                        tool = r.Tool,
                        version = r.Version,
                        capability = r.Capability,
                        pattern = r.Pattern,
                        field = r.Field,
                        current = r.Current,
                        recommended = r.Recommended,
                        samples = r.Samples,
                        current_error = Math.Round(r.CurrentError, 2),
                        recommended_error = Math.Round(r.RecommendedError, 2),
                        id = r.Id,
                        evidence = JsonNode.Parse(r.Evidence),
                    }),
                    not_recommended = run.NotRecommended.Select(static n => new
                    {
                        tool = n.Tool,
                        version = n.Version,
                        capability = n.Capability,
                        pattern = n.Pattern,
                        field = n.Field,
                        current = n.Current,
                        samples = n.Samples,
                        reason = n.Reason,
                    }),
                }, CliJson.Options));
                return ExitCodes.Success;
            }

            if (run.Recommendations.Count == 0)
            {
                await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"No recommendation: {run.NotRecommended.Count} {(run.NotRecommended.Count == 1 ? "estimate" : "estimates")} with executions since {run.Since:yyyy-MM-dd HH:mm}Z examined, none clearly better recalibrated."));
            }
            else
            {
                await TextTable.WriteAsync(context.Output,
                    ["ID", "TOOL", "VERSION", "CAPABILITY/PATTERN", "FIELD", "CURRENT", "RECOMMENDED", "SAMPLES", "ERROR"],
                    run.Recommendations.Select(static r => new[]
                    {
                        r.Id.ToString(CultureInfo.InvariantCulture), r.Tool, r.Version, $"{r.Capability}/{r.Pattern}", r.Field, r.Current, r.Recommended,
                        r.Samples.ToString(CultureInfo.InvariantCulture),
                        string.Create(CultureInfo.InvariantCulture, $"{r.CurrentError:0.0} % -> {r.RecommendedError:0.0} %"),
                    }));
                await context.Output.WriteLineAsync("Errors: median absolute percentage error on the newest 30 % of the executions, held out from the fit. Apply one with 'toolcatalog telemetry apply ID'.");
            }

            foreach (var n in run.NotRecommended)
            {
                await context.Output.WriteLineAsync($"Left alone: {n.Tool} {n.Version} {n.Capability}/{n.Pattern} {n.Field} '{n.Current}': {n.Reason}.");
            }

            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    public static Command Apply(CliContext context)
    {
        var id = new Argument<long>("id") { Description = "The recommendation's id (the ID column of 'toolcatalog telemetry recommend')." };
        var reason = StoreCommandSupport.ReasonOption();
        var format = StoreCommandSupport.FormatOption();
        var connection = StoreCommandSupport.ConnectionOption();
        var command = new Command("apply", "Publish a new version of a tool with a recommended estimate (validated, audited with the evidence; 'toolcatalog rollback' undoes it).")
        {
            id, reason, format, connection,
        };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var applied = await store.ApplyRecommendationAsync(result.GetValue(id), StoreCommandSupport.Change(result, reason), cancellationToken);
            var r = applied.Recommendation;
            if (result.GetValue(format) == "json")
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    database = StoreCommandSupport.DatabaseLocation(store),
                    id = r.Id,
                    tool = r.Tool,
                    from_version = applied.PreviousVersion,
                    to_version = applied.NewVersion,
                    capability = r.Capability,
                    pattern = r.Pattern,
                    field = r.Field,
                    old = r.Current,
                    @new = r.Recommended,
                    revision = applied.Revision,
                    reason = applied.Reason,
                }, CliJson.Options));
                return ExitCodes.Success;
            }

            await context.Output.WriteLineAsync(
                $"{r.Tool} {applied.PreviousVersion} -> {applied.NewVersion} (catalog revision {applied.Revision}): {r.Capability}/{r.Pattern} {r.Field} '{r.Current}' -> '{r.Recommended}'.");
            await context.Output.WriteLineAsync($"Undo with: toolcatalog rollback {r.Tool} --to {applied.PreviousVersion}");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>An age like <c>48h</c>, <c>30d</c> or <c>4w</c>, or null when it is not one.</summary>
    internal static TimeSpan? Age(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2
            || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return null;
        }

        var hours = char.ToLowerInvariant(text[^1]) switch { 'h' => count, 'd' => count * 24L, 'w' => count * 24L * 7, _ => -1L };
        return hours is >= 1 and <= 36_500 * 24 ? TimeSpan.FromHours(hours) : null;
    }
}
