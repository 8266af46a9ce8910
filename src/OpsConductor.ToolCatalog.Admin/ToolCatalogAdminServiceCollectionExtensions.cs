using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsConductor.ToolCatalog.Admin;
using OpsConductor.ToolCatalog.Admin.Catalog;
using OpsConductor.ToolCatalog.Admin.Security;
using OpsConductor.ToolCatalog.AspNetCore.Security;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the tool catalog's admin UI (Razor components at <c>/admin</c>) in a host's services.</summary>
public static class ToolCatalogAdminServiceCollectionExtensions
{
    /// <summary>
    /// Adds the admin UI on top of the management server (calls <c>AddToolCatalogServer()</c> first when the host has
    /// not, so the store, the API keys and the authorization policies it uses exist; call yours before this one to
    /// configure the server): Razor components with interactive server rendering, the
    /// cookie scheme <see cref="ToolCatalogAdmin.CookieScheme"/> (HttpOnly, SameSite=Strict, 8 hours sliding), the OpenID
    /// Connect scheme <see cref="ToolCatalogAdmin.OpenIdConnectScheme"/> when <c>ToolCatalogServerOptions.Authentication.OpenIdConnect</c>
    /// names a provider, and the
    /// per-circuit services through which every page reads its principal's catalog (the global one, or its tenant's) and every
/// change is authorized with the API's policies. Map it with
    /// <c>app.MapToolCatalogAdmin()</c>. Idempotent.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddToolCatalogAdmin(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(AdminActions)))
        {
            return services;
        }

        if (!services.Any(static d => d.ServiceType == typeof(ApiKeyStore)))
        {
            services.AddToolCatalogServer();
        }

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddAuthentication().AddCookie(ToolCatalogAdmin.CookieScheme, static o =>
        {
            o.Cookie.Name = ToolCatalogAdmin.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = "/";
            o.LoginPath = ToolCatalogAdmin.SignInPath;
            o.AccessDeniedPath = ToolCatalogAdmin.SignInPath;
            o.ReturnUrlParameter = "returnUrl";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
        });
        AdminOpenIdConnect.Add(services); // "Sign in with …" when the server's options name an OpenID Connect provider
        services.TryAddScoped<AdminScope>(); // the circuit's catalog: the global one, or its principal's tenant's (as the API's tenant filter decides)
        services.TryAddScoped<AdminActions>();
        return services;
    }
}
