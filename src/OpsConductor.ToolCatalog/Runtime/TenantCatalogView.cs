using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tenancy;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// One tenant's catalog in a process that serves many (<see cref="ToolCatalogRuntime.ForTenant"/>): the global runtime's
/// snapshot with the tenant's overlay laid over it (<see cref="CatalogSnapshot.Layer"/>), shared, not copied. It has no
/// connection of its own: the global runtime's one listener routes the tenant's notices here and re-lays every view on
/// each global change (eagerly, under the global reload gate, before the global waiters are released).
/// </summary>
/// <remarks>
/// Revision (decision 1901): the view's snapshot reflects every change up to the global snapshot's revision, except
/// while a change of the tenant's is known but its overlay not yet reloaded; then only up to the older of the global and
/// the overlay revision. It never goes back.
/// </remarks>
internal sealed class TenantCatalogView : IToolCatalog
{
    private readonly ToolCatalogRuntime _runtime;
    private readonly object _lock = new();
    private readonly RevisionWaiters _waiters;
    private CatalogSnapshot _current;
    private TenantOverlay _overlay;
    private long _pending;
    private string? _lastError;

    public TenantCatalogView(ToolCatalogRuntime runtime, string tenant, TenantState state, TenantOverlay overlay, CatalogSnapshot global)
    {
        _runtime = runtime;
        Tenant = tenant;
        State = state;
        _overlay = overlay;
        _current = CatalogSnapshot.Layer(global, overlay, Math.Min(global.Revision, overlay.Revision), null);
        _waiters = new RevisionWaiters(_current, nameof(TenantCatalogView));
    }

    /// <summary>The tenant served.</summary>
    public string Tenant { get; }

    /// <summary>The tenant's state when its overlay was last read.</summary>
    public TenantState State { get; private set; }

    /// <summary>The overlay laid over the global snapshot now.</summary>
    internal TenantOverlay Overlay => Volatile.Read(ref _overlay);

    /// <summary>The revision of a change of the tenant's known but not yet in its overlay; 0 when none.</summary>
    internal long PendingRevision => Volatile.Read(ref _pending);

    /// <inheritdoc />
    public CatalogSnapshot Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public CatalogSource Source => Current.Source;

    /// <inheritdoc />
    public long Revision => Current.Revision;

    /// <inheritdoc />
    public CatalogHealth Health
    {
        get
        {
            var global = _runtime.Health;
            var snapshot = Current;
            var error = Volatile.Read(ref _lastError);
            if (global.Status == CatalogHealthStatus.Healthy && error is not null && PendingRevision > Overlay.Revision)
            {
                return global with
                {
                    Status = CatalogHealthStatus.Degraded,
                    Description = $"Serving tenant '{Tenant}' at revision {snapshot.Revision} ({snapshot.ToolCount} tools): its overlay could not be reloaded ({error}); retried on the next change or safety poll.",
                    Revision = snapshot.Revision,
                    ToolCount = snapshot.ToolCount,
                    LastError = error,
                };
            }

            return global with
            {
                Description = $"Tenant '{Tenant}' (revision {snapshot.Revision}, {snapshot.ToolCount} tools) over the global catalog: {global.Description}",
                Revision = snapshot.Revision,
                ToolCount = snapshot.ToolCount,
            };
        }
    }

    /// <inheritdoc />
    public event EventHandler<CatalogChangedEventArgs>? Changed;

    /// <inheritdoc />
    public IToolCatalog ForTenant(string tenantId) =>
        throw new ToolCatalogException($"This catalog is tenant '{Tenant}''s view; tenant '{tenantId}' is served by the global runtime's ForTenant, not by another tenant's view.");

    /// <inheritdoc />
    public Task<IToolCatalog> ForTenantAsync(string tenantId, CancellationToken cancellationToken = default) => Task.FromResult(ForTenant(tenantId));

    /// <inheritdoc />
    public Task<CatalogSnapshot> WaitForRevisionAsync(long revision, CancellationToken cancellationToken = default) =>
        _waiters.WaitAsync(revision, cancellationToken);

    /// <inheritdoc />
    public async Task<CatalogSnapshot> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _runtime.RefreshAsync(cancellationToken).ConfigureAwait(false);
        await _runtime.ReloadOverlaysAsync([this], CatalogChangeOrigin.Refresh, cancellationToken).ConfigureAwait(false);
        return Current;
    }

    /// <inheritdoc />
    public async Task<CatalogSnapshot> ReloadToolAsync(string toolName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        await _runtime.ReloadToolAsync(toolName, cancellationToken).ConfigureAwait(false);
        await _runtime.ReloadOverlaysAsync([this], CatalogChangeOrigin.ToolReload, cancellationToken).ConfigureAwait(false);
        return Current;
    }

    /// <summary>Notes a change of the tenant's at <paramref name="revision"/> (a notice, or a catch-up's report); true when
    /// the overlay does not hold it yet (the caller reloads it).</summary>
    internal bool NoteChange(long revision)
    {
        lock (_lock)
        {
            if (revision <= _overlay.Revision)
            {
                return false;
            }

            _pending = Math.Max(_pending, revision);
            return true;
        }
    }

    /// <summary>Lays the view over a new global snapshot, keeping the overlay (called under the global reload gate).</summary>
    internal void OnGlobalChanged(CatalogSnapshot global, CatalogChangeOrigin origin, bool isFullLoad, IReadOnlyList<CatalogToolChange> globalChanges)
    {
        lock (_lock)
        {
            var overlay = _overlay;
            List<CatalogToolChange>? changes = null;
            if (Changed is not null)
            {
                changes = [];
                foreach (var change in globalChanges)
                {
                    if (!overlay.Hides(change.Name))
                    {
                        changes.Add(change);
                    }
                }
            }

            PublishLocked(global, overlay, origin, isFullLoad, changes, isFullLoad ? null : globalChanges);
        }
    }

    /// <summary>Installs a newly read overlay (called under the global reload gate).</summary>
    internal void OnOverlayLoaded(TenantOverlayState state, long revision, CatalogSnapshot global, DateTimeOffset loadedAt, CatalogChangeOrigin origin)
    {
        lock (_lock)
        {
            var previous = _overlay;
            if (revision < previous.Revision)
            {
                return;
            }

            State = state.State;
            var definitions = state.Tools.Select(t => t.Definition);
            var overlay = TenantOverlay.Create(Tenant, revision, loadedAt, definitions, state.DisabledGlobalTools, global.Compiler, previous);
            if (_pending <= revision)
            {
                _pending = 0;
            }

            Volatile.Write(ref _lastError, null);
            List<CatalogToolChange>? changes = null;
            if (Changed is not null)
            {
                changes = [];
                var before = _current;
                foreach (var name in previous.Entries.Keys.Union(overlay.Entries.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    var after = overlay.TryGet(name, out var own) ? own : global.FindTool(name);
                    if (ToolChangeDescriber.Classify(name, before.FindTool(name), after, compareContent: false) is { } change)
                    {
                        changes.Add(change);
                    }
                }
            }

            PublishLocked(global, overlay, origin, isFullLoad: false, changes);
        }
    }

    /// <summary>Records that reloading the overlay failed (the view keeps serving what it holds, at its conservative revision).</summary>
    internal void OnOverlayFailed(string reason) => Volatile.Write(ref _lastError, reason);

    /// <summary>Fails every waiter (the runtime is disposed).</summary>
    internal void Close() => _waiters.Close();

    private void PublishLocked(CatalogSnapshot global, TenantOverlay overlay, CatalogChangeOrigin origin, bool isFullLoad, List<CatalogToolChange>? changes,
        IReadOnlyList<CatalogToolChange>? globalChanges = null)
    {
        if (!ReferenceEquals(overlay.Compiler, global.Compiler))
        {
            // The global catalog's variable table changed (a new compiler): the overlay's tools are compiled again against it.
            overlay = TenantOverlay.Create(Tenant, overlay.Revision, overlay.LoadedAt, overlay.Own.Select(t => t.Definition),
                overlay.Entries.Where(e => e.Value is null).Select(e => e.Key), global.Compiler, null);
        }

        var previous = _current;
        var revision = _pending > overlay.Revision ? Math.Min(global.Revision, overlay.Revision) : global.Revision;
        if (previous.Source == global.Source)
        {
            revision = Math.Max(revision, previous.Revision);
        }

        var next = CatalogSnapshot.Layer(global, overlay, revision, previous, ReferenceEquals(overlay, _overlay) ? globalChanges : null);
        _overlay = overlay;
        Volatile.Write(ref _current, next);
        if (Changed is { } handlers && changes is not null)
        {
            var args = new CatalogChangedEventArgs(previous, next, origin, isFullLoad, changes);
            foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<CatalogChangedEventArgs>>())
            {
                try
                {
                    handler(this, args);
                }
#pragma warning disable CA1031 // A subscriber's bug must not stop the catalog from following its source; it is logged.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _runtime.LogHandlerFailure(e);
                }
            }
        }

        _waiters.Release(next);
    }
}
