using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.AspNetCore.Tenancy;

/// <summary>
/// The server's runtime catalogs of tenants, built on a tenant principal's first request that reads the runtime (tool
/// lists, search, a tool, capabilities, the revision, the catalog, selection, estimates) and kept until the host stops:
/// one <see cref="ToolCatalogRuntime"/> per tenant served, in that tenant's scope (<see cref="ToolCatalogOptions.Tenant"/>:
/// global + its overlay, followed by hot reload). Only existing tenants get one, so their number is bounded by the
/// tenants table. Each holds its own snapshot and listening connection (the many-tenant view sharing the global snapshot,
/// <c>IToolCatalog.ForTenant</c>, is not built; decision 1901).
/// </summary>
internal sealed class TenantCatalogs(ToolCatalogStore store, IOptions<ToolCatalogOptions> options, TimeProvider? time = null, ILoggerFactory? loggers = null)
    : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ToolCatalogRuntime?>>> _runtimes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Whether the server can build tenants' catalogs at all (they need the database; a YAML-only server has none).</summary>
    public bool Available => options.Value.Mode != CatalogMode.Yaml;

    /// <summary>The runtime catalog of <paramref name="tenant"/>, started; null when there is no such tenant.</summary>
    /// <exception cref="ToolCatalogException">The tenant's catalog could not be loaded (not cached: the next request tries again).</exception>
    public async Task<IToolCatalog?> GetAsync(string tenant, CancellationToken cancellationToken)
    {
        var entry = _runtimes.GetOrAdd(tenant, t => new Lazy<Task<ToolCatalogRuntime?>>(() => StartAsync(t)));
        ToolCatalogRuntime? runtime;
        try
        {
            runtime = await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ToolCatalogException)
        {
            _runtimes.TryRemove(KeyValuePair.Create(tenant, entry));
            throw;
        }

        if (runtime is null)
        {
            // Unknown now; it may be created later, so not remembered.
            _runtimes.TryRemove(KeyValuePair.Create(tenant, entry));
        }

        return runtime;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var entry in _runtimes.Values.Where(static e => e.IsValueCreated))
        {
            // A start still in flight ends now (cancelled, it disposes its runtime itself) or hands over a runtime to dispose;
            // a start that failed left nothing to dispose (its request already saw the error).
            ToolCatalogRuntime? runtime;
            try
            {
                runtime = await entry.Value.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                continue;
            }

            if (runtime is not null)
            {
                await runtime.DisposeAsync().ConfigureAwait(false);
            }
        }

        _runtimes.Clear();
        _stopping.Dispose();
    }

    private async Task<ToolCatalogRuntime?> StartAsync(string tenant)
    {
        var tenants = await store.ListTenantsAsync(_stopping.Token).ConfigureAwait(false);
        if (!tenants.Any(t => string.Equals(t.Id, tenant, StringComparison.Ordinal)))
        {
            return null;
        }

        var global = options.Value;
        var runtime = new ToolCatalogRuntime(
            new ToolCatalogOptions
            {
                Mode = CatalogMode.Database,
                Tenant = tenant,
                SafetyPollInterval = global.SafetyPollInterval,
                ReconnectDelay = global.ReconnectDelay,
                MaxReconnectDelay = global.MaxReconnectDelay,
                ListenerKeepAlive = global.ListenerKeepAlive,
                ListenerApplicationName = global.ListenerApplicationName,
            },
            store.DataSource,
            time,
            loggers);
        try
        {
            await runtime.StartAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return runtime;
    }
}
