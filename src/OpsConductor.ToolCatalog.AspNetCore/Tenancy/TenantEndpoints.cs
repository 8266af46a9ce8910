using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tenancy;

namespace OpsConductor.ToolCatalog.AspNetCore.Tenancy;

/// <summary>
/// <c>/tenants</c>: the tenants of the catalog, managed as <c>toolcatalog tenants</c> does (the same store methods), by a
/// global admin only: the <see cref="ToolCatalogPolicies.Admin"/> policy refuses other roles, and
/// <see cref="TenantScopeFilter"/> refuses every principal bound to a tenant (403 <c>tenant-global-only</c>), whatever its
/// role. <c>GET /tenant</c> shows a tenant principal its own tenant.
/// </summary>
internal static class TenantEndpoints
{
    private const string CursorKind = "tenants";
    private const int MaxNameLength = 200;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tenants", ListAsync)
            .RequireAuthorization(ToolCatalogPolicies.Admin)
            .WithName("ListTenants")
            .WithSummary("The tenants, by id (limit, cursor). A global admin only.")
            .Produces<PageResponse<TenantResponse>>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/tenants/{id}", GetAsync)
            .RequireAuthorization(ToolCatalogPolicies.Admin)
            .WithName("GetTenant")
            .WithSummary("One tenant: id, name, state, created_at, created_by. A global admin only.")
            .Produces<TenantResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/tenants", CreateAsync)
            .RequireAuthorization(ToolCatalogPolicies.Admin)
            .WithName("CreateTenant")
            .WithSummary("Creates a tenant (body: id, name): an empty overlay over the global catalog. A global admin only; created_by is the principal.")
            .Produces<TenantResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        MapState(api, "disable", "DisableTenant", "Disables a tenant: its overlay can no longer be written (its rows stay; reads go on). Idempotent. A global admin only.");
        MapState(api, "enable", "EnableTenant", "Enables a disabled tenant again. Idempotent. A global admin only.");

        api.MapGet("/tenant", GetOwnAsync)
            .WithName("GetOwnTenant")
            .WithSummary("The tenant the principal is bound to (any role of a tenant); 404 for a principal of the global catalog.")
            .Produces<TenantResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static void MapState(RouteGroupBuilder api, string verb, string name, string summary) =>
        api.MapPatch($"/tenants/{{id}}/{verb}", (string id, HttpContext http, ToolCatalogStore store, ILoggerFactory loggers, CancellationToken cancellationToken) =>
                SetStateAsync(id, disable: verb == "disable", http, store, loggers, cancellationToken))
            .RequireAuthorization(ToolCatalogPolicies.Admin)
            .WithName(name)
            .WithSummary(summary)
            .Produces<TenantResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> ListAsync(ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryRead(limit, cursor, CursorKind, options.Value, out var page, out var problem))
        {
            return problem!;
        }

        var all = await store.ListTenantsAsync(cancellationToken).ConfigureAwait(false);
        var ordered = all.OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        return Results.Ok(Paging.Cut(ordered, t => t.Id, _ => true, page, CursorKind, TenantResponse.From));
    }

    private static async Task<IResult> GetAsync(string id, ToolCatalogStore store, CancellationToken cancellationToken)
    {
        if (InvalidId(id) is { } invalid)
        {
            return invalid;
        }

        return await FindAsync(store, id, cancellationToken).ConfigureAwait(false) is { } tenant
            ? Results.Ok(TenantResponse.From(tenant))
            : NotFound(id);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ToolCatalogStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<CreateTenantRequest>(http.Request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(body!.Id))
        {
            return ApiProblems.BadRequest($"id: required: the tenant's id, {TenantId.Rule}.", "id");
        }

        if (InvalidId(body.Id) is { } invalid)
        {
            return invalid;
        }

        var name = body.Name ?? body.Id;
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            return ApiProblems.BadRequest($"name: the name of tenant '{body.Id}' must have 1 to {MaxNameLength} characters (not blank). Nothing was written.", "name");
        }

        var context = HttpChangeContext.From(http);
        TenantInfo created;
        try
        {
            created = await store.CreateTenantAsync(body.Id, name, context, cancellationToken).ConfigureAwait(false);
        }
        catch (CatalogOperationException e)
        {
            return ApiProblems.Conflict(e.Message, new() { ["tenant"] = body.Id });
        }

        var logger = Logger(loggers);
        TenantLog.Created(logger, created.Id, context.Actor);
        return Results.Created($"{ToolCatalogEndpointRouteBuilderExtensions.ApiPrefix}/tenants/{created.Id}", TenantResponse.From(created));
    }

    private static async Task<IResult> SetStateAsync(string id, bool disable, HttpContext http, ToolCatalogStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (InvalidId(id) is { } invalid)
        {
            return invalid;
        }

        TenantInfo tenant;
        try
        {
            tenant = disable
                ? await store.DisableTenantAsync(id, cancellationToken).ConfigureAwait(false)
                : await store.EnableTenantAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (CatalogOperationException)
        {
            return NotFound(id);
        }

        var response = TenantResponse.From(tenant);
        var logger = Logger(loggers);
        var actor = HttpChangeContext.ActorOf(http.User);
        TenantLog.StateSet(logger, tenant.Id, response.State, actor);
        return Results.Ok(response);
    }

    /// <summary>The principal's own tenant, read on the global path (a tenant's scope may not list tenants).</summary>
    private static async Task<IResult> GetOwnAsync(ClaimsPrincipal user, ServerStore server, CancellationToken cancellationToken)
    {
        if (user.FindFirst(ToolCatalogClaims.Tenant)?.Value is not { } id)
        {
            return ApiProblems.NotFound($"'{HttpChangeContext.ActorOf(user)}' is a principal of the global catalog, bound to no tenant: GET /api/v1/tenant answers for a key or token bound to a tenant. A global admin lists the tenants with GET /api/v1/tenants.");
        }

        return await FindAsync(server.Store, id, cancellationToken).ConfigureAwait(false) is { } tenant
            ? Results.Ok(TenantResponse.From(tenant))
            : NotFound(id);
    }

    private static async Task<TenantInfo?> FindAsync(ToolCatalogStore store, string id, CancellationToken cancellationToken) =>
        (await store.ListTenantsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => string.Equals(t.Id, id, StringComparison.Ordinal));

    private static IResult? InvalidId(string id) =>
        TenantId.IsValid(id)
            ? null
            : ApiProblems.BadRequest($"id: '{ToolRepresentation.Echo(id)}' is not a tenant id: a tenant id has {TenantId.Rule}. Nothing was read or written.", "id");

    private static IResult NotFound(string id) =>
        ApiProblems.Problem(
            StatusCodes.Status404NotFound,
            "not-found",
            "Not found",
            $"There is no tenant '{id}' (GET /api/v1/tenants lists them). Nothing was written.",
            new() { ["tenant"] = id });

    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger("OpsConductor.ToolCatalog.AspNetCore.Tenants");
}

/// <summary>The tenant management logs (event ids 7500–7509): who created, disabled or enabled which tenant.</summary>
internal static partial class TenantLog
{
    [LoggerMessage(EventId = 7500, Level = LogLevel.Information, Message = "Tenant {Tenant} created by {Actor}")]
    public static partial void Created(ILogger logger, string tenant, string actor);

    [LoggerMessage(EventId = 7501, Level = LogLevel.Information, Message = "Tenant {Tenant} set {State} by {Actor}")]
    public static partial void StateSet(ILogger logger, string tenant, string state, string actor);
}
