namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>How a <see cref="ToolCatalogRuntime"/> learned that it had to change.</summary>
public enum CatalogChangeOrigin
{
    /// <summary>The first load after start (or the switch from the YAML fallback to the database).</summary>
    Startup,

    /// <summary>A LISTEN/NOTIFY notice from a committed write.</summary>
    Notice,

    /// <summary>The periodic safety poll found the database ahead (a notice was lost).</summary>
    SafetyPoll,

    /// <summary>The catch-up after the listening connection was re-established.</summary>
    Reconnect,

    /// <summary>An explicit <see cref="IToolCatalog.RefreshAsync"/> (or the facade's <c>Load(forceReload: true)</c>).</summary>
    Refresh,

    /// <summary>An explicit reload of one tool (<see cref="IToolCatalog.ReloadToolAsync"/>, the facade's <c>Reload(name)</c>).</summary>
    ToolReload,
}
