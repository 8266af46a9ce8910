using OpsConductor.ToolCatalog.Model;
namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>
/// Rewrites a list-form tool (capabilities and patterns as lists of items named by <c>capability_name</c> /
/// <c>pattern_name</c>, or <c>name</c>) into the canonical shape, keeping every node and position, so that one
/// model reader and one rule set serve both. Items without a usable name, and later items with a name already
/// seen, are left out here; the validator reports them (CAP009, CAP008, PAT023, PAT022).
/// </summary>
internal static class ListFormNormalizer
{
    public const string CapabilityNameKey = "capability_name";
    public const string PatternNameKey = "pattern_name";

    public static YamlMapping Normalize(YamlMapping root)
    {
        var entries = new List<YamlEntry>(root.Count);
        foreach (var entry in root.Entries)
        {
            entries.Add(entry.Key.Text == ToolFields.Capabilities && entry.Value is YamlSequence list
                ? entry with { Value = NormalizeList(list, CapabilityNameKey, NormalizeCapability) }
                : entry);
        }

        return new YamlMapping(entries, root.Start);
    }

    /// <summary>The name of a list item: <paramref name="nameKey"/>, else <c>name</c>; null when neither is a non-empty string.</summary>
    public static YamlScalar? ItemName(YamlMapping item, string nameKey)
    {
        var node = item.Get(nameKey) ?? item.Get(ToolFields.Name);
        return node is YamlScalar { IsNull: false } s && s.Text.Length > 0 && !s.IsBoolean ? s : null;
    }

    /// <summary>The key the item's name came from.</summary>
    public static string NameKeyUsed(YamlMapping item, string nameKey) => item.Contains(nameKey) ? nameKey : ToolFields.Name;

    private static YamlMapping NormalizeCapability(YamlMapping capability) =>
        new(
            [.. capability.Entries.Select(e => e.Key.Text == ToolFields.Patterns && e.Value is YamlSequence patterns
                ? e with { Value = NormalizeList(patterns, PatternNameKey, p => p) }
                : e)],
            capability.Start);

    private static YamlMapping NormalizeList(YamlSequence list, string nameKey, Func<YamlMapping, YamlMapping> inner)
    {
        var entries = new List<YamlEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            if (item is not YamlMapping map || ItemName(map, nameKey) is not { } name || !seen.Add(name.Text))
            {
                continue;
            }

            var usedKey = NameKeyUsed(map, nameKey);
            var rest = new YamlMapping([.. map.Entries.Where(e => e.Key.Text != usedKey)], map.Start);
            entries.Add(new YamlEntry(YamlScalar.String(name.Text, name.Start, name.Style), inner(rest)));
        }

        return new YamlMapping(entries, list.Start);
    }
}
