using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Samples;

public sealed class ZzExploreTests
{
    [Test]
    public void Explore()
    {
        var docs = new ToolYamlReader().ReadFolder(TestPaths.SampleTools);
        var snapshot = CatalogSnapshot.Create([.. docs.SelectMany(d => d.Tools)], 1, CatalogSource.Yaml, DateTimeOffset.UnixEpoch);
        var selector = new ToolSelector();
        var lines = new List<string>();
        foreach (var line in File.ReadAllLines("/tmp/catgen/requests.txt"))
        {
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#')) continue;
            var parts = line.Split('|');
            var caps = parts[0].Trim().Split(',');
            var vars = parts[1].Trim().Length == 0 ? new Dictionary<string, double>() : parts[1].Trim().Split(',').Select(v => v.Split('=')).ToDictionary(v => v[0].Trim(), v => double.Parse(v[1], System.Globalization.CultureInfo.InvariantCulture));
            var env = parts[2].Trim();
            var mode = parts[3].Trim();
            var request = new SelectionRequest { Capabilities = caps, Variables = vars, Environment = env, ExplicitMode = mode.Length == 0 ? null : mode };
            try
            {
                var ev = selector.Evaluate(snapshot, request);
                var top = string.Join("  ", ev.Ranked.Take(4).Select(r => $"{r.Candidate.ToolName}.{r.Candidate.PatternName}={r.Score:F3}({r.Candidate.EstimatedTimeMs:F0}ms,{r.Candidate.EstimatedCost:F1})"));
                var ex = string.Join("; ", ev.Excluded.Select(e => $"{e.ToolName}.{e.PatternName}:{e.Rule}"));
                lines.Add($"{line}\n    => {top}\n    excluded: {ex}");
            }
            catch (Exception e)
            {
                lines.Add($"{line}\n    !! {e.GetType().Name}: {e.Message}");
            }
        }

        File.WriteAllLines("/tmp/catgen/explore.out", lines);
    }
}
