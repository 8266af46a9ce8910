using Microsoft.Extensions.DependencyInjection;

namespace OpsConductor.ToolCatalog.AspNetCore.Hosting;

/// <summary>
/// Registers what the server's public endpoints beside the API need (called by <c>AddToolCatalogServer</c>): the OpenAPI
/// document, the health checks and the metrics. Once per service collection, however often the server is added.
/// </summary>
internal static class ToolCatalogHosting
{
    public static void Add(IServiceCollection services)
    {
        if (services.Any(static d => d.ServiceType == typeof(Registered)))
        {
            return;
        }

        services.AddSingleton<Registered>();
        ToolCatalogOpenApi.Add(services);
        ToolCatalogHealthEndpoints.Add(services);
        ToolCatalogTelemetry.Add(services);
    }

    /// <summary>Marks a service collection that has them already.</summary>
    private sealed class Registered;
}
