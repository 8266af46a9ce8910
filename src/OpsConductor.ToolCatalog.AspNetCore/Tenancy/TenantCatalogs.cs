using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tenancy;

namespace OpsConductor.ToolCatalog.AspNetCore.Tenancy;

/// <summary>
/// The server's catalogs of tenants, got on a tenant principal's first request that reads the runtime (tool lists,
/// search, a tool, capabilities, the revision, the catalog, selection, estimates) and kept until the host stops. An
/// active tenant's catalog is the server's own runtime's view of it (<see cref="IToolCatalog.ForTenantAsync"/>): it
/// shares the global snapshot and the one listening connection, whatever the number of tenants served. A disabled
/// tenant (its rows readable, not writable) is not served by views, so it gets a <see cref="ToolCatalogRuntime"/> of its
/// own in its scope (<see cref="ToolCatalogOptions.Tenant"/>), as every tenant did before views were built; so does
/// every tenant when the server's catalog cannot serve views (not a <see cref="ToolCatalogRuntime"/> of the database).
/// Only existing tenants get one, so their number is bounded by the tenants table.
/// </summary>
internal sealed class TenantCatalogs(IToolCatalog? global, ToolCatalogStore store, IOptions<ToolCatalogOptions> options, TimeProvider? time = null, ILoggerFactory? loggers = null)
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
        if (ServesViews)
        {
            try
            {
                return await global!.ForTenantAsync(tenant, cancellationToken).ConfigureAwait(false);
            }
            catch (ToolCatalogException) when (!cancellationToken.IsCancellationRequested)
            {
                // Unknown (null: not remembered, it may be created later), disabled (its own runtime, below), or a
                // failed read (thrown again: the next request tries again).
                var state = (await store.ListTenantsAsync(cancellationToken).ConfigureAwait(false))
                    .FirstOrDefault(t => string.Equals(t.Id, tenant, StringComparison.Ordinal))?.State;
                if (state is null)
                {
                    return null;
                }

                if (state != TenantState.Disabled)
                {
                    throw;
                }
            }
        }

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

    /// <summary>Whether active tenants are served as views of the server's own runtime (one snapshot and listener for all).</summary>
    private bool ServesViews =>
        global is ToolCatalogRuntime && options.Value is { Tenant: null, Server: null } && options.Value.Mode != CatalogMode.Yaml;

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
