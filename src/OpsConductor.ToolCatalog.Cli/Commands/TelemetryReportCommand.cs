using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary><c>toolcatalog telemetry report</c>: the telemetry report over a window (issue 15, decision 1502).</summary>
internal static class TelemetryReportCommand
{
    public static Command Create(CliContext context)
    {
        var since = TimeOption("--since", "The start of the window: an age (30m, 12h, 7d, 2w) or an ISO 8601 timestamp with an offset (default 7d).", context);
        since.DefaultValueFactory = _ => "7d";
        var until = TimeOption("--until", "The end of the window (exclusive): an age or a timestamp as --since (default now).", context);
        var tool = new Option<string?>("--tool") { Description = "Only this tool (every version)." };
        var capability = new Option<string?>("--capability") { Description = "Only capabilities of this name." };
        var environment = new Option<string?>("--environment") { Description = "Only executions recorded in this environment." };
        var driftSamples = new Option<int>("--drift-samples")
        {
            Description = "How many of each pattern's most recent executions the drift detector reads: 40 to 100000, or 0 for none (default 2000).",
            DefaultValueFactory = _ => 2_000,
        };
        driftSamples.Validators.Add(r =>
        {
            if (r.TryGetValue<int>(out var n) && n is not 0 and (< 40 or > 100_000))
            {
                r.AddError("--drift-samples: must be 0 or from 40 to 100000");
            }
        });
        var connection = StoreCommandSupport.ConnectionOption();
        var format = StoreCommandSupport.FormatOption();
        var command = new Command("report", "Per tool version, capability and pattern over a window: count, success rate, time percentiles, actual/estimated, outliers, the estimate's error and drift.")
        {
            since, until, tool, capability, environment, driftSamples, connection, format,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var now = context.TimeProvider.GetUtcNow();
            TelemetryReportQuery.TryParseTime(result.GetValue(since), now, out var from);
            var to = result.GetValue(until) is { } text && TelemetryReportQuery.TryParseTime(text, now, out var parsed) ? parsed : now;
            if (from >= to)
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"error: --since ({from:O}) must be before --until ({to:O})."));
                return ExitCodes.Usage;
            }

            var query = new TelemetryReportQuery
            {
                Since = from,
                Until = to,
                Tool = result.GetValue(tool),
                Capability = result.GetValue(capability),
                Environment = result.GetValue(environment),
                DriftSamples = result.GetValue(driftSamples),
            };
            return await StoreCommandSupport.RunAsync(context, result.GetValue(connection), async (store, _) =>
            {
                var report = await store.GetTelemetryReportAsync(query, cancellationToken);
                if (result.GetValue(format) == "json")
                {
                    await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        database = StoreCommandSupport.DatabaseLocation(store),
                        since = report.Since.ToString("O", CultureInfo.InvariantCulture),
                        until = report.Until.ToString("O", CultureInfo.InvariantCulture),
                        rows = report.Rows.Select(ToJson),
                    }, CliJson.Options));
                    return ExitCodes.Success;
                }

                await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Telemetry from {report.Since:yyyy-MM-dd HH:mm} to {report.Until:yyyy-MM-dd HH:mm} UTC."));
                if (report.Rows.Count == 0)
                {
                    await context.Output.WriteLineAsync("No executions in the window.");
                    return ExitCodes.Success;
                }

                await TextTable.WriteAsync(
                    context.Output,
                    ["TOOL", "VERSION", "CAPABILITY/PATTERN", "COUNT", "SUCCESS", "P50 MS", "P90 MS", "P99 MS", "RATIO (Q1-Q3)", "OUTLIERS", "ERROR", "DRIFT"],
                    report.Rows.Select(r => new[]
                    {
                        r.Tool, r.Version, $"{r.Capability}/{r.Pattern}", I($"{r.Count}"), I($"{r.SuccessRate * 100:0.0}%"),
                        I($"{r.TimeP50Ms:0}"), I($"{r.TimeP90Ms:0}"), I($"{r.TimeP99Ms:0}"),
                        r.RatioMedian is { } m ? I($"{m:0.00} ({r.RatioQ1:0.00}-{r.RatioQ3:0.00})") : "-",
                        I($"{r.Outliers}"), r.TimeError is { } e ? I($"{e * 100:0.0}%") : "-", DriftText(r),
                    }));
                await context.Output.WriteLineAsync("RATIO is actual/estimated time (median, quartiles); ERROR the estimate's median absolute percentage error; outliers have a robust z-score above 3.5.");
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    private static Option<string?> TimeOption(string name, string description, CliContext context)
    {
        var option = new Option<string?>(name) { Description = description };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !TelemetryReportQuery.TryParseTime(text, context.TimeProvider.GetUtcNow(), out _))
            {
                r.AddError($"{name}: '{text}' is neither an age (a whole number of minutes, hours, days or weeks: 30m, 12h, 7d, 2w; at most 36500 days) nor an ISO 8601 timestamp with an offset (2026-11-01T00:00:00Z)");
            }
        });
        return option;
    }

    /// <summary>The drift column: what departs, and since when.</summary>
    private static string DriftText(TelemetryReportRow r) => (r.DriftFromEstimateSince, r.DriftFromEarlierSince) switch
    {
        (null, null) => r.DriftSamples < 40 ? (r.DriftSamples == 0 ? "-" : "too few") : "no",
        (_, { } earlier) => I($"from earlier since {earlier:yyyy-MM-dd HH:mm}") + (r.DriftFromEstimateSince is { } e ? I($"; from estimate since {e:yyyy-MM-dd HH:mm}") : ""),
        ({ } estimate, null) => I($"from estimate since {estimate:yyyy-MM-dd HH:mm}"),
    };

    private static string Kind(TelemetryReportRow r) => (r.DriftFromEstimateSince, r.DriftFromEarlierSince) switch
    {
        (null, null) => "none",
        (not null, null) => "estimate",
        (null, not null) => "earlier",
        _ => "both",
    };

    private static object ToJson(TelemetryReportRow r) => new
    {
        tool = r.Tool,
        version = r.Version,
        capability = r.Capability,
        pattern = r.Pattern,
        time_estimate = r.TimeEstimate,
        count = r.Count,
        successes = r.Successes,
        success_rate = r.SuccessRate,
        time_p50_ms = r.TimeP50Ms,
        time_p90_ms = r.TimeP90Ms,
        time_p99_ms = r.TimeP99Ms,
        estimated = r.Estimated,
        ratio_median = r.RatioMedian,
        ratio_q1 = r.RatioQ1,
        ratio_q3 = r.RatioQ3,
        log_ratio_mad = r.LogRatioMad,
        outliers = r.Outliers,
        time_error = r.TimeError,
        drift = Kind(r),
        drift_samples = r.DriftSamples,
        drift_from_estimate_since = r.DriftFromEstimateSince?.ToString("O", CultureInfo.InvariantCulture),
        drift_from_earlier_since = r.DriftFromEarlierSince?.ToString("O", CultureInfo.InvariantCulture),
    };

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
