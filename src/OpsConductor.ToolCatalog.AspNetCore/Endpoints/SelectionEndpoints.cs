using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>
/// Selection and estimates over the server's snapshot, through the host's <see cref="ToolSelector"/> (the one the
/// orchestrator uses, with its options and tie-breaker): the same numbers as the library, explained.
/// </summary>
internal static class SelectionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/select", SelectAsync)
            .WithName("Select")
            .WithSummary("Chooses the best tool pattern for capabilities and a request's variables: the choice, the ranking with scores and estimates, every exclusion with its rule and values; with explain, each score's features and the explanation text. Nothing viable is a 200 with selected null and the error.")
            .JsonBody<SelectRequestBody>()
            .Produces<SelectResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        api.MapPost("/estimate", EstimateAsync)
            .WithName("Estimate")
            .WithSummary("The time and cost of a tool's patterns for a capability and a request's variables, evaluated as selection does (no policy applied).")
            .JsonBody<EstimateRequestBody>()
            .Produces<EstimateResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    /// <summary>
    /// Describes the JSON request body in the OpenAPI document only. (<c>Accepts&lt;T&gt;</c> would also make routing answer
    /// another content type with a bare 415 before the handler; <see cref="ApiJson"/> answers it with a problem instead.)
    /// </summary>
    private static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(static async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken).ConfigureAwait(false);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/json"] = new() { Schema = schema } },
            };
        });

    private static async Task<IResult> SelectAsync(HttpRequest http, IToolCatalog catalog, ToolSelector selector, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<SelectRequestBody>(http, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Capability is not null && body.Capabilities is not null)
        {
            return ApiProblems.BadRequest("Give either 'capability' (one name) or 'capabilities' (a list), not both.", "capability");
        }

        if (!TryReadCalibration(body.Calibration, out var calibration))
        {
            return ApiProblems.BadRequest($"calibration = '{ToolRepresentation.Echo(body.Calibration!)}': must be off, report or rank.", "calibration");
        }

        var request = new SelectionRequest
        {
            Capabilities = body.Capability is not null ? [body.Capability] : body.Capabilities is { } list ? [.. list.Select(static c => c!)] : [],
            Query = body.Query,
            ExplicitMode = body.Mode,
            Variables = body.Variables,
            CostLimit = body.CostLimit,
            Environment = body.Environment ?? "production",
            RequireProductionSafe = body.RequireProductionSafe ?? true,
            Permissions = body.Permissions is null ? null : new HashSet<string>(body.Permissions, StringComparer.Ordinal),
            Calibration = calibration,
            AssignmentKey = body.AssignmentKey,
            User = body.User,
            Groups = body.Groups,
        };

        SelectionOutcome outcome;
        try
        {
            outcome = await selector.SelectOrEvaluateAsync(catalog.Current, request, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidSelectionRequestException e)
        {
            return Refused(e);
        }

        var (evaluation, selected, error) = outcome;
        var explain = body.Explain is true;
        return new SelectAnswer(evaluation, selected, error, explain ? selected?.Explain() ?? $"{error}\n{evaluation.Explain()}" : null, features: explain);
    }

    private static async Task<IResult> EstimateAsync(HttpRequest http, IToolCatalog catalog, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<EstimateRequestBody>(http, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Tool))
        {
            return ApiProblems.BadRequest("The field 'tool' is required: the name of the tool to estimate.", "tool");
        }

        if (string.IsNullOrWhiteSpace(body.Capability))
        {
            return ApiProblems.BadRequest("The field 'capability' is required: the capability whose patterns to estimate.", "capability");
        }

        var snapshot = catalog.Current;
        if (snapshot.FindTool(body.Tool) is not { } tool)
        {
            return ApiProblems.ToolNotFound(ToolRepresentation.Echo(body.Tool));
        }

        if (tool.Definition.FindCapability(body.Capability) is null)
        {
            return ApiProblems.NotFound($"Tool '{tool.Name}' {tool.Definition.Version} has no capability '{ToolRepresentation.Echo(body.Capability)}'.");
        }

        var patterns = tool.Patterns.Where(p => string.Equals(p.CapabilityName, body.Capability, StringComparison.Ordinal)
            && (body.Pattern is null || string.Equals(p.PatternName, body.Pattern, StringComparison.Ordinal))).ToList();
        if (patterns.Count == 0)
        {
            return ApiProblems.NotFound($"Capability '{ToolRepresentation.Echo(body.Capability)}' of tool '{tool.Name}' {tool.Definition.Version} has no pattern '{ToolRepresentation.Echo(body.Pattern!)}'.");
        }

        IReadOnlyList<PatternEstimate> estimates;
        try
        {
            estimates = ToolSelector.Estimate(snapshot, patterns, body.Variables);
        }
        catch (InvalidSelectionRequestException e)
        {
            return Refused(e);
        }

        return ToolRepresentation.Json(new EstimateResponse(
            snapshot.Revision,
            tool.Name,
            tool.Definition.Version,
            body.Capability,
            [.. estimates.Select(static e => new PatternEstimateResponse(
                e.Pattern.PatternName,
                e.Pattern.Definition.TimeEstimateMs,
                e.Pattern.Definition.CostEstimate,
                e.EstimatedTimeMs,
                e.EstimatedCost,
                e.Failure is null ? null : SelectResponses.Exclusion(e.Failure)))]));
    }

    /// <summary>The body's <c>calibration</c>: null when absent; false for a word other than off, report and rank.</summary>
    private static bool TryReadCalibration(string? text, out CalibrationUse? calibration)
    {
        calibration = text switch
        {
            "off" => CalibrationUse.Off,
            "report" => CalibrationUse.Report,
            "rank" => CalibrationUse.Rank,
            _ => null,
        };
        return text is null || calibration is not null;
    }

    /// <summary>400 naming the request's field as the body spells it (<c>variables.N</c>, <c>capabilities[0]</c>, <c>cost_limit</c>, …), its value and the rule.</summary>
    private static IResult Refused(InvalidSelectionRequestException e)
    {
        var field = e.WireField;
        return ApiProblems.Problem(
            StatusCodes.Status400BadRequest,
            "bad-request",
            "The request is not valid",
            $"{field} = {e.Value}: {e.Rule}",
            new() { ["field"] = field, ["value"] = e.Value, ["rule"] = e.Rule });
    }
}
