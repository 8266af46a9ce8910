namespace OpsConductor.ToolCatalog.Model;

/// <summary>Something a tool needs (an item of <c>dependencies</c>).</summary>
public sealed record DependencySpec
{
    /// <summary>The dependency's name [<c>name</c>].</summary>
    public required string Name { get; init; }

    /// <summary><c>service</c>, <c>package</c>, <c>permission</c>, <c>network</c>, <c>filesystem</c>, <c>platform</c> or <c>runtime</c> [<c>type</c>].</summary>
    public string Type { get; init; } = "";

    /// <summary>Whether the tool cannot run without it [<c>required</c>]; true when absent.</summary>
    public bool Required { get; init; } = true;

    /// <summary>A version constraint such as <c>"&gt;=3.0"</c> [<c>version</c>].</summary>
    public string? Version { get; init; }

    /// <summary>Keys the catalog does not interpret.</summary>
    public DataMap Extensions { get; init; } = DataMap.Empty;
}
