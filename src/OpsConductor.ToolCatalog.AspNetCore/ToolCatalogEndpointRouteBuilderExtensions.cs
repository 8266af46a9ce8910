using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpsConductor.ToolCatalog.AspNetCore.Endpoints;
using OpsConductor.ToolCatalog.AspNetCore.Security;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the tool catalog's management API into a host's endpoints.</summary>
public static class ToolCatalogEndpointRouteBuilderExtensions
{
    /// <summary>The prefix of every API path.</summary>
    public const string ApiPrefix = "/api/v1";

    /// <summary>
    /// Maps the REST API under <c>/api/v1</c>; every endpoint needs a signed-in principal (<see cref="ToolCatalogPolicies.Viewer"/>
    /// at least). Needs <c>services.AddToolCatalogServer()</c>.
    /// </summary>
    /// <param name="endpoints">The host's endpoints (a <c>WebApplication</c>).</param>
    /// <returns>The route group of the API, to add conventions to.</returns>
    public static RouteGroupBuilder MapToolCatalogApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup(ApiPrefix)
            .RequireAuthorization(ToolCatalogPolicies.Viewer)
            .WithTags("ToolCatalog");
        api.AddEndpointFilter<OpsConductor.ToolCatalog.AspNetCore.Tenancy.TenantScopeFilter>(); // a tenant principal's requests in its tenant (Tenancy/)
        CatalogEndpoints.Map(api);
        ToolReadEndpoints.Map(api);
        SelectionEndpoints.Map(api);
        ToolWriteEndpoints.Map(api);
        ImportExportEndpoints.Map(api);
        TelemetryEndpoints.Map(api);
        TelemetryRecommendationEndpoints.Map(api);
        TelemetryReportEndpoints.Map(api);
        ReplayEndpoints.Map(api);
        ExperimentEndpoints.Map(api);
        OpsConductor.ToolCatalog.AspNetCore.ChangeFeed.ChangeFeedEndpoints.Map(api);
        OpsConductor.ToolCatalog.AspNetCore.Tenancy.TenantEndpoints.Map(api); // tenant management (Tenancy/)
        return api;
    }
}
