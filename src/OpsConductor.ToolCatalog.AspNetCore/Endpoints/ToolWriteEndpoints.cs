using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Versioning;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>
/// The writes to one tool: create, publish (PUT), delete, enable, disable, deprecate, rollback, and validate. Every write
/// goes through the store's transactional path with the request's audit facts (<see cref="HttpChangeContext"/>), honours
/// <c>If-Match</c> (checked against the snapshot, enforced by the store through the expected revision) and
/// <c>?dry_run=true</c> (everything checked, nothing written), and answers once the server's own snapshot shows it.
/// </summary>
internal static class ToolWriteEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/tools", CreateAsync)
            .RequireAuthorization(ToolCatalogPolicies.Admin)
            .WithName("CreateTool")
            .AddOpenApiOperationTransformer(ToolBodyDocs.Tool)
            .WithSummary("Creates a tool from its file's structure as JSON, or from its YAML file (?dry_run=true: validate and report only).")
            .Produces<ToolWriteResponse>(StatusCodes.Status201Created)
            .Produces<ToolWriteResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPut("/tools/{name}", PublishAsync)
            .RequireAuthorization(ToolCatalogPolicies.ToolOwner)
            .WithName("PublishTool")
            .AddOpenApiOperationTransformer(ToolBodyDocs.Tool)
            .WithSummary("Publishes a changed tool as a new version (?bump=patch|minor|major, ?allow_breaking=true, ?dry_run=true); an unchanged body is a no-op.")
            .Produces<ToolWriteResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapDelete("/tools/{name}", DeleteAsync)
            .RequireAuthorization(ToolCatalogPolicies.ToolOwner)
            .WithName("DeleteTool")
            .WithSummary("Deletes a tool, or one version (?version=); soft unless ?hard=true (?force=true also removes its telemetry and A/B tests); hard and forced deletes are for admins.")
            .Produces<ToolWriteResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        MapState(api, HttpMethods.Patch, "/tools/{name}/enable", "EnableTool", "Enables the tool's latest version (or ?version=): it may be selected again.", "enabled");
        MapState(api, HttpMethods.Patch, "/tools/{name}/disable", "DisableTool", "Disables the tool's latest version (or ?version=): kept and listed, never selected.", "disabled");
        MapState(api, HttpMethods.Post, "/tools/{name}/deprecate", "DeprecateTool", "Marks the tool's latest version (or ?version=) deprecated.", "deprecated");

        api.MapPost("/tools/{name}/rollback", RollbackAsync)
            .RequireAuthorization(ToolCatalogPolicies.ToolOwner)
            .WithName("RollbackTool")
            .AddOpenApiOperationTransformer(ToolBodyDocs.Json("{\"to_version\": \"1.2\"}"))
            .WithSummary("Makes an earlier version the latest again (body {\"to_version\": \"1.2\"}).")
            .Produces<ToolWriteResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/tools/{name}/validate", ValidateAsync)
            .WithName("ValidateTool")
            .AddOpenApiOperationTransformer(ToolBodyDocs.Tool)
            .WithSummary("Validates a tool body (JSON or YAML) with the catalog's rules; writes nothing. 200 with every finding, valid or not.")
            .Produces<ValidateResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static void MapState(RouteGroupBuilder api, string method, string pattern, string name, string summary, string action) =>
        api.MapMethods(pattern, [method], (string name, HttpContext http, IToolCatalog catalog, ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, CancellationToken cancellationToken) =>
                SetStateAsync(action, name, http, catalog, store, options.Value, cancellationToken))
            .RequireAuthorization(ToolCatalogPolicies.ToolOwner)
            .WithName(name)
            .WithSummary(summary)
            .Produces<ToolWriteResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    // ---- POST /tools ----

    private static async Task<IResult> CreateAsync(HttpContext http, IToolCatalog catalog, ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, CancellationToken cancellationToken)
    {
        if (Query.Flag(http.Request, "dry_run", out var dryRun) is { } badQuery)
        {
            return badQuery;
        }

        var (body, problem) = await ToolBodyReader.ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Tool is not { } tool)
        {
            return ToolBodyReader.Invalid(body);
        }

        var warnings = Warnings(body);
        try
        {
            if (dryRun)
            {
                if (await store.GetAsync(tool.Name, cancellationToken: cancellationToken).ConfigureAwait(false) is { } existing)
                {
                    return Exists(tool.Name, existing.Definition.Version);
                }

                return Json(new ToolWriteResponse("created", tool.Name, tool.Version, true, true, catalog.Current.Revision, null, ToJson(tool), null, warnings));
            }

            var result = await store.CreateAsync(tool, HttpChangeContext.From(http), cancellationToken).ConfigureAwait(false);
            var (etag, written) = await WrittenAsync(catalog, options.Value, result, tool, cancellationToken).ConfigureAwait(false);
            http.Response.Headers.ETag = etag;
            var location = $"{http.Request.PathBase}{ToolCatalogEndpointPaths.Tool(tool.Name)}";
            http.Response.Headers.Location = location;
            return Json(new ToolWriteResponse("created", tool.Name, tool.Version, true, false, result.Revision, etag, ToJson(written), null, warnings), StatusCodes.Status201Created);
        }
        catch (ToolCatalogException e)
        {
            return await FailureAsync(e, tool.Name, catalog, store, options.Value, cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- PUT /tools/{name} ----

    private static async Task<IResult> PublishAsync(string name, HttpContext http, IToolCatalog catalog, ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var bad1 = Query.Flag(request, "dry_run", out var dryRun);
        var bad2 = Query.Flag(request, "allow_breaking", out var allowBreaking);
        var bad3 = Query.Bump(request, out var bump);
        if ((bad1 ?? bad2 ?? bad3) is { } badQuery)
        {
            return badQuery;
        }

        var snapshot = catalog.Current;
        if (IfMatch.Check(request, snapshot, name, out var expected) is { } stale)
        {
            return stale;
        }

        var (body, problem) = await ToolBodyReader.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Tool is not { } tool)
        {
            return ToolBodyReader.Invalid(body);
        }

        if (!string.Equals(tool.Name, name, StringComparison.Ordinal))
        {
            return ApiProblems.BadRequest($"The body's tool_name '{tool.Name}' is not the tool of the path, '{name}'; a tool cannot be renamed by PUT (create the new name with POST /api/v1/tools).", "tool_name");
        }

        try
        {
            var current = await store.GetAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return ApiProblems.ToolNotFound(name);
            }

            var previous = current.Definition;
            if (bump is { } part)
            {
                string bumped;
                try
                {
                    bumped = ToolVersions.Bump(previous.Version, part);
                }
                catch (ArgumentException e)
                {
                    return ApiProblems.Conflict(e.Message, new() { ["tool"] = name, ["current_version"] = previous.Version });
                }

                if (tool with { Version = previous.Version } == previous)
                {
                    tool = previous;
                }
                else
                {
                    tool = tool with { Version = bumped };
                }
            }

            var warnings = Warnings(body);
            if (tool == previous)
            {
                var shown = snapshot.FindTool(name)?.Definition ?? previous;
                http.Response.Headers.ETag = ToolETag.Of(shown);
                return Json(new ToolWriteResponse("unchanged", name, previous.Version, false, dryRun, snapshot.Revision, ToolETag.Of(shown), ToJson(shown), null, warnings));
            }

            if (tool with { Status = previous.Status, Enabled = previous.Enabled } == previous)
            {
                return ApiProblems.Conflict(
                    $"Only the state of tool '{name}' differs (status, enabled); versions are not published for that: use PATCH …/enable, PATCH …/disable or POST …/deprecate.",
                    new() { ["tool"] = name, ["current_version"] = previous.Version });
            }

            if (!ToolVersions.Grows(previous.Version, tool.Version))
            {
                return ApiProblems.Conflict(
                    $"Tool '{name}' changed but its version '{tool.Version}' does not grow past the current '{previous.Version}'; versions are immutable: "
                    + $"give a higher version (for example '{ToolVersions.Bump(SafeBumpBase(previous.Version), VersionBump.Minor)}'), or ask the server to bump it with ?bump=patch|minor|major.",
                    new() { ["tool"] = name, ["current_version"] = previous.Version, ["version"] = tool.Version });
            }

            var report = ToolCompatibility.Compare(previous, tool);
            var compatibility = CompatibilityResponse.From(report, allowBreaking);
            if (report.IsBreaking && !allowBreaking)
            {
                return ApiProblems.Problem(
                    StatusCodes.Status409Conflict,
                    "breaking-change",
                    "The new version breaks callers of the current one",
                    $"Version '{tool.Version}' of tool '{name}' is not compatible with '{previous.Version}': "
                    + string.Join("; ", report.BreakingChanges.Select(c => c.Message))
                    + ". Nothing was written. If the break is intended, publish again with ?allow_breaking=true.",
                    new() { ["tool"] = name, ["compatibility"] = compatibility });
            }

            if (dryRun)
            {
                return Json(new ToolWriteResponse("published", name, tool.Version, true, true, snapshot.Revision, null, ToJson(tool), compatibility, warnings));
            }

            var change = HttpChangeContext.From(http) with
            {
                ExpectedRevision = expected,
                Compatibility = JsonSerializer.Serialize(compatibility, ApiJson.Options),
            };
            var result = await store.PublishAsync(tool, change, cancellationToken).ConfigureAwait(false);
            var (etag, written) = await WrittenAsync(catalog, options.Value, result, tool, cancellationToken).ConfigureAwait(false);
            http.Response.Headers.ETag = etag;
            return Json(new ToolWriteResponse("published", name, tool.Version, true, false, result.Revision, etag, ToJson(written), compatibility, warnings));
        }
        catch (ToolCatalogException e)
        {
            return await FailureAsync(e, name, catalog, store, options.Value, cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- DELETE /tools/{name} ----

    private static async Task<IResult> DeleteAsync(string name, HttpContext http, IToolCatalog catalog, ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var bad1 = Query.Flag(request, "dry_run", out var dryRun);
        var bad2 = Query.Flag(request, "hard", out var hard);
        var bad3 = Query.Flag(request, "force", out var force);
        if ((bad1 ?? bad2 ?? bad3) is { } badQuery)
        {
            return badQuery;
        }

        if ((hard || force) && !http.User.IsInRole(ToolCatalogRoles.Admin))
        {
            // A hard delete removes history the audit log and rollbacks rely on: an admin's decision, not a tool owner's.
            return ApiProblems.Forbidden($"Only an admin may delete tool '{ToolRepresentation.Echo(name)}' for good (?hard=true or ?force=true); a tool's owner may delete it softly. Nothing was deleted.");
        }

        var version = Query.Text(request, "version");
        var snapshot = catalog.Current;
        if (IfMatch.Check(request, snapshot, name, out var expected) is { } stale)
        {
            return stale;
        }

        try
        {
            if (dryRun)
            {
                var target = await store.GetAsync(name, version, cancellationToken).ConfigureAwait(false);
                return target is null
                    ? ApiProblems.ToolNotFound(name, version)
                    : Json(new ToolWriteResponse("deleted", name, version, true, true, snapshot.Revision, null, null));
            }

            var deletion = new DeleteOptions { Version = version, Hard = hard, Force = force };
            var result = await store.DeleteAsync(name, deletion, HttpChangeContext.From(http) with { ExpectedRevision = expected }, cancellationToken).ConfigureAwait(false);
            await SeenAsync(catalog, options.Value, result.Revision, cancellationToken).ConfigureAwait(false);
            string? etag = null;
            JsonElement? document = null;
            if (version is not null && catalog.Current.FindTool(name) is { } remaining)
            {
                etag = ToolETag.Of(remaining.Definition);
                document = ToJson(remaining.Definition);
            }

            return Json(new ToolWriteResponse("deleted", name, version, result.Changed, false, result.Revision, etag, document));
        }
        catch (ToolCatalogException e)
        {
            return await FailureAsync(e, name, catalog, store, options.Value, cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- PATCH enable / disable, POST deprecate ----

    private static async Task<IResult> SetStateAsync(string action, string name, HttpContext http, IToolCatalog catalog, ToolCatalogStore store, ToolCatalogServerOptions options, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (Query.Flag(request, "dry_run", out var dryRun) is { } badQuery)
        {
            return badQuery;
        }

        var version = Query.Text(request, "version");
        var snapshot = catalog.Current;
        if (IfMatch.Check(request, snapshot, name, out var expected) is { } stale)
        {
            return stale;
        }

        try
        {
            if (dryRun)
            {
                if (await store.GetAsync(name, version, cancellationToken).ConfigureAwait(false) is not { } target)
                {
                    return ApiProblems.ToolNotFound(name, version);
                }

                var would = target.Definition with
                {
                    Enabled = action switch { "enabled" => true, "disabled" => false, _ => target.Definition.Enabled },
                    Status = action == "deprecated" ? ToolStatus.Deprecated : target.Definition.Status,
                };
                return Json(new ToolWriteResponse(action, name, would.Version, would != target.Definition, true, snapshot.Revision, null, ToJson(would)));
            }

            var change = HttpChangeContext.From(http) with { ExpectedRevision = expected };
            var result = action switch
            {
                "enabled" => await store.EnableAsync(name, version, change, cancellationToken).ConfigureAwait(false),
                "disabled" => await store.DisableAsync(name, version, change, cancellationToken).ConfigureAwait(false),
                _ => await store.DeprecateAsync(name, version, change, cancellationToken).ConfigureAwait(false),
            };
            return await RespondAsync(action, http, catalog, store, options, result, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolCatalogException e)
        {
            return await FailureAsync(e, name, catalog, store, options, cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- POST rollback ----

    private static async Task<IResult> RollbackAsync(string name, HttpContext http, IToolCatalog catalog, ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (Query.Flag(request, "dry_run", out var dryRun) is { } badQuery)
        {
            return badQuery;
        }

        var snapshot = catalog.Current;
        if (IfMatch.Check(request, snapshot, name, out var expected) is { } stale)
        {
            return stale;
        }

        var (body, problem) = await ApiJson.ReadAsync<RollbackRequest>(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.ToVersion))
        {
            return ApiProblems.BadRequest("Give the version to roll back to: {\"to_version\": \"1.2\"}.", "to_version");
        }

        try
        {
            if (dryRun)
            {
                var target = await store.GetAsync(name, body.ToVersion, cancellationToken).ConfigureAwait(false);
                var latest = await store.GetAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (target is null)
                {
                    return ApiProblems.ToolNotFound(name, body.ToVersion);
                }

                if (latest is not null && latest.Definition.Version == target.Definition.Version)
                {
                    return ApiProblems.Conflict($"Version '{body.ToVersion}' is already the latest version of tool '{name}'; there is nothing to roll back.", new() { ["tool"] = name });
                }

                return Json(new ToolWriteResponse("rolled_back", name, body.ToVersion, true, true, snapshot.Revision, null, ToJson(target.Definition)));
            }

            var result = await store.RollbackAsync(name, body.ToVersion, HttpChangeContext.From(http) with { ExpectedRevision = expected }, cancellationToken).ConfigureAwait(false);
            return await RespondAsync("rolled_back", http, catalog, store, options.Value, result, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolCatalogException e)
        {
            return await FailureAsync(e, name, catalog, store, options.Value, cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- POST validate ----

    private static async Task<IResult> ValidateAsync(string name, HttpContext http, CancellationToken cancellationToken)
    {
        var (body, problem) = await ToolBodyReader.ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var findings = ToolBodyReader.Findings(body!.Report.Findings).ToList();
        if (body.Tool is { } tool && !string.Equals(tool.Name, name, StringComparison.Ordinal))
        {
            findings.Add(new FindingResponse(
                "API001", "error", "tool_name", $"the body's tool_name '{tool.Name}' is not the tool of the path, '{name}'", null, null, ToolBodyReader.SourceName));
        }

        return Json(new ValidateResponse(findings.All(f => f.Severity != "error"), body.Tool?.Name, body.Tool?.Version, findings));
    }

    // ---- Shared ----

    private static async Task<IResult> RespondAsync(string action, HttpContext http, IToolCatalog catalog, ToolCatalogStore store, ToolCatalogServerOptions options, CatalogWriteResult result, CancellationToken cancellationToken)
    {
        await SeenAsync(catalog, options, result.Revision, cancellationToken).ConfigureAwait(false);
        var tool = catalog.Current.FindTool(result.ToolName)?.Definition
            ?? (await store.GetAsync(result.ToolName, cancellationToken: cancellationToken).ConfigureAwait(false))?.Definition;
        var etag = tool is null ? null : ToolETag.Of(tool);
        if (etag is not null)
        {
            http.Response.Headers.ETag = etag;
        }

        var revision = result.Changed ? result.Revision : catalog.Current.Revision;
        return Json(new ToolWriteResponse(action, result.ToolName, result.Version, result.Changed, false, revision, etag, tool is null ? null : ToJson(tool)));
    }

    /// <summary>Waits (bounded) until the server's snapshot holds <paramref name="result"/>; gives the written tool's tag and document from it.</summary>
    private static async Task<(string ETag, ToolDefinition Tool)> WrittenAsync(IToolCatalog catalog, ToolCatalogServerOptions options, CatalogWriteResult result, ToolDefinition written, CancellationToken cancellationToken)
    {
        await SeenAsync(catalog, options, result.Revision, cancellationToken).ConfigureAwait(false);
        var tool = catalog.Current.FindTool(result.ToolName)?.Definition is { } seen && seen.Version == written.Version ? seen : written;
        return (ToolETag.Of(tool), tool);
    }

    /// <summary>Read-your-writes: waits until the server's snapshot reaches <paramref name="revision"/>, at most <see cref="ToolCatalogServerOptions.WriteVisibilityTimeout"/>.</summary>
    internal static async Task SeenAsync(IToolCatalog catalog, ToolCatalogServerOptions options, long revision, CancellationToken cancellationToken)
    {
        if (catalog.Current.Revision >= revision)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.WriteVisibilityTimeout);
        try
        {
            await catalog.WaitForRevisionAsync(revision, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The write is committed; the snapshot lags (the listener reconnecting, say). Answer with what was written.
        }
    }

    /// <summary>The library's refusals as problems: 404, 409 (including a secret that cannot be sealed), 412 (a stale If-Match the store caught), 503.</summary>
    internal static async Task<IResult> FailureAsync(ToolCatalogException e, string name, IToolCatalog catalog, ToolCatalogStore store, ToolCatalogServerOptions options, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case ToolNotFoundException notFound:
                return ApiProblems.Problem(StatusCodes.Status404NotFound, "not-found", "Not found", notFound.Message, new() { ["tool"] = name });
            case CatalogConflictException conflict:
                await SeenAsync(catalog, options, conflict.CurrentRevision, cancellationToken).ConfigureAwait(false);
                var current = catalog.Current.FindTool(name)?.Definition
                    ?? (await store.GetAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false))?.Definition;
                return ApiProblems.PreconditionFailed(conflict.Message, current is null ? null : ToolETag.Of(current), Math.Max(conflict.CurrentRevision, catalog.Current.Revision));
            case CatalogBusyException busy:
                return new RetryAfter(ApiProblems.Busy(busy.Message), 1);
            case CatalogOperationException operation:
                return ApiProblems.Conflict(operation.Message, new() { ["tool"] = name });
            case Secrets.SecretKeyException secret:
                // A secret that cannot be sealed: the mask where nothing is stored, or no key on the server. Nothing was written.
                return ApiProblems.Conflict(secret.Message, new() { ["tool"] = name });
            case CatalogConnectionLostException lost:
                return new RetryAfter(ApiProblems.Busy(lost.Message), 1);
            case CatalogSchemaException schema:
                return ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "busy", "The catalog cannot be written", schema.Message);
            default:
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
                return null!; // not reached
        }
    }

    /// <summary>
    /// A response body written with the API's own JSON options (not the host's, which by default leave <c>&lt;</c>, <c>&gt;</c>
    /// and quotes unescaped): names and descriptions holding markup come back JSON-escaped, inert wherever they are shown.
    /// </summary>
    internal static IResult Json<T>(T value, int status = StatusCodes.Status200OK) => TypedResults.Json(value, ApiJson.Options, statusCode: status);

    private static IResult Exists(string name, string version) =>
        ApiProblems.Conflict($"Tool '{name}' exists already (latest version '{version}'); publish the change as a new version with PUT /api/v1/tools/{name}.", new() { ["tool"] = name });

    private static List<FindingResponse>? Warnings(ToolBody body) =>
        body.Report.Warnings.Count == 0 ? null : [.. ToolBodyReader.Findings(body.Report.Warnings)];

    private static string SafeBumpBase(string version) => char.IsAsciiDigit(version.FirstOrDefault()) ? version : "1.0";

    /// <summary>The tool's document as every response of the API gives it (<see cref="ToolRepresentation.Document"/>: escaped, cached per definition).</summary>
    internal static JsonElement ToJson(ToolDefinition tool) => ToolRepresentation.Document(tool);

    /// <summary>A problem with a <c>Retry-After</c> header.</summary>
    private sealed class RetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>The paths the write endpoints point at.</summary>
internal static class ToolCatalogEndpointPaths
{
    public static string Tool(string name) => ToolCatalogEndpointRouteBuilderExtensions.ApiPrefix + "/tools/" + Uri.EscapeDataString(name);
}

/// <summary><c>If-Match</c> as <see cref="ToolETag"/>'s remarks describe it.</summary>
internal static class IfMatch
{
    /// <summary>
    /// Null when the request has no <c>If-Match</c>, or it matches the snapshot's tool (then <paramref name="expectedRevision"/>
    /// is the snapshot's revision, for the store to enforce); else the 412 problem with the current tag and revision.
    /// </summary>
    public static IResult? Check(HttpRequest request, CatalogSnapshot snapshot, string name, out long? expectedRevision)
    {
        expectedRevision = null;
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var current = snapshot.FindTool(name)?.Definition;
        if (current is null)
        {
            return ApiProblems.PreconditionFailed($"If-Match names a state of tool '{name}', but the catalog has no tool '{name}'. Nothing was written.", null, snapshot.Revision);
        }

        if (!ToolETag.Matches(header, current))
        {
            request.HttpContext.Response.Headers.ETag = ToolETag.Of(current);
            return ApiProblems.PreconditionFailed(
                $"Tool '{name}' changed since it was read: If-Match {header} is not its current tag {ToolETag.Of(current)}. Nothing was written: read it again and retry.",
                ToolETag.Of(current),
                snapshot.Revision);
        }

        expectedRevision = snapshot.Revision;
        return null;
    }
}

/// <summary>Query values read by hand, so a bad one gets a problem naming it.</summary>
internal static class Query
{
    public static IResult? Flag(HttpRequest request, string name, out bool value)
    {
        value = false;
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (bool.TryParse(text, out value))
        {
            return null;
        }

        return ApiProblems.BadRequest($"The query value {name}='{text}' is not true or false.", name);
    }

    public static IResult? Bump(HttpRequest request, out VersionBump? bump)
    {
        bump = null;
        var text = request.Query["bump"].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        bump = text.ToLowerInvariant() switch
        {
            "patch" => VersionBump.Patch,
            "minor" => VersionBump.Minor,
            "major" => VersionBump.Major,
            _ => null,
        };
        return bump is null ? ApiProblems.BadRequest($"The query value bump='{text}' is not patch, minor or major.", "bump") : null;
    }

    public static string? Text(HttpRequest request, string name) =>
        request.Query[name].ToString() is { Length: > 0 } text ? text : null;
}
