namespace OpsConductor.ToolCatalog.Model;

/// <summary>Something a tool can do, such as <c>text_search</c>, with the ways (patterns) of doing it.</summary>
public sealed record CapabilityDefinition
{
    /// <summary>The capability name: the key under <c>capabilities</c> (or <c>capability_name</c> in list form).</summary>
    public required string Name { get; init; }

    /// <summary>What the capability is [<c>description</c>].</summary>
    public string Description { get; init; } = "";

    /// <summary>The usage patterns, in file order [<c>patterns</c>].</summary>
    public EquatableArray<PatternDefinition> Patterns { get; init; }

    /// <summary>Keys the catalog does not interpret.</summary>
    public DataMap Extensions { get; init; } = DataMap.Empty;

    /// <summary>Finds a pattern by exact name.</summary>
    public PatternDefinition? FindPattern(string name)
    {
        foreach (var pattern in Patterns)
        {
            if (string.Equals(pattern.Name, name, StringComparison.Ordinal))
            {
                return pattern;
            }
        }

        return null;
    }
}
