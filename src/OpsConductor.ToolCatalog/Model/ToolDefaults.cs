namespace OpsConductor.ToolCatalog.Model;

/// <summary>
/// Tool-level defaults [<c>defaults</c>]. A pattern whose own value is absent inherits these
/// (the original's <c>ToolProfile.apply_defaults</c>).
/// </summary>
public sealed record ToolDefaults
{
    /// <summary>No defaults.</summary>
    public static ToolDefaults Empty { get; } = new();

    /// <summary><c>real-time</c>, <c>cached</c> or <c>estimated</c> [<c>accuracy_level</c>].</summary>
    public string? AccuracyLevel { get; init; }

    /// <summary><c>live</c>, <c>recent</c> or <c>historical</c> [<c>freshness</c>].</summary>
    public string? Freshness { get; init; }

    /// <summary>Where the data comes from: <c>direct</c>, <c>database</c>, <c>api</c>, <c>filesystem</c>, … [<c>data_source</c>].</summary>
    public string? DataSource { get; init; }

    /// <summary>Default pattern scope [<c>scope</c>] (profiles format).</summary>
    public string? Scope { get; init; }

    /// <summary>Default pattern completeness [<c>completeness</c>] (profiles format).</summary>
    public string? Completeness { get; init; }

    /// <summary>Other keys (VAPIX files add <c>protocol</c>, <c>path</c>, <c>auth_type</c>, <c>method</c>).</summary>
    public DataMap Extensions { get; init; } = DataMap.Empty;
}
