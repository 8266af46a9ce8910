namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// How a <see cref="ToolCatalogRuntime"/> loads and follows the catalog. Every property has a documented default; the
/// options are checked when the catalog is created (and, under dependency injection, when the host starts).
/// </summary>
public sealed class ToolCatalogOptions
{
    /// <summary>Where the tools come from; <see cref="CatalogMode.DatabaseWithYamlFallback"/> by default.</summary>
    public CatalogMode Mode { get; set; } = CatalogMode.DatabaseWithYamlFallback;

    /// <summary>
    /// A PostgreSQL connection string. When set, the catalog builds (and owns) a data source from it; when not set,
    /// it uses the host's <c>NpgsqlDataSource</c> service. Never logged.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// A folder of per-tool YAML files (read recursively, in ordinal path order) or one file (per-tool or the
    /// single-file profiles format). Required in <see cref="CatalogMode.Yaml"/>; the fallback in
    /// <see cref="CatalogMode.DatabaseWithYamlFallback"/>. Relative paths are resolved against the current directory.
    /// </summary>
    public string? YamlPath { get; set; }

    /// <summary>
    /// How often the listener compares the database's revision with the one it holds even when no notice came
    /// (NOTIFY is a hint: a notice can be lost). 30 seconds by default; at least 1 second.
    /// </summary>
    public TimeSpan SafetyPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first wait before reconnecting a lost listening connection; doubled per failed attempt, with ±20 % jitter. 250 ms by default.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The cap of the doubling wait between reconnection attempts, before the ±20 % jitter (so waits at the cap are
    /// 24–36 s by default). 30 seconds by default. While the server answers (connection refused or reset, server
    /// starting or stopping) the cap is 2 seconds instead (or this, if smaller), so the catalog is current again within
    /// seconds of the server's return.
    /// </summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Idle time after which the listening connection sends a keepalive query, so a dead server or network is noticed
    /// while waiting for notices (Npgsql's <c>Keepalive</c>, whole seconds; TCP keepalive is on as well). 10 seconds by
    /// default; <see cref="TimeSpan.Zero"/> turns the query off.
    /// </summary>
    public TimeSpan ListenerKeepAlive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The tenant this catalog serves (issue 19): the catalog is the global one overlaid with the tenant's own tools and
    /// shadows, less the global tools it disabled for itself, and follows the changes of both. Null (the default): the
    /// global catalog, exactly as without tenants. A database catalog only (a YAML catalog has no tenants); running
    /// experiments are global and not applied to a tenant's catalog.
    /// </summary>
    public string? Tenant { get; set; }

    /// <summary>
    /// The <c>Application Name</c> of the listening connection, as <c>pg_stat_activity</c> shows it. <c>toolcatalog-listener</c> by default.
    /// </summary>
    public string ListenerApplicationName { get; set; } = "toolcatalog-listener";
}
