using YamlDotNet.RepresentationModel;

namespace OpsConductor.ToolCatalog.Benchmarks.Expressions;

/// <summary>
/// Every <c>time_estimate_ms</c>, <c>cost_estimate</c> and <c>requires_background_if</c> value of the compat corpus
/// (tools/**/*.yaml and the two profiles files), read with a minimal YamlDotNet walk of their own (the catalog's YAML
/// reader is built separately).
/// </summary>
internal static class CorpusExpressions
{
    public static string CompatRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OpsConductor.ToolCatalog.sln")))
            {
                directory = directory.Parent;
            }

            return directory is null
                ? throw new InvalidOperationException("Run the benchmarks from inside the repository.")
                : Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "compat", "opsconductor-ng"));
        }
    }

    public static List<(string Field, string Text)> Read()
    {
        var root = CompatRoot;
        var files = Directory.GetFiles(Path.Combine(root, "tools"), "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(root, "profiles"), "*.yaml"));
        var found = new List<(string, string)>();
        foreach (var file in files)
        {
            var stream = new YamlStream();
            using (var reader = File.OpenText(file))
            {
                stream.Load(reader);
            }

            foreach (var document in stream.Documents)
            {
                Walk(document.RootNode, found);
            }
        }

        return found;
    }

    private static void Walk(YamlNode node, List<(string, string)> found)
    {
        if (node is YamlMappingNode mapping)
        {
            foreach (var (key, value) in mapping.Children)
            {
                if (key is YamlScalarNode { Value: "time_estimate_ms" or "cost_estimate" or "requires_background_if" } k && value is YamlScalarNode { Value: { } text })
                {
                    found.Add((k.Value!, text));
                }
                else
                {
                    Walk(value, found);
                }
            }
        }
        else if (node is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.Children)
            {
                Walk(item, found);
            }
        }
    }
}
