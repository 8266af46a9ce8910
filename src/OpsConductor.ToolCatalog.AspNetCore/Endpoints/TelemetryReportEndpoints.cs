using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>
/// <c>GET /telemetry/report</c>: <see cref="ToolCatalogStore.GetTelemetryReportAsync"/> over a window (decision 1502), for
/// viewers. One row per tool version, capability and pattern with executions in the window, so the answer is bounded by the
/// catalog's size and not paged.
/// </summary>
internal static class TelemetryReportEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/telemetry/report", ReportAsync)
            .WithName("GetTelemetryReport")
            .WithSummary("The telemetry report over a window (since: an age such as 7d or a timestamp; until; tool, capability, environment; drift_samples): per pattern, count, success rate, time percentiles, actual/estimated, outliers, error and drift.")
            .Produces<TelemetryReportResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> ReportAsync(
        ToolCatalogStore store, TimeProvider time, string? since, string? until, string? tool, string? capability, string? environment,
        string? drift_samples, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        const string Times = "an age (a whole number of minutes, hours, days or weeks: 30m, 12h, 7d, 2w) or an ISO 8601 timestamp with an offset (2026-11-01T00:00:00Z)";
        if (!TelemetryReportQuery.TryParseTime(since ?? "7d", now, out var from))
        {
            return ApiProblems.BadRequest($"since: '{since}' is not {Times}.", "since");
        }

        var to = now;
        if (until is not null && !TelemetryReportQuery.TryParseTime(until, now, out to))
        {
            return ApiProblems.BadRequest($"until: '{until}' is not {Times}.", "until");
        }

        if (from >= to)
        {
            return ApiProblems.BadRequest(string.Create(CultureInfo.InvariantCulture, $"since ({from:O}) must be before until ({to:O})."), "since");
        }

        var samples = 2_000;
        if (drift_samples is not null
            && (!int.TryParse(drift_samples, NumberStyles.None, CultureInfo.InvariantCulture, out samples) || samples is not 0 and (< 40 or > 100_000)))
        {
            return ApiProblems.BadRequest($"drift_samples: '{drift_samples}' must be 0 (no drift detection) or a whole number from 40 to 100000.", "drift_samples");
        }

        var report = await store.GetTelemetryReportAsync(new TelemetryReportQuery
        {
            Since = from, Until = to, Tool = tool, Capability = capability, Environment = environment, DriftSamples = samples,
        }, cancellationToken).ConfigureAwait(false);
        return Results.Ok(new TelemetryReportResponse(report.Since, report.Until, [.. report.Rows.Select(static r => new TelemetryReportRowResponse
        {
            Tool = r.Tool,
            Version = r.Version,
            Capability = r.Capability,
            Pattern = r.Pattern,
            TimeEstimate = r.TimeEstimate,
            Count = r.Count,
            Successes = r.Successes,
            SuccessRate = r.SuccessRate,
            TimeP50Ms = r.TimeP50Ms,
            TimeP90Ms = r.TimeP90Ms,
            TimeP99Ms = r.TimeP99Ms,
            Estimated = r.Estimated,
            RatioMedian = r.RatioMedian,
            RatioQ1 = r.RatioQ1,
            RatioQ3 = r.RatioQ3,
            LogRatioMad = r.LogRatioMad,
            Outliers = r.Outliers,
            TimeError = r.TimeError,
            Drift = (r.DriftFromEstimateSince, r.DriftFromEarlierSince) switch
            {
                (null, null) => "none",
                (not null, null) => "estimate",
                (null, not null) => "earlier",
                _ => "both",
            },
            DriftSamples = r.DriftSamples,
            DriftFromEstimateSince = r.DriftFromEstimateSince,
            DriftFromEarlierSince = r.DriftFromEarlierSince,
        })]));
    }
}
