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
    /// experiments are global and not applied to a tenant's catalog. Not with <see cref="Server"/>: over HTTP the
    /// <see cref="ServerApiKey"/> decides the tenant (a key bound to a tenant follows that tenant's catalog).
    /// </summary>
    public string? Tenant { get; set; }

    /// <summary>
    /// Whether a runtime of the global catalog (no <see cref="Tenant"/>) loads every active tenant's overlay at start, in
    /// one query after the first load, so <see cref="IToolCatalog.ForTenant"/> serves each of them at once. False (the
    /// default): no tenant is loaded until <see cref="IToolCatalog.ForTenantAsync"/> asks for it (a process serving no
    /// tenant pays nothing). Either way a tenant created later is loaded by its first <see cref="IToolCatalog.ForTenantAsync"/>.
    /// </summary>
    public bool LoadTenantsAtStart { get; set; }

    /// <summary>
    /// The <c>Application Name</c> of the listening connection, as <c>pg_stat_activity</c> shows it. <c>toolcatalog-listener</c> by default.
    /// </summary>
    public string ListenerApplicationName { get; set; } = "toolcatalog-listener";

    // Scale-out (issue 20): following the catalog through the management server, and reads from a replica.

    /// <summary>
    /// The management server to follow the catalog through, instead of PostgreSQL (for example
    /// <c>https://catalog.internal/</c>): the catalog loads <c>GET /api/v1/catalog</c>, then follows
    /// <c>GET /api/v1/changes</c> (Server-Sent Events), with the guarantees of the database modes (revision order, gap
    /// detection and reload, the safety poll, the last good snapshot while every server is away, the YAML fallback if it
    /// never loaded). Requires <see cref="ServerApiKey"/>; excludes <see cref="ConnectionString"/> and the host's data
    /// source. Not set by default: the catalog follows PostgreSQL directly.
    /// </summary>
    public Uri? Server { get; set; }

    /// <summary>
    /// More replicas of the same management server (same database), tried in turn after <see cref="Server"/> when the
    /// one in use fails. Empty by default (one address, usually a load balancer's, is enough).
    /// </summary>
    public IList<Uri> ServerReplicas { get; } = [];

    /// <summary>
    /// The API key (role <c>viewer</c> is enough) sent as <c>X-Api-Key</c> to <see cref="Server"/>. Required with
    /// <see cref="Server"/>. Never logged.
    /// </summary>
    public string? ServerApiKey { get; set; }

    /// <summary>
    /// A PostgreSQL connection string for reads (snapshot loads, catch-ups, the safety poll's revision), typically a
    /// read replica, while the listening connection and every write stay on <see cref="ConnectionString"/> (or the
    /// host's data source). A read that returns an older revision than a notice announced (replica lag) is retried
    /// until the replica has it (up to <see cref="ReplicaLagTolerance"/>, then the older revision is served and the next
    /// notice or poll catches up). Not set by default: reads use the primary. Never logged.
    /// </summary>
    public string? ReadConnectionString { get; set; }

    /// <summary>
    /// How long a catch-up waits for <see cref="ReadConnectionString"/>'s server to reach the revision a notice announced
    /// (5 seconds by default; retried with a doubling wait from 10 ms).
    /// </summary>
    public TimeSpan ReplicaLagTolerance { get; set; } = TimeSpan.FromSeconds(5);
}
