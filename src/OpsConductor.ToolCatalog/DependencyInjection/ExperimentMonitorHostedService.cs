using Microsoft.Extensions.Hosting;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.DependencyInjection;

/// <summary>Starts and stops <see cref="ExperimentMonitor"/> with the host (registered by <c>AddToolCatalog</c>; idle unless <c>TelemetryOptions.ExperimentMonitor</c> is enabled).</summary>
internal sealed class ExperimentMonitorHostedService(ExperimentMonitor monitor) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => monitor.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => monitor.StopAsync(cancellationToken);
}
