using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore.ChangeFeed;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.AspNetCore.Tenancy;

/// <summary>
/// The change feeds of the tenants this server serves: one <see cref="CatalogChangeFeed"/> per tenant, driven by that
/// tenant's catalog (<see cref="TenantCatalogs"/>: its snapshots are the global catalog overlaid with the tenant's own, so
/// its events carry the global changes the tenant inherits and its own, never another tenant's). Opened when
/// <see cref="TenantScopeFilter"/> first hands out the tenant's catalog (so a follower's <c>GET /catalog</c> opens the
/// window its <c>GET /changes</c> resumes from) and kept until the host stops; only tenants that exist get a catalog, so
/// their number is bounded by the tenants table. When the host begins to stop every tenant follower's stream ends, as
/// the global feed's do.
/// </summary>
internal sealed class TenantChangeFeeds : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _feeds = new(StringComparer.Ordinal);
    private readonly IOptions<ToolCatalogServerOptions> _options;
    private readonly TimeProvider? _time;
    private readonly Lock _replace = new();

    public TenantChangeFeeds(IOptions<ToolCatalogServerOptions> options, TimeProvider? time = null, IHostApplicationLifetime? lifetime = null)
    {
        _options = options;
        _time = time;
        lifetime?.ApplicationStopping.Register(Dispose);
    }

    /// <summary>How many tenants' feeds are open.</summary>
    public int Count => _feeds.Count;

    /// <summary>The feed of <paramref name="tenant"/>, following <paramref name="catalog"/> (the tenant's catalog).</summary>
    /// <remarks>Should the tenant's catalog be another instance than the one its feed follows (its runtime was rebuilt),
    /// the feed is replaced: its followers' streams end and they resume from their revision on the new one.</remarks>
    public CatalogChangeFeed For(string tenant, IToolCatalog catalog)
    {
        var entry = _feeds.GetOrAdd(tenant, _ => new Entry(catalog, _options, _time));
        if (ReferenceEquals(entry.Catalog, catalog))
        {
            return entry.Feed;
        }

        lock (_replace)
        {
            var current = _feeds.GetOrAdd(tenant, _ => new Entry(catalog, _options, _time));
            if (ReferenceEquals(current.Catalog, catalog))
            {
                return current.Feed;
            }

            var fresh = new Entry(catalog, _options, _time);
            _feeds[tenant] = fresh;
            current.Dispose();
            return fresh.Feed;
        }
    }

    public void Dispose()
    {
        foreach (var entry in _feeds.Values)
        {
            entry.Dispose();
        }
    }

    /// <summary>A tenant's catalog and its feed, created once (a losing <c>GetOrAdd</c> never subscribes to the catalog).</summary>
    private sealed class Entry(IToolCatalog catalog, IOptions<ToolCatalogServerOptions> options, TimeProvider? time)
    {
        private readonly Lazy<CatalogChangeFeed> _feed = new(() => new CatalogChangeFeed(catalog, options, time), LazyThreadSafetyMode.ExecutionAndPublication);

        public IToolCatalog Catalog => catalog;

        public CatalogChangeFeed Feed => _feed.Value;

        public void Dispose()
        {
            if (_feed.IsValueCreated)
            {
                _feed.Value.Dispose();
            }
        }
    }
}
