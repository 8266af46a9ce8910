using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpsConductor.ToolCatalog.AspNetCore.Hosting;
using Scalar.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Maps the management server's public endpoints beside the API: the OpenAPI document and its reference page, the
/// health endpoints and the Prometheus metrics. Each is separate, so a host (an orchestrator embedding the API, say)
/// maps only what it wants; <see cref="MapToolCatalogServer"/> maps them all, as <c>toolcatalog serve</c> does. All of
/// them answer without sign-in (scrapers, probes and readers of the reference have no key); restrict one with the
/// builder it returns (<c>.RequireHost(…)</c>, <c>.RequireAuthorization(…)</c>). Needs
/// <c>services.AddToolCatalogServer()</c>.
/// </summary>
public static class ToolCatalogServerEndpointRouteBuilderExtensions
{
    /// <summary>The path of the API's OpenAPI document.</summary>
    public const string OpenApiDocumentPath = "/openapi/v1.json";

    /// <summary>The path of the API's interactive reference page (Scalar).</summary>
    public const string ApiDocsPath = "/api/docs";

    /// <summary>The path of the liveness endpoint (the process answers).</summary>
    public const string LivePath = "/health/live";

    /// <summary>The path of the readiness endpoint (the catalog holds a snapshot and is current).</summary>
    public const string ReadyPath = "/health/ready";

    /// <summary>The path of the Prometheus metrics.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Maps everything: the API (<see cref="ToolCatalogEndpointRouteBuilderExtensions.MapToolCatalogApi"/>), its docs
    /// (<see cref="MapToolCatalogApiDocs"/>), health (<see cref="MapToolCatalogHealthChecks"/>) and metrics
    /// (<see cref="MapToolCatalogMetrics"/>).
    /// </summary>
    /// <param name="endpoints">The host's endpoints (a <c>WebApplication</c>).</param>
    /// <returns>The route group of the API, to add conventions to.</returns>
    public static RouteGroupBuilder MapToolCatalogServer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapToolCatalogApi();
        endpoints.MapToolCatalogApiDocs();
        endpoints.MapToolCatalogHealthChecks();
        endpoints.MapToolCatalogMetrics();
        return api;
    }

    /// <summary>
    /// Maps the API's OpenAPI document at <c>/openapi/v1.json</c> (only the endpoints under <c>/api/v1</c>) and its
    /// interactive reference page (Scalar) at <c>/api/docs</c>, which reads that document. Both anonymous: they describe
    /// the API, not the catalog's data.
    /// </summary>
    /// <param name="endpoints">The host's endpoints.</param>
    /// <returns>The conventions of both endpoints.</returns>
    public static IEndpointConventionBuilder MapToolCatalogApiDocs(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var document = endpoints.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        var reference = endpoints.MapScalarApiReference(ApiDocsPath, static options => options
                .WithTitle(ToolCatalogOpenApi.Title)
                .WithOpenApiRoutePattern(OpenApiDocumentPath)
                .AddPreferredSecuritySchemes([ToolCatalogOpenApi.BearerScheme]))
            .AllowAnonymous();
        return new Conventions([document, reference]);
    }

    /// <summary>
    /// Maps <c>/health/live</c> (runs no check: the process answers) and <c>/health/ready</c> (the catalog's health check
    /// and any check the host tagged <c>ready</c>): JSON with the overall <c>status</c> and each check's status,
    /// description and data; 200 when healthy or degraded, 503 when unhealthy. Anonymous.
    /// </summary>
    /// <param name="endpoints">The host's endpoints.</param>
    /// <returns>The conventions of both endpoints.</returns>
    public static IEndpointConventionBuilder MapToolCatalogHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var live = endpoints.MapHealthChecks(LivePath, ToolCatalogHealthEndpoints.Live).AllowAnonymous();
        var ready = endpoints.MapHealthChecks(ReadyPath, ToolCatalogHealthEndpoints.Ready).AllowAnonymous();
        return new Conventions([live, ready]);
    }

    /// <summary>
    /// Maps the Prometheus scraping endpoint <c>/metrics</c>: ASP.NET Core's request metrics and the catalog's own meter
    /// (no tool names or other high-cardinality tags). Anonymous, as scrapers expect; restrict it with the returned
    /// builder (<c>.RequireHost("*:9464")</c>) when the port is public.
    /// </summary>
    /// <param name="endpoints">The host's endpoints.</param>
    /// <returns>The endpoint's conventions.</returns>
    public static IEndpointConventionBuilder MapToolCatalogMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
    }

    /// <summary>Applies a convention to several endpoints at once.</summary>
    private sealed class Conventions(IEndpointConventionBuilder[] builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
