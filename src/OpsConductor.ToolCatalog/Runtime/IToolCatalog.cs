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
}
