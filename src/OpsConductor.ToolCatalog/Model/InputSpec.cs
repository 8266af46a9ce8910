namespace OpsConductor.ToolCatalog.Model;

/// <summary>An input of a pattern (an item of <c>required_inputs</c> or <c>optional_inputs</c>).</summary>
public sealed record InputSpec
{
    /// <summary>The input's name [<c>name</c>].</summary>
    public required string Name { get; init; }

    /// <summary><c>string</c>, <c>integer</c>, <c>float</c>, <c>number</c>, <c>boolean</c>, <c>array</c> or <c>object</c> [<c>type</c>].</summary>
    public string Type { get; init; } = "string";

    /// <summary>What the input means [<c>description</c>].</summary>
    public string? Description { get; init; }

    /// <summary>A regular expression the value must match [<c>validation</c>].</summary>
    public string? Validation { get; init; }

    /// <summary>Example values [<c>examples</c>].</summary>
    public EquatableArray<DataValue> Examples { get; init; }

    /// <summary>The only values allowed, when given [<c>allowed_values</c>].</summary>
    public EquatableArray<DataValue> AllowedValues { get; init; }

    /// <summary>The default value [<c>default</c>]; null when absent, <see cref="DataValue.Null"/> when explicitly null.</summary>
    public DataValue? Default { get; init; }

    /// <summary>The explicit <c>required</c> flag, when the file gives one.</summary>
    public bool? Required { get; init; }

    /// <summary>Keys the catalog does not interpret.</summary>
    public DataMap Extensions { get; init; } = DataMap.Empty;
}
