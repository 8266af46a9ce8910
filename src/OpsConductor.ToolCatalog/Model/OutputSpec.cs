namespace OpsConductor.ToolCatalog.Model;

/// <summary>An output of a pattern (an item of <c>expected_outputs</c>).</summary>
public sealed record OutputSpec
{
    /// <summary>The output's name [<c>name</c>].</summary>
    public required string Name { get; init; }

    /// <summary>Its type [<c>type</c>].</summary>
    public string Type { get; init; } = "string";

    /// <summary>What it holds [<c>description</c>].</summary>
    public string? Description { get; init; }

    /// <summary>The explicit <c>required</c> flag, when the file gives one.</summary>
    public bool? Required { get; init; }

    /// <summary>Keys the catalog does not interpret.</summary>
    public DataMap Extensions { get; init; } = DataMap.Empty;
}
