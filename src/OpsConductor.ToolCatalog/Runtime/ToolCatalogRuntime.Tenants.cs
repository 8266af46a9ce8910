using System.Collections.Concurrent;
using System.Threading.Channels;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tenancy;

namespace OpsConductor.ToolCatalog.Runtime;

/// <content>
/// Serving many tenants from one runtime of the global catalog (issue 19, decision 1901): <see cref="ForTenant"/> gives a
/// tenant's view, which shares the global snapshot and lays the tenant's overlay over it. The one listening connection
/// serves them all: a notice naming a tenant reloads that tenant's overlay only; a global change re-lays every view
/// before the global waiters are released; each catch-up also reports which tenants changed (so a lost notice is
/// caught by the next catch-up, like a global one).
/// </content>
public sealed partial class ToolCatalogRuntime
{
    private readonly ConcurrentDictionary<string, TenantCatalogView> _views = new(StringComparer.Ordinal);
    private readonly Channel<TenantCatalogView> _overlayReloads = Channel.CreateUnbounded<TenantCatalogView>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _overlayLoop;
    private int _overlayLoopStarted;
    private int _tenantsLoaded;

    /// <summary>Test seam: awaited before each read of tenants' overlays for views already held (a notice's, a catch-up's, a refresh's).</summary>
    internal Func<IReadOnlyCollection<string>, CancellationToken, Task>? BeforeOverlayReload { get; set; }

    /// <summary>The tenants' views this runtime holds (tests, benchmarks).</summary>
    internal int TenantViewCount => _views.Count;

    /// <inheritdoc />
    /// <remarks>
    /// Serves a tenant whose overlay this runtime holds: every active tenant's when <see cref="ToolCatalogOptions.LoadTenantsAtStart"/>
    /// is set, and every tenant <see cref="ForTenantAsync"/> loaded since. The same view is returned for the same tenant.
    /// </remarks>
    /// <exception cref="ToolCatalogException">This runtime cannot serve tenants (YAML mode, a follower of a management
    /// server, a runtime of one tenant), or the tenant's overlay is not loaded (use <see cref="ForTenantAsync"/>), or the
    /// tenant is disabled.</exception>
    public IToolCatalog ForTenant(string tenantId)
    {
        ThrowIfCannotServeTenants(tenantId);
        if (!_views.TryGetValue(tenantId, out var view))
        {
            throw new ToolCatalogException(
                $"Tenant '{tenantId}' is not loaded in this catalog: ForTenant serves the tenants whose overlays it holds (every active tenant "
                + $"at start with {nameof(ToolCatalogOptions)}.{nameof(ToolCatalogOptions.LoadTenantsAtStart)}, and those loaded since). "
                + $"Use ForTenantAsync(\"{tenantId}\") to load a tenant created later.");
        }

        return ThrowIfDisabled(view);
    }

    /// <inheritdoc />
    /// <exception cref="ToolCatalogException">This runtime cannot serve tenants, or there is no tenant
    /// <paramref name="tenantId"/>, or it is disabled, or its overlay could not be read.</exception>
    public async Task<IToolCatalog> ForTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ThrowIfCannotServeTenants(tenantId);
        if (_views.TryGetValue(tenantId, out var held) && held.State == TenantState.Active)
        {
            return held;
        }

        // Not held, or held as disabled (it may have been enabled since: its state is read again with its overlay).

        TenantOverlaySet set;
        try
        {
            set = await _globalStore!.LoadTenantOverlaysAsync([tenantId], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or IOException)
        {
            throw new CatalogLoadException($"The overlay of tenant '{tenantId}' could not be read: {Describe(e)}. Nothing was cached; the next call tries again.", e);
        }

        if (set.Tenants.Count == 0)
        {
            throw new ToolCatalogException($"There is no tenant '{tenantId}' (toolcatalog tenants list shows the tenants; toolcatalog tenants create adds one).");
        }

        await InstallOverlaysAsync(set, CatalogChangeOrigin.Startup, cancellationToken).ConfigureAwait(false);
        return ThrowIfDisabled(_views[tenantId]);
    }

    /// <summary>Reads the overlays of <paramref name="views"/> now (one query) and installs them.</summary>
    internal async Task ReloadOverlaysAsync(IReadOnlyCollection<TenantCatalogView> views, CatalogChangeOrigin origin, CancellationToken cancellationToken)
    {
        if (views.Count == 0)
        {
            return;
        }

        var tenants = views.Select(v => v.Tenant).ToList();
        try
        {
            if (BeforeOverlayReload is { } hook)
            {
                await hook(tenants, cancellationToken).ConfigureAwait(false);
            }

            // One tenant's overlay is read in its own scope, so row-level security alone bounds what it can return.
            var store = tenants.Count == 1 ? _globalStore!.ForTenant(tenants[0]) : _globalStore!;
            var set = await store.LoadTenantOverlaysAsync(tenants, cancellationToken).ConfigureAwait(false);
            await InstallOverlaysAsync(set, origin, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var reason = Describe(e);
            foreach (var view in views)
            {
                view.OnOverlayFailed(reason);
            }

            RuntimeLog.OverlayReloadFailed(_logger, tenants.Count, string.Join(", ", tenants.Take(5)), reason);
            throw;
        }
    }

    /// <summary>Logs a failing <see cref="IToolCatalog.Changed"/> handler of a tenant's view.</summary>
    internal void LogHandlerFailure(Exception e) => RuntimeLog.HandlerFailed(_logger, nameof(Changed), e);

    /// <summary>Loads every active tenant's overlay in one query and holds a view of each; returns their number.</summary>
    internal async Task<int> LoadActiveTenantsAsync(CancellationToken cancellationToken)
    {
        var set = await _globalStore!.LoadTenantOverlaysAsync(null, cancellationToken).ConfigureAwait(false);
        await InstallOverlaysAsync(set, CatalogChangeOrigin.Startup, cancellationToken).ConfigureAwait(false);
        RuntimeLog.TenantsLoaded(_logger, set.Tenants.Count, set.Revision);
        return set.Tenants.Count;
    }

    /// <summary>Loads every active tenant's overlay in one query (<see cref="ToolCatalogOptions.LoadTenantsAtStart"/>); a
    /// failure is logged (tenants are then loaded one by one by <see cref="ForTenantAsync"/>).</summary>
    private async Task LoadAllTenantsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoadActiveTenantsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RuntimeLog.OverlayReloadFailed(_logger, 0, "every active tenant", Describe(e));
        }
    }

    /// <summary>
    /// Installs read overlays under the reload gate (so no catch-up runs between a view's creation and its first
    /// layering): existing views take theirs, new views are created. A view whose overlay is older than the global
    /// snapshot may miss a change of its tenant made in between: it is marked and read again.
    /// </summary>
    private async Task InstallOverlaysAsync(TenantOverlaySet set, CatalogChangeOrigin origin, CancellationToken cancellationToken)
    {
        var loadedAt = _time.GetUtcNow();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var global = Current;
            foreach (var state in set.Tenants)
            {
                if (_views.TryGetValue(state.Tenant, out var view))
                {
                    view.OnOverlayLoaded(state, set.Revision, global, loadedAt, origin);
                }
                else
                {
                    var overlay = TenantOverlay.Create(state.Tenant, set.Revision, loadedAt, state.Tools.Select(t => t.Definition), state.DisabledGlobalTools, global.Compiler, null);
                    view = _views.GetOrAdd(state.Tenant, new TenantCatalogView(this, state.Tenant, state.State, overlay, global));
                }

                if (global.Revision > set.Revision && view.NoteChange(global.Revision))
                {
                    QueueOverlayReload(view);
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        StartOverlayLoop();
    }

    /// <summary>Routes a notice naming a tenant to that tenant's view (called by the listener for each notice).</summary>
    private void RouteTenantNotice(CatalogNotification notification)
    {
        if (notification.Tenant is { } tenant && _views.TryGetValue(tenant, out var view) && view.NoteChange(notification.Revision))
        {
            QueueOverlayReload(view);
        }
    }

    /// <summary>
    /// After the global snapshot changed (under the gate, before global waiters are released): marks the tenants the
    /// catch-up reported as changed (all of them after a full load, which reports none), then re-lays every view.
    /// </summary>
    private void RelayTenantViews(CatalogSnapshot next, CatalogChangeOrigin origin, bool isFullLoad, IReadOnlyList<CatalogToolChange> changes, IReadOnlyDictionary<string, long>? changedTenants)
    {
        if (_views.IsEmpty)
        {
            return;
        }

        var started = _time.GetTimestamp();
        foreach (var view in _views.Values)
        {
            var changed = isFullLoad ? next.Revision : changedTenants?.GetValueOrDefault(view.Tenant) ?? 0;
            if (changed > 0 && view.NoteChange(changed))
            {
                QueueOverlayReload(view);
            }

            view.OnGlobalChanged(next, origin, isFullLoad, changes);
        }

        LastRelayDuration = _time.GetElapsedTime(started);
    }

    /// <summary>How long the last re-laying of every view over a new global snapshot took (benchmarks).</summary>
    internal TimeSpan LastRelayDuration { get; private set; }

    private void QueueOverlayReload(TenantCatalogView view)
    {
        _overlayReloads.Writer.TryWrite(view);
        StartOverlayLoop();
    }

    private void StartOverlayLoop()
    {
        if (_stop is { IsCancellationRequested: false } stop && Interlocked.Exchange(ref _overlayLoopStarted, 1) == 0)
        {
            var token = stop.Token;
            _overlayLoop = Task.Run(() => RunOverlayReloadsAsync(token), CancellationToken.None);
        }
    }

    /// <summary>
    /// Reloads the overlays of views marked as changed: whatever queued up since the last round is read in one query
    /// (a burst of notices of many tenants costs one round trip). A failure leaves the views marked (their revision stays
    /// conservative); the next notice, catch-up or safety poll of the global catalog retries.
    /// </summary>
    private async Task RunOverlayReloadsAsync(CancellationToken stop)
    {
        var reader = _overlayReloads.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                var batch = new HashSet<TenantCatalogView>(ReferenceEqualityComparer.Instance);
                while (reader.TryRead(out var view))
                {
                    if (view.PendingRevision > view.Overlay.Revision)
                    {
                        batch.Add(view);
                    }
                }

                try
                {
                    await ReloadOverlaysAsync(batch, CatalogChangeOrigin.Notice, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Logged and shown in the views' health by ReloadOverlaysAsync; a later catch-up marks them again.
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private void ThrowIfCannotServeTenants(string tenantId)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        TenantId.ThrowIfInvalid(tenantId, nameof(tenantId));
        var reason = _options.Tenant is { } own
            ? $"it serves tenant '{own}' only ({nameof(ToolCatalogOptions)}.{nameof(ToolCatalogOptions.Tenant)}); a process serving many tenants runs one runtime of the global catalog (Tenant unset) and asks it for each tenant"
            : _mode == CatalogMode.Yaml
                ? "it reads a YAML catalog (Mode = Yaml), and tenants live in the database"
                : _serverClient is not null
                    ? $"it follows the catalog through a management server ({nameof(ToolCatalogOptions.Server)}), whose change feed has no tenant scope"
                    : null;
        if (reason is not null)
        {
            throw new ToolCatalogException($"This catalog cannot serve tenant '{tenantId}': {reason}.");
        }
    }

    private static TenantCatalogView ThrowIfDisabled(TenantCatalogView view) =>
        view.State == TenantState.Disabled
            ? throw new ToolCatalogException($"Tenant '{view.Tenant}' is disabled: its catalog is not served (toolcatalog tenants enable {view.Tenant} enables it).")
            : view;
}
