using System.Text.Json;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>The compatibility corpus, read through <see cref="TestPaths"/>.</summary>
internal static class Compat
{
    public sealed record Verdict(bool Valid, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);

    private static readonly Lazy<IReadOnlyDictionary<string, Verdict>> VerdictsLazy = new(() =>
    {
        var path = Path.Combine(TestPaths.OpsConductorCompat, "expected", "validate_tool-verdicts.json");
        using var stream = File.OpenRead(path);
        using var json = JsonDocument.Parse(stream);
        var result = new SortedDictionary<string, Verdict>(StringComparer.Ordinal);
        foreach (var file in json.RootElement.EnumerateObject())
        {
            if (file.Value.ValueKind != JsonValueKind.Object)
            {
                continue; // the VAPIX README.md: not YAML, no verdict
            }

            result[file.Name] = new Verdict(
                file.Value.GetProperty("valid").GetBoolean(),
                [.. file.Value.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!)],
                [.. file.Value.GetProperty("warnings").EnumerateArray().Select(e => e.GetString()!)]);
        }

        return result;
    });

    /// <summary>What the original validate_tool.py said for each YAML file of tools/, keyed by path relative to tools/ (forward slashes).</summary>
    public static IReadOnlyDictionary<string, Verdict> Verdicts => VerdictsLazy.Value;

    public static string ToolPath(string relative) => Path.Combine(TestPaths.CompatTools, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Every YAML file of tools/, relative, forward slashes, ordinal order.</summary>
    public static IEnumerable<string> ToolFiles() =>
        Directory.EnumerateFiles(TestPaths.CompatTools, "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(TestPaths.CompatTools, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);

    public static string EarlyTools => Path.Combine(TestPaths.OpsConductorCompat, "tools-early");

    public static string Profiles => Path.Combine(TestPaths.OpsConductorCompat, "profiles");
}
