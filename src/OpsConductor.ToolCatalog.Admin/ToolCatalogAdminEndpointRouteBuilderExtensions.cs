using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using OpsConductor.ToolCatalog.Admin;
using OpsConductor.ToolCatalog.Admin.Components;
using OpsConductor.ToolCatalog.Admin.Security;
using OpsConductor.ToolCatalog.AspNetCore.Security;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the tool catalog's admin UI into a host's endpoints.</summary>
public static class ToolCatalogAdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the admin UI at <c>/admin</c>: its pages, Blazor's hub (<c>/_blazor</c>) and script (served from this
    /// assembly at <c>/admin/_framework/blazor.web.js</c>, so the host needs no static web assets), and its sign-in and
    /// sign-out endpoints.
    /// Every page but the sign-in page needs a principal signed in with the admin cookie and the
    /// <see cref="ToolCatalogPolicies.Viewer"/> policy; every change a page makes is authorized again, server-side, with
    /// the same policies as the REST API. Needs <c>services.AddToolCatalogAdmin()</c> and
    /// <c>app.UseToolCatalogServer()</c> before it.
    /// </summary>
    /// <param name="endpoints">The host's endpoints (a <c>WebApplication</c>).</param>
    /// <returns>The conventions of the admin UI's pages.</returns>
    public static RazorComponentsEndpointConventionBuilder MapToolCatalogAdmin(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        AdminSignInEndpoints.Map(endpoints);
        AdminScript.Map(endpoints);
        return endpoints.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(new AuthorizeAttribute
            {
                Policy = ToolCatalogPolicies.Viewer,
                AuthenticationSchemes = ToolCatalogAdmin.CookieScheme,
            });
    }
}
