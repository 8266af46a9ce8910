using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>
/// <c>GET /telemetry/recommendations</c> (Viewer): the stored recommendations made by <c>toolcatalog telemetry recommend</c>
/// (<see cref="ToolCatalogStore.RecommendAsync"/>), open ones by default; <c>POST /telemetry/recommendations/{id}/apply</c>
/// (admin, or owner of the recommendation's tool): publishes it through <see cref="ToolCatalogStore.ApplyRecommendationAsync"/>
/// and answers once the server's snapshot has the new version.
/// </summary>
internal static class TelemetryRecommendationEndpoints
{
    private const string CursorKind = "recommendation";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/telemetry/recommendations", ListAsync)
            .WithName("ListTelemetryRecommendations")
            .WithSummary("Lists the stored estimate recommendations, oldest first: the open ones, or all with ?all=true; ?tool=NAME for one tool; limit and cursor page.")
            .Produces<PageResponse<RecommendationResponse>>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapPost("/telemetry/recommendations/{id:long}/apply", ApplyAsync)
            .WithName("ApplyTelemetryRecommendation")
            .WithSummary("Publishes a new version of the recommendation's tool with the recommended estimate (validated, audited with the evidence); admins, or the tool's owners.")
            .Produces<RecommendationApplyResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> ListAsync(HttpContext http, ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (Query.Flag(request, "all", out var all) is { } badFlag)
        {
            return badFlag;
        }

        if (!PageRequest.TryRead(Query.Text(request, "limit"), Query.Text(request, "cursor"), CursorKind, options.Value, out var page, out var problem))
        {
            return problem!;
        }

        long? after = null;
        if (page.After is { } key)
        {
            if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return ApiProblems.BadRequest("The query parameter 'cursor' is not a cursor of this list: pass back the 'next_cursor' of the previous page unchanged, or leave it out for the first page.", "cursor");
            }

            after = id;
        }

        // One more than the page, to know whether another follows (the store's page is at most MaxPageSize).
        var size = Math.Min(page.Limit, ToolCatalogStore.MaxPageSize - 1);
        var rows = await store.GetRecommendationsAsync(Query.Text(request, "tool"), all, after, size + 1, cancellationToken).ConfigureAwait(false);
        var items = rows.Take(size).Select(RecommendationResponse.From).ToList();
        var next = rows.Count > size ? Cursor.Encode(CursorKind, items[^1].Id) : null;
        return TypedResults.Json(new PageResponse<RecommendationResponse>(items, next), ApiJson.Options);
    }

    private static async Task<IResult> ApplyAsync(long id, HttpContext http, IToolCatalog catalog, ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, CancellationToken cancellationToken)
    {
        var user = http.User;
        var admin = user.IsInRole(ToolCatalogRoles.Admin);
        if (!admin && !user.IsInRole(ToolCatalogRoles.Owner))
        {
            return ApiProblems.Forbidden($"Applying recommendation {id} publishes a new version of its tool: it needs the admin role, or the owner role for that tool. Nothing was written.");
        }

        var recommendation = await store.GetRecommendationAsync(id, cancellationToken).ConfigureAwait(false);
        if (recommendation is null)
        {
            return ApiProblems.NotFound($"There is no telemetry recommendation {id}. List them with GET /api/v1/telemetry/recommendations.");
        }

        if (!admin && !user.HasClaim(c => c.Type == ToolCatalogClaims.Tool && string.Equals(c.Value, recommendation.Tool, StringComparison.Ordinal)))
        {
            return ApiProblems.Forbidden($"Applying recommendation {id} publishes a new version of tool '{ToolRepresentation.Echo(recommendation.Tool)}': it needs the admin role, or the owner role for that tool. Nothing was written.");
        }

        try
        {
            var applied = await store.ApplyRecommendationAsync(id, HttpChangeContext.From(http), cancellationToken).ConfigureAwait(false);
            await ToolWriteEndpoints.SeenAsync(catalog, options.Value, applied.Revision, cancellationToken).ConfigureAwait(false);
            return TypedResults.Json(
                new RecommendationApplyResponse(id, applied.Recommendation.Tool, applied.PreviousVersion, applied.NewVersion, applied.Revision, applied.Reason, RecommendationResponse.From(applied.Recommendation)),
                ApiJson.Options);
        }
        catch (RecommendationException e)
        {
            var extensions = new Dictionary<string, object?> { ["id"] = id, ["tool"] = recommendation.Tool, ["reason"] = e.Problem.ToString() };
            return e.Problem switch
            {
                RecommendationProblem.NotFound => ApiProblems.NotFound(e.Message),
                RecommendationProblem.Invalid => ApiProblems.BadRequest(e.Message, recommendation.Field),
                _ => ApiProblems.Conflict(e.Message, extensions),
            };
        }
        catch (CatalogConflictException e)
        {
            return ApiProblems.Conflict($"Tool '{ToolRepresentation.Echo(recommendation.Tool)}' changed while recommendation {id} was applied: {e.Message} Nothing was written; list the recommendations again.", new() { ["id"] = id, ["tool"] = recommendation.Tool });
        }
        catch (ToolCatalogException e)
        {
            return await ToolWriteEndpoints.FailureAsync(e, recommendation.Tool, catalog, store, options.Value, cancellationToken).ConfigureAwait(false);
        }
    }
}
