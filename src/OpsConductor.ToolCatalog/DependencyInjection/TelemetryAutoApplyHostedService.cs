using Microsoft.Extensions.Hosting;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.DependencyInjection;

/// <summary>Starts and stops <see cref="TelemetryAutoApplier"/> with the host (registered by <c>AddToolCatalog</c>; idle unless <c>TelemetryOptions.AutoApply</c> is enabled).</summary>
internal sealed class TelemetryAutoApplyHostedService(TelemetryAutoApplier applier) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => applier.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => applier.StopAsync(cancellationToken);
}
