using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>
/// <c>/experiments</c>: A/B experiments over the store, as <c>toolcatalog experiment</c> does. Viewers list, read and
/// see results; admins create; start, stop and promote need an admin or an owner of the experiment's tool (a
/// <see cref="ToolCatalogClaims.Tool"/> claim naming it). A promotion answers after this server's snapshot has the tool change.
/// </summary>
internal static class ExperimentEndpoints
{
    private const string CursorKind = "experiments";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/experiments", ListAsync)
            .WithName("ListExperiments")
            .WithSummary("The experiments, by name (limit, cursor).")
            .Produces<PageResponse<ExperimentResponse>>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/experiments/{name}", GetAsync)
            .WithName("GetExperiment")
            .WithSummary("One experiment: definition, state, winner.")
            .Produces<ExperimentResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/experiments/{name}/results", ResultsAsync)
            .WithName("GetExperimentResults")
            .WithSummary("The experiment's results from telemetry (attribution=enrolled|by_version): per-arm figures with intervals, srm_p_value, srm_mismatch, p_value, significant, winner, guardrails, decision.")
            .Produces<JsonObject>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/experiments", CreateAsync)
            .RequireAuthorization(ToolCatalogPolicies.Admin)
            .WithName("CreateExperiment")
            .WithSummary("Defines a draft experiment (body: name, tool, a, b, split, environments, users, metric, guardrails, min_samples, auto_promote, description, seed).")
            .Produces<ExperimentResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        MapChange(api, "start", "StartExperiment", "Starts a draft experiment (draft -> running). Admin or owner of the tool.");
        MapChange(api, "stop", "StopExperiment", "Stops a running experiment without a decision (running -> stopped). Admin or owner of the tool.");
        MapChange(api, "promote", "PromoteExperiment", "Approves the decision (optional body {\"arm\": \"a\"|\"b\"}; default the results' winner): b becomes the latest version, or a is kept and b deprecated; the experiment becomes completed. Admin or owner of the tool.");
    }

    private static void MapChange(RouteGroupBuilder api, string verb, string name, string summary) =>
        api.MapPost($"/experiments/{{name}}/{verb}", (string name, HttpContext http, ToolCatalogStore store, IToolCatalog catalog, IOptions<ToolCatalogServerOptions> options, CancellationToken cancellationToken) =>
                ChangeAsync(verb, name, http, store, catalog, options.Value, cancellationToken))
            .WithName(name)
            .WithSummary(summary)
            .Produces<ExperimentResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ListAsync(ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryRead(limit, cursor, CursorKind, options.Value, out var page, out var problem))
        {
            return problem!;
        }

        var all = await store.ListExperimentsAsync(cancellationToken).ConfigureAwait(false);
        var ordered = all.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        return Results.Ok(Paging.Cut(ordered, e => e.Name, _ => true, page, CursorKind, e => ExperimentResponse.From(e)));
    }

    private static async Task<IResult> GetAsync(string name, ToolCatalogStore store, CancellationToken cancellationToken) =>
        await store.GetExperimentAsync(name, cancellationToken).ConfigureAwait(false) is { } experiment
            ? Results.Ok(ExperimentResponse.From(experiment))
            : NotFound(name);

    private static async Task<IResult> ResultsAsync(string name, string? attribution, ToolCatalogStore store, CancellationToken cancellationToken)
    {
        var mode = attribution switch
        {
            null or "enrolled" => ExperimentAttribution.Enrolled,
            "by_version" => ExperimentAttribution.EnrolledAndByVersion,
            _ => (ExperimentAttribution?)null,
        };
        if (mode is null)
        {
            return ApiProblems.BadRequest($"The query parameter 'attribution' is '{ToolRepresentation.Echo(attribution!)}': it must be enrolled (the default) or by_version.", "attribution");
        }

        if (await store.GetExperimentAsync(name, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(name);
        }

        var results = await store.GetExperimentResultsAsync(name, mode.Value, cancellationToken).ConfigureAwait(false);
        return Results.Json(results.ToJsonObject());
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ToolCatalogStore store, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<CreateExperimentRequest>(http.Request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        foreach (var (field, value) in new[] { ("name", body!.Name), ("tool", body.Tool), ("a", body.A), ("b", body.B) })
        {
            if (string.IsNullOrEmpty(value))
            {
                return ApiProblems.BadRequest($"{field}: required.", field);
            }
        }

        if (body.Metric is not (null or "success" or "time"))
        {
            return ApiProblems.BadRequest($"metric: '{ToolRepresentation.Echo(body.Metric!)}' is not a metric; allowed: success, time.", "metric");
        }

        var guardrails = body.Guardrails is { ValueKind: not JsonValueKind.Null } g ? g.GetRawText() : "[]";
        var definition = new ExperimentDefinition
        {
            Name = body.Name!,
            Description = body.Description,
            Tool = body.Tool!,
            VersionA = body.A!,
            VersionB = body.B!,
            Split = body.Split ?? 0.5,
            Seed = body.Seed,
            Environments = body.Environments ?? [],
            Users = body.Users ?? [],
            Metric = body.Metric == "time" ? ExperimentMetric.Time : ExperimentMetric.Success,
            Guardrails = guardrails,
            MinimumSampleSize = body.MinSamples ?? 100,
            AutoPromote = body.AutoPromote ?? false,
        };
        if (definition.Validate() is { Count: > 0 } problems)
        {
            return ApiProblems.BadRequest($"Experiment '{definition.Name}' is not valid; nothing was written: {string.Join(" ", problems)}", problems[0].Split(':')[0]);
        }

        try
        {
            var created = await store.CreateExperimentAsync(definition, HttpChangeContext.From(http), cancellationToken).ConfigureAwait(false);
            return Results.Created($"{ToolCatalogEndpointRouteBuilderExtensions.ApiPrefix}/experiments/{Uri.EscapeDataString(created.Name)}", ExperimentResponse.From(created));
        }
        catch (ToolNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
        catch (CatalogBusyException e)
        {
            return ApiProblems.Busy(e.Message);
        }
        catch (CatalogOperationException e)
        {
            return ApiProblems.Conflict(e.Message, new() { ["experiment"] = definition.Name });
        }
    }

    private static async Task<IResult> ChangeAsync(string verb, string name, HttpContext http, ToolCatalogStore store, IToolCatalog catalog, ToolCatalogServerOptions options, CancellationToken cancellationToken)
    {
        if (await store.GetExperimentAsync(name, cancellationToken).ConfigureAwait(false) is not { } experiment)
        {
            return NotFound(name);
        }

        if (!MayChange(http.User, experiment.Definition.Tool))
        {
            return ApiProblems.Forbidden($"Changing experiment '{name}' needs the admin role or the owner role with a claim for its tool '{experiment.Definition.Tool}'.");
        }

        ExperimentArm? arm = null;
        if (verb == "promote" && (http.Request.ContentLength > 0 || http.Request.ContentType is not null))
        {
            var (body, problem) = await ApiJson.ReadAsync<PromoteExperimentRequest>(http.Request, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (body!.Arm is { } text and not ("a" or "b"))
            {
                return ApiProblems.BadRequest($"arm: '{ToolRepresentation.Echo(text)}' must be a (keep version a, retire b) or b (make version b the latest).", "arm");
            }

            arm = body.Arm switch { "a" => ExperimentArm.A, "b" => ExperimentArm.B, _ => null };
        }

        try
        {
            var change = HttpChangeContext.From(http);
            var changed = verb switch
            {
                "start" => await store.StartExperimentAsync(name, change, cancellationToken).ConfigureAwait(false),
                "stop" => await store.StopExperimentAsync(name, change, cancellationToken).ConfigureAwait(false),
                _ => await store.PromoteExperimentAsync(name, arm, ExperimentAttribution.Enrolled, change, cancellationToken).ConfigureAwait(false),
            };
            long? revision = null;
            if (verb == "promote")
            {
                revision = await store.GetRevisionAsync(cancellationToken).ConfigureAwait(false);
                await ToolWriteEndpoints.SeenAsync(catalog, options, revision.Value, cancellationToken).ConfigureAwait(false);
            }

            return Results.Ok(ExperimentResponse.From(changed, revision));
        }
        catch (CatalogBusyException e)
        {
            return ApiProblems.Busy(e.Message);
        }
        catch (CatalogOperationException e)
        {
            return ApiProblems.Conflict(e.Message, new() { ["experiment"] = name });
        }
    }

    private static bool MayChange(ClaimsPrincipal user, string tool) =>
        user.IsInRole(ToolCatalogRoles.Admin)
        || (user.IsInRole(ToolCatalogRoles.Owner) && user.HasClaim(c => c.Type == ToolCatalogClaims.Tool && string.Equals(c.Value, tool, StringComparison.Ordinal)));

    private static IResult NotFound(string name) =>
        ApiProblems.NotFound($"There is no experiment named '{ToolRepresentation.Echo(name)}'; GET /api/v1/experiments lists them.");
}
