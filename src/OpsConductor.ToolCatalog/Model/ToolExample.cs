namespace OpsConductor.ToolCatalog.Model;

/// <summary>A worked example of using a tool (an item of the tool-level <c>examples</c>).</summary>
public sealed record ToolExample
{
    /// <summary>A short name [<c>name</c>].</summary>
    public string? Name { get; init; }

    /// <summary>What the example does [<c>description</c>].</summary>
    public string? Description { get; init; }

    /// <summary>Input values by name [<c>inputs</c>].</summary>
    public DataMap Inputs { get; init; } = DataMap.Empty;

    /// <summary>The expected output, free-form [<c>expected_output</c>].</summary>
    public DataValue? ExpectedOutput { get; init; }

    /// <summary>The expected duration in milliseconds [<c>expected_time_ms</c>].</summary>
    public double? ExpectedTimeMs { get; init; }

    /// <summary>The expected cost [<c>expected_cost</c>].</summary>
    public double? ExpectedCost { get; init; }

    /// <summary>Keys the catalog does not interpret.</summary>
    public DataMap Extensions { get; init; } = DataMap.Empty;
}
