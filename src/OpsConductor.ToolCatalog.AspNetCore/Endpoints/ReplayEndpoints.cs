using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Decisions;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>
/// <c>POST /replay?since=7d&amp;limit=N</c>: what-if replay (<see cref="DecisionReplay"/>) of the logged selection
/// decisions with one draft tool (the body: its YAML file or the same as JSON, read and validated as
/// <c>POST /tools</c> reads it) laid over the stored catalog. Viewer: it writes nothing, and it answers with catalog
/// facts only (tools, patterns, estimates) plus the decisions' ids, times and capabilities — the logged queries and
/// variables never leave the server.
/// </summary>
internal static class ReplayEndpoints
{
    private const int DefaultLimit = 10_000;
    private const int MaxLimit = 1_000_000;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/replay", ReplayAsync)
            .WithName("ReplayDecisions")
            .WithSummary("What if: runs the logged selection decisions of a window (since=7d, limit=10000) again with the draft tool of the body (YAML or JSON) laid over the catalog, and lists those that would change. Writes nothing.")
            .Produces<ReplayResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> ReplayAsync(HttpContext http, ToolCatalogStore store, TimeProvider time, string? since, string? limit, CancellationToken cancellationToken)
    {
        var window = Window(since ?? "7d");
        if (window is null)
        {
            return ApiProblems.BadRequest($"since '{since}' is not a window: a whole number of hours, days or weeks from 1 hour to 36500 days, such as 24h, 7d or 2w.", "since");
        }

        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            return ApiProblems.BadRequest($"limit '{limit}' must be a whole number from 1 to {MaxLimit}.", "limit");
        }

        var (body, problem) = await ToolBodyReader.ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Tool is not { } draft)
        {
            return ApiProblems.Validation(body.Report.Findings, "The draft tool is not valid; nothing was replayed.");
        }

        DecisionReplayReport report;
        try
        {
            report = await new DecisionReplay(store, timeProvider: time).ReplayAsync([draft], window.Value, count, cancellationToken).ConfigureAwait(false);
        }
        catch (CatalogBusyException e)
        {
            return ApiProblems.Busy(e.Message);
        }

        return ToolWriteEndpoints.Json(new ReplayResponse(
            draft.Name,
            report.Since,
            report.Revision,
            report.Read,
            report.Replayed,
            report.Changed,
            report.EstimateChanged,
            report.Unchanged,
            report.NewlyWithoutCandidate,
            report.NewlyWithCandidate,
            report.Unreadable,
            [.. report.Changes.Select(c => new ReplayChangeResponse(c.SelectionId, c.DecidedAt, c.CatalogRevision, c.Capabilities, Kind(c.Kind), Choice(c.Before), Choice(c.After)))]));
    }

    /// <summary>A window like <c>24h</c>, <c>7d</c> or <c>2w</c> (as <c>toolcatalog replay --since</c>), or null.</summary>
    private static TimeSpan? Window(string text)
    {
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        var hours = char.ToLowerInvariant(text[^1]) switch { 'h' => n, 'd' => n * 24, 'w' => n * 24 * 7, _ => -1 };
        return hours is >= 1 and <= 36_500 * 24 ? TimeSpan.FromHours(hours) : null;
    }

    private static ReplayChoiceResponse? Choice(ReplayChoice? choice) =>
        choice is null ? null : new(choice.Tool, choice.Version, choice.Capability, choice.Pattern, choice.EstimatedTimeMs, choice.EstimatedCost, choice.Score);

    private static string Kind(DecisionChangeKind kind) => kind switch
    {
        DecisionChangeKind.ChoiceChanged => "choice",
        DecisionChangeKind.EstimateChanged => "estimate",
        DecisionChangeKind.NoCandidate => "no_candidate",
        DecisionChangeKind.NewCandidate => "new_candidate",
        _ => "unchanged",
    };
}
