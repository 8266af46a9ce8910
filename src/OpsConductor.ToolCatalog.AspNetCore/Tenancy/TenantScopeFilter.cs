using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.AspNetCore.Tenancy;

/// <summary>
/// Puts every request of a tenant principal (one carrying <see cref="ToolCatalogClaims.Tenant"/>) in its tenant, for every
/// endpoint of the API at once (a filter on the API's route group, so a new endpoint cannot forget it): the handler's
/// <see cref="ToolCatalogStore"/> becomes <c>store.ForTenant(tenant)</c> (reads see the global catalog and the tenant's
/// overlay, writes change the overlay only, row-level security holds for all of it) and its <see cref="IToolCatalog"/>
/// the tenant's runtime catalog (<see cref="TenantCatalogs"/>), and its <see cref="ChangeFeed.CatalogChangeFeed"/> the
/// tenant's feed (<see cref="TenantChangeFeeds"/>). The global catalog's own data and administration (telemetry, replay,
/// experiments, tenants) is refused with 403. Principals without a tenant pass unchanged.
/// </summary>
internal sealed class TenantScopeFilter(TenantCatalogs catalogs, TenantChangeFeeds feeds) : IEndpointFilter
{
    /// <summary>The routes (under the API's prefix) that are the global catalog's and refused to a tenant principal.</summary>
    private static readonly string[] GlobalOnly = ["/telemetry", "/replay", "/experiments", "/tenants"];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var tenant = http.User.FindFirst(ToolCatalogClaims.Tenant)?.Value;
        if (tenant is null)
        {
            return await next(context).ConfigureAwait(false);
        }

        var route = Relative((http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
        if (Matches(route, GlobalOnly))
        {
            return ApiProblems.TenantGlobalOnly(http.User.Identity?.Name, tenant, route);
        }

        IToolCatalog? catalog = null;
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            switch (context.Arguments[i])
            {
                case ToolCatalogStore store when store.Tenant is null:
                    context.Arguments[i] = store.ForTenant(tenant);
                    break;
                case IToolCatalog:
                case ChangeFeed.CatalogChangeFeed:
                    if (catalog is null)
                    {
                        if (!catalogs.Available)
                        {
                            return ApiProblems.TenantNotServed(tenant, route, "this server serves a YAML catalog, and a tenant's catalog needs the database");
                        }

                        try
                        {
                            catalog = await catalogs.GetAsync(tenant, http.RequestAborted).ConfigureAwait(false);
                        }
                        catch (ToolCatalogException e)
                        {
                            http.Response.Headers.RetryAfter = "5";
                            return ApiProblems.Busy($"The catalog of tenant '{tenant}' could not be loaded: {e.Message}");
                        }

                        if (catalog is null)
                        {
                            return ApiProblems.TenantUnknown(http.User.Identity?.Name, tenant);
                        }
                    }

                    // The tenant's feed opens with its catalog (GET /catalog opens the window GET /changes resumes from).
                    var feed = feeds.For(tenant, catalog);
                    context.Arguments[i] = context.Arguments[i] is ChangeFeed.CatalogChangeFeed ? feed : catalog;
                    break;
            }
        }

        return await next(context).ConfigureAwait(false);
    }

    private static string Relative(string? pattern)
    {
        var route = pattern ?? string.Empty;
        var prefix = Microsoft.AspNetCore.Builder.ToolCatalogEndpointRouteBuilderExtensions.ApiPrefix;
        return route.StartsWith(prefix, StringComparison.Ordinal) ? route[prefix.Length..] : route;
    }

    private static bool Matches(string route, string[] prefixes) =>
        prefixes.Any(p => route.Equals(p, StringComparison.Ordinal) || route.StartsWith(p + "/", StringComparison.Ordinal));
}
