namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// The catalog an orchestrator holds: the current immutable <see cref="CatalogSnapshot"/>, kept up to date in the
/// background. Reading <see cref="Current"/> is one volatile read: it never locks, never waits for a reload, never
/// touches the database and never throws. Hold on to the snapshot for the length of one request so the request sees
/// one consistent catalog.
/// </summary>
public interface IToolCatalog
{
    /// <summary>The snapshot to read now (an empty one until the first load).</summary>
    CatalogSnapshot Current { get; }

    /// <summary>Where <see cref="Current"/> came from: the database, the YAML (configured or as fallback), or none yet.</summary>
    CatalogSource Source { get; }

    /// <summary>The revision of <see cref="Current"/> (0 for YAML).</summary>
    long Revision { get; }

    /// <summary>How the catalog is doing: healthy, degraded (serving a stale or fallback catalog) or unhealthy (nothing to serve).</summary>
    CatalogHealth Health { get; }

    /// <summary>
    /// Raised after each new snapshot is published, on the thread that built it, with what changed and how the catalog
    /// learned of it. Handlers should be quick; an exception in a handler is logged and does not stop the catalog.
    /// </summary>
    event EventHandler<CatalogChangedEventArgs>? Changed;

    /// <summary>
    /// Completes when the catalog serves <paramref name="revision"/> or a later one (for example the revision a write
    /// of this process returned: read-your-writes). Returns the snapshot that reached it. It completes after every
    /// <see cref="Changed"/> handler has run for that snapshot, so what the handlers derive is current too.
    /// </summary>
    Task<CatalogSnapshot> WaitForRevisionAsync(long revision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Catches up with the source now (the database: what changed since the held revision; YAML: the files read
    /// again) and returns the snapshot served afterwards. On failure the exception is thrown and the catalog keeps
    /// serving its last good snapshot.
    /// </summary>
    Task<CatalogSnapshot> RefreshAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads just <paramref name="toolName"/> from the source again and publishes the catalog with it replaced (or
    /// removed, when the source no longer has it), for every reader. Returns the snapshot served afterwards.
    /// </summary>
    Task<CatalogSnapshot> ReloadToolAsync(string toolName, CancellationToken cancellationToken = default);

    /// <summary>
    /// The catalog of tenant <paramref name="tenantId"/> in a process that serves many tenants (issue 19): a view of the
    /// global catalog with the tenant's overlay (its own tools, its shadows of global tools, less the global tools it
    /// disabled) laid over it, implementing this whole interface, so selection and every other reader work on it unchanged.
    /// Views share the global snapshot (nothing the tenant inherits is copied) and this catalog's one listening
    /// connection. <see cref="ToolCatalogRuntime"/> serves the tenants whose overlays it holds; others throw.
    /// </summary>
    /// <param name="tenantId">The tenant's id (<see cref="Tenancy.TenantId.Rule"/>).</param>
    /// <returns>The tenant's catalog (the same object for the same tenant).</returns>
    /// <exception cref="ToolCatalogException">This catalog does not serve tenants, or not this one (unknown, disabled, or
    /// not loaded: see <see cref="ForTenantAsync"/>).</exception>
    IToolCatalog ForTenant(string tenantId) =>
        throw new ToolCatalogException($"This catalog ({GetType().Name}) does not serve tenants, so it has no catalog of tenant '{tenantId}': a ToolCatalogRuntime of the global catalog does.");

    /// <summary>
    /// <see cref="ForTenant"/>, loading the tenant's overlay first when this catalog does not hold it yet (a tenant
    /// created after the catalog started).
    /// </summary>
    /// <param name="tenantId">The tenant's id (<see cref="Tenancy.TenantId.Rule"/>).</param>
    /// <param name="cancellationToken">Stops the load.</param>
    /// <returns>The tenant's catalog (the same object for the same tenant).</returns>
    /// <exception cref="ToolCatalogException">This catalog does not serve tenants, or there is no such tenant, or it is disabled.</exception>
    Task<IToolCatalog> ForTenantAsync(string tenantId, CancellationToken cancellationToken = default) => Task.FromResult(ForTenant(tenantId));
}
