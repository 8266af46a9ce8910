using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Admin.Catalog;

/// <summary>The facets the tools page filters by.</summary>
internal enum ToolFacet
{
    Platform,
    Category,
    Status,
    Capability,
    Tag,
}

/// <summary>One value of a facet and how many tools would match if it were chosen (with the other filters kept).</summary>
internal sealed record FacetCount(string Value, int Count);

/// <summary>A page of the filtered tools, the number that matched, and each facet's counts.</summary>
internal sealed record ToolQueryResult(
    IReadOnlyList<ToolDefinition> Page,
    int Matched,
    int PageIndex,
    int PageCount,
    IReadOnlyDictionary<ToolFacet, IReadOnlyList<FacetCount>> Facets);

/// <summary>
/// The tools page's search: free text over name, description, platform, category, capabilities and tags
/// (case-insensitive), one chosen value per facet, paging by name. Each facet's counts apply every other filter but its
/// own, so a count says how many tools choosing that value would show.
/// </summary>
internal sealed record ToolQuery
{
    public string Text { get; init; } = "";

    public IReadOnlyDictionary<ToolFacet, string> Filters { get; init; } = new Dictionary<ToolFacet, string>();

    public int PageIndex { get; init; }

    public int PageSize { get; init; } = 25;

    public static IEnumerable<string> ValuesOf(ToolDefinition tool, ToolFacet facet) => facet switch
    {
        ToolFacet.Platform => [tool.Platform],
        ToolFacet.Category => [tool.Category],
        ToolFacet.Status => [tool.Enabled ? tool.Status.ToWire() : "disabled"],
        ToolFacet.Capability => tool.Capabilities.Select(static c => c.Name),
        _ => tool.Tags,
    };

    public ToolQuery With(ToolFacet facet, string? value)
    {
        var filters = new Dictionary<ToolFacet, string>(Filters);
        if (string.IsNullOrEmpty(value))
        {
            filters.Remove(facet);
        }
        else
        {
            filters[facet] = value;
        }

        return this with { Filters = filters, PageIndex = 0 };
    }

    public ToolQueryResult Run(IEnumerable<ToolDefinition> tools)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(PageSize, 1);
        var searched = tools.Where(MatchesText).ToList();
        var facets = new Dictionary<ToolFacet, IReadOnlyList<FacetCount>>();
        foreach (var facet in Enum.GetValues<ToolFacet>())
        {
            facets[facet] = searched
                .Where(t => MatchesFilters(t, except: facet))
                .SelectMany(t => ValuesOf(t, facet).Where(static v => v.Length > 0).Distinct(StringComparer.Ordinal))
                .GroupBy(static v => v, StringComparer.Ordinal)
                .Select(static g => new FacetCount(g.Key, g.Count()))
                .OrderByDescending(static f => f.Count).ThenBy(static f => f.Value, StringComparer.Ordinal)
                .ToList();
        }

        var matched = searched.Where(t => MatchesFilters(t, except: null)).OrderBy(static t => t.Name, StringComparer.Ordinal).ToList();
        var pageCount = Math.Max(1, (matched.Count + PageSize - 1) / PageSize);
        var pageIndex = Math.Clamp(PageIndex, 0, pageCount - 1);
        return new ToolQueryResult(matched.Skip(pageIndex * PageSize).Take(PageSize).ToList(), matched.Count, pageIndex, pageCount, facets);
    }

    private bool MatchesText(ToolDefinition tool)
    {
        var text = Text.Trim();
        if (text.Length == 0)
        {
            return true;
        }

        return Contains(tool.Name) || Contains(tool.Description) || Contains(tool.Platform) || Contains(tool.Category)
            || tool.Capabilities.Any(c => Contains(c.Name)) || tool.Tags.Any(Contains);

        bool Contains(string value) => value.Contains(text, StringComparison.OrdinalIgnoreCase);
    }

    private bool MatchesFilters(ToolDefinition tool, ToolFacet? except) =>
        Filters.All(f => f.Key == except || ValuesOf(tool, f.Key).Contains(f.Value, StringComparer.Ordinal));
}
