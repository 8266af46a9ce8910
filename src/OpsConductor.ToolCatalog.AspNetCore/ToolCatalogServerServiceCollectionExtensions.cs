using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.Hosting;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the tool catalog's management server (the REST API under <c>/api/v1</c>) in a host's services.</summary>
public static class ToolCatalogServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the management server on top of <see cref="ToolCatalogServiceCollectionExtensions.AddToolCatalog"/> (called
    /// here too, so its services exist; configure the catalog with your own <c>AddToolCatalog(…)</c> call): the store it
    /// writes through, problem details, the authorization policies of <see cref="ToolCatalogPolicies"/>. Map the
    /// endpoints with <c>app.MapToolCatalogApi()</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes the server's settings.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddToolCatalogServer(this IServiceCollection services, Action<ToolCatalogServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddToolCatalog();
        var options = services.AddOptions<ToolCatalogServerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(static o => o.DefaultListLimit > 0 && o.DefaultListLimit <= o.MaxListLimit, "DefaultListLimit must be between 1 and MaxListLimit.")
            .Validate(static o => o.MaxRequestBodyBytes > 0 && o.MaxImportBodyBytes > 0, "The body limits must be positive.")
            .Validate(static o => o.ChangeFeedWindow > 0 && o.ChangeFeedFollowerQueue > 0 && o.ChangeFeedKeepAliveInterval >= TimeSpan.FromSeconds(1), "ChangeFeedWindow and ChangeFeedFollowerQueue must be positive and ChangeFeedKeepAliveInterval at least 1 second.")
            .ValidateOnStart();

        services.TryAddSingleton<ServerStore>();
        services.TryAddSingleton(static sp => sp.GetRequiredService<ServerStore>().Store);
        services.AddProblemDetails();
        ToolCatalogHosting.Add(services); // OpenAPI document, health checks, metrics (Hosting/)

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ToolOwnerAuthorizationHandler>());
        services.AddAuthorizationBuilder()
            .AddPolicy(ToolCatalogPolicies.Viewer, static p => p.RequireAuthenticatedUser().RequireRole(ToolCatalogRoles.Admin, ToolCatalogRoles.Owner, ToolCatalogRoles.Viewer))
            .AddPolicy(ToolCatalogPolicies.Admin, static p => p.RequireAuthenticatedUser().RequireRole(ToolCatalogRoles.Admin))
            .AddPolicy(ToolCatalogPolicies.ToolOwner, static p => p.RequireAuthenticatedUser().AddRequirements(new ToolOwnerRequirement()));
        ToolCatalogSecurityServiceCollectionExtensions.AddToolCatalogSecurity(services);
        OpsConductor.ToolCatalog.AspNetCore.ChangeFeed.ChangeFeedEndpoints.AddChangeFeed(services); // change feed (ChangeFeed/)
        services.TryAddSingleton(static sp => new OpsConductor.ToolCatalog.AspNetCore.Tenancy.TenantCatalogs(
            sp.GetService<OpsConductor.ToolCatalog.Runtime.IToolCatalog>(),
            sp.GetRequiredService<OpsConductor.ToolCatalog.Storage.ToolCatalogStore>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpsConductor.ToolCatalog.Runtime.ToolCatalogOptions>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>())); // tenants' runtime catalogs (Tenancy/)
        services.TryAddSingleton<OpsConductor.ToolCatalog.AspNetCore.Tenancy.TenantChangeFeeds>(); // tenants' change feeds (Tenancy/)
        services.TryAddSingleton<OpsConductor.ToolCatalog.AspNetCore.Tenancy.TenantScopeFilter>();
        return services;
    }
}
