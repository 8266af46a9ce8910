using System.Globalization;
using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Samples;

/// <summary>
/// The shipped catalog (samples/tools) read once, as a snapshot in YAML mode, and the two vocabularies of
/// docs/catalog-guide.md that its tests check it against.
/// </summary>
internal static partial class SampleCatalog
{
    /// <summary>The five platform folders the plan names; each holds at least 20 tools.</summary>
    public static readonly string[] PlatformFolders = ["linux", "windows", "network", "scheduler", "custom"];

    /// <summary>Area folders and the category their tools have (their platform is an operating system or multi-platform).</summary>
    public static readonly IReadOnlyDictionary<string, string> AreaFolders = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["containers"] = "container",
        ["cloud"] = "cloud",
        ["databases"] = "database",
        ["monitoring"] = "monitoring",
    };

    private static readonly Lazy<IReadOnlyList<ToolDocument>> LazyDocuments = new(() => new ToolYamlReader().ReadFolder(TestPaths.SampleTools));
    private static readonly Lazy<CatalogSnapshot> LazySnapshot = new(() => CatalogSnapshot.Create([.. Tools], 1, CatalogSource.Yaml, DateTimeOffset.UnixEpoch));
    private static readonly Lazy<string> LazyGuide = new(() => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "catalog-guide.md")).ReplaceLineEndings("\n"));

    public static IReadOnlyList<ToolDocument> Documents => LazyDocuments.Value;

    public static IReadOnlyList<ToolDefinition> Tools => [.. Documents.SelectMany(d => d.Tools)];

    /// <summary>The whole catalog as selection sees it (no database needed).</summary>
    public static CatalogSnapshot Snapshot => LazySnapshot.Value;

    public static string Guide => LazyGuide.Value;

    /// <summary>The guide's "Generic words:" line.</summary>
    public static IReadOnlySet<string> GenericWords
    {
        get
        {
            var line = Guide.Split('\n').Single(l => l.StartsWith("Generic words:", StringComparison.Ordinal));
            return BackQuoted().Matches(line).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>The guide's capability vocabulary: name → the operation it names.</summary>
    public static IReadOnlyDictionary<string, string> CapabilityVocabulary =>
        TableRows("## Capability vocabulary").ToDictionary(r => Unquote(r[0]), r => r[1], StringComparer.Ordinal);

    /// <summary>The guide's common request variables with their reference values.</summary>
    public static IReadOnlyDictionary<string, double> CommonVariables =>
        TableRows("## Request variables")
            .Where(r => r[5] == "yes")
            .ToDictionary(r => Unquote(r[0]), r => double.Parse(r[4], CultureInfo.InvariantCulture), StringComparer.Ordinal);

    /// <summary>The guide's pattern-specific request variables (not common: the pattern that uses one declares its default).</summary>
    public static IReadOnlySet<string> PatternVariables =>
        TableRows("## Request variables").Where(r => r[5] == "no").Select(r => Unquote(r[0])).ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string[]> TableRows(string heading)
    {
        var start = Guide.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"docs/catalog-guide.md has a section '{heading}'");
        var section = Guide[(start + heading.Length + 2)..];
        var end = section.IndexOf("\n## ", StringComparison.Ordinal);
        section = end < 0 ? section : section[..end];
        return section.Split('\n')
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray());
    }

    private static string Unquote(string cell) => cell.Trim('`');

    [GeneratedRegex("`([^`]+)`", RegexOptions.CultureInvariant)]
    private static partial Regex BackQuoted();
}
