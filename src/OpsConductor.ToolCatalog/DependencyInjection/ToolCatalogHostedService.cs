using Microsoft.Extensions.Hosting;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.DependencyInjection;

/// <summary>Starts the catalog (its first load and the listener) with the host, and stops it with the host.</summary>
internal sealed class ToolCatalogHostedService(ToolCatalogRuntime catalog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => catalog.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => catalog.StopAsync(cancellationToken);
}
