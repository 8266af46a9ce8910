using System.Globalization;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>Builds dotted field paths: <c>capabilities.text_search.patterns.search_files.policy</c>, <c>required_inputs[0].name</c>.</summary>
internal static class FieldPath
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : string.Concat(parent, ".", key);

    public static string Item(string parent, int index) =>
        string.Concat(parent, "[", index.ToString(CultureInfo.InvariantCulture), "]");
}
