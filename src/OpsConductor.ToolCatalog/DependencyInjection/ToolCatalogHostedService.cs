using Microsoft.Extensions.Hosting;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.DependencyInjection;

/// <summary>Starts the catalog (its first load and the listener) with the host, and stops it with the host.</summary>
internal sealed class ToolCatalogHostedService(ToolCatalogRuntime catalog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => catalog.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => catalog.StopAsync(cancellationToken);
}

/// <summary>
/// Starts the telemetry recorder's writer with the host, after the catalog (registered after it), and stops it before the
/// catalog: it writes what is buffered within the host's shutdown time.
/// </summary>
internal sealed class TelemetryHostedService(TelemetryRecorder recorder) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => recorder.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => recorder.StopAsync(cancellationToken);
}

/// <summary>Starts reading the telemetry's time calibrations with the host (when <c>TelemetryOptions.Calibration</c> is on), and stops with it.</summary>
internal sealed class TimeCalibrationHostedService(TimeCalibrationRefresher refresher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => refresher.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => refresher.StopAsync(cancellationToken);
}
