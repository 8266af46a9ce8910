namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>How well a <see cref="ToolCatalogRuntime"/> is doing.</summary>
public enum CatalogHealthStatus
{
    /// <summary>Nothing to serve: no snapshot has ever been loaded (readers see an empty catalog).</summary>
    Unhealthy,

    /// <summary>
    /// Serving, but not from a live source: the last good database snapshot while the database is unreachable (see
    /// <see cref="CatalogHealth.Staleness"/>), or the YAML fallback while the database has never been reachable.
    /// </summary>
    Degraded,

    /// <summary>Serving the configured source and following its changes.</summary>
    Healthy,
}

/// <summary>A point-in-time report on a <see cref="ToolCatalogRuntime"/>.</summary>
/// <param name="Status">Healthy, degraded or unhealthy.</param>
/// <param name="Description">One sentence saying why, for people (health endpoints, logs).</param>
/// <param name="Source">Where the snapshot being served came from.</param>
/// <param name="Revision">The revision being served (0 for YAML).</param>
/// <param name="ToolCount">The tools in the snapshot being served.</param>
/// <param name="IsListening">Whether the listening connection is up and caught up.</param>
/// <param name="Staleness">How long the catalog has not been sure it is current: zero while listening, else the time
/// since it last was; null when nothing was ever loaded from the database.</param>
/// <param name="LastError">The last failure talking to the source (connection, query), or null.</param>
public sealed record CatalogHealth(
    CatalogHealthStatus Status,
    string Description,
    CatalogSource Source,
    long Revision,
    int ToolCount,
    bool IsListening,
    TimeSpan? Staleness,
    string? LastError);
