using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpsConductor.ToolCatalog.Diagnostics;

namespace OpsConductor.ToolCatalog.AspNetCore.Hosting;

/// <summary>
/// The server's metrics through OpenTelemetry: ASP.NET Core's request metrics (<c>http.server.request.duration</c>, …)
/// and the catalog's own meter (<see cref="ToolCatalogDiagnostics.MeterName"/>: reloads, tools, revision, staleness),
/// exported for Prometheus at <c>/metrics</c>. A host that configures OpenTelemetry itself adds to the same meter
/// provider (<c>AddOpenTelemetry()</c> may be called any number of times).
/// </summary>
internal static class ToolCatalogTelemetry
{
    public static void Add(IServiceCollection services) =>
        services.AddOpenTelemetry().WithMetrics(static metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter(ToolCatalogDiagnostics.MeterName)
            .AddPrometheusExporter());
}
