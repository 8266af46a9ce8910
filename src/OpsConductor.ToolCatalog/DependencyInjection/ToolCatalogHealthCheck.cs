using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.DependencyInjection;

/// <summary>
/// The catalog's health for the host's health checks: healthy while it serves its configured source and follows its
/// changes; degraded while it serves the last good database snapshot with the database unreachable (the data says how
/// stale) or the YAML fallback; unhealthy while it has nothing to serve. <c>services.AddToolCatalog()</c> registers it
/// as a service; add it to the host's checks with
/// <c>services.AddHealthChecks().AddCheck&lt;ToolCatalogHealthCheck&gt;("tool_catalog")</c>.
/// </summary>
public sealed class ToolCatalogHealthCheck : IHealthCheck
{
    private readonly IToolCatalog _catalog;

    /// <summary>Creates the check over <paramref name="catalog"/>.</summary>
    public ToolCatalogHealthCheck(IToolCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
    }

    /// <summary>Reports the catalog's state; never touches the database.</summary>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = _catalog.Health;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["source"] = health.Source.ToString().ToLowerInvariant(),
            ["revision"] = health.Revision,
            ["tools"] = health.ToolCount,
            ["listening"] = health.IsListening,
        };
        if (health.Staleness is { } staleness)
        {
            data["staleness_seconds"] = Math.Round(staleness.TotalSeconds, 3);
        }

        if (health.LastError is { } error)
        {
            data["last_error"] = error;
        }

        var status = health.Status switch
        {
            CatalogHealthStatus.Healthy => HealthStatus.Healthy,
            CatalogHealthStatus.Degraded => HealthStatus.Degraded,
            _ => context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy,
        };
        return Task.FromResult(new HealthCheckResult(status, health.Description, null, data));
    }
}
