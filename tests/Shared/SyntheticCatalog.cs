using System.Globalization;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Testing;

/// <summary>
/// Generates realistic-looking synthetic catalogs for tests and benchmarks (linked into both projects; not part
/// of the shipped library). Deterministic for a given seed.
/// </summary>
internal static class SyntheticCatalog
{
    private static readonly string[] TimeShapes =
    [
        "{0} + {1} * N",
        "{0}",
        "{0} * ceil(N / 100) + {1} * N",
        "{0} + {1} * log(max(N, 1)) + p95_latency * 1.2",
        "{0} + {1} * pages",
    ];

    private static readonly string[] Platforms = ["linux", "windows", "network", "scheduler", "custom"];

    /// <summary>
    /// <paramref name="toolCount"/> tools named <c>tool-00001</c>…, each with <paramref name="capabilitiesPerTool"/>
    /// capabilities drawn round-robin from <paramref name="distinctCapabilities"/> names (<c>cap_0001</c>…), each
    /// with <paramref name="patternsPerCapability"/> patterns.
    /// </summary>
    public static List<ToolDefinition> Generate(int toolCount, int capabilitiesPerTool = 3, int patternsPerCapability = 3, int distinctCapabilities = 1000, int seed = 42, string version = "1.0")
    {
        var random = new Random(seed);
        var tools = new List<ToolDefinition>(toolCount);
        var nextCapability = 0;
        for (var t = 0; t < toolCount; t++)
        {
            var capabilities = new CapabilityDefinition[capabilitiesPerTool];
            for (var c = 0; c < capabilitiesPerTool; c++)
            {
                var capabilityName = CapabilityName(nextCapability++ % distinctCapabilities);
                var patterns = new PatternDefinition[patternsPerCapability];
                for (var p = 0; p < patternsPerCapability; p++)
                {
                    patterns[p] = Pattern(random, $"pattern_{p + 1}");
                }

                capabilities[c] = new CapabilityDefinition { Name = capabilityName, Description = $"Synthetic capability {capabilityName}", Patterns = patterns.ToEquatableArray() };
            }

            tools.Add(new ToolDefinition
            {
                Name = ToolName(t),
                Version = version,
                Description = $"Synthetic tool number {t + 1}",
                Platform = Platforms[t % Platforms.Length],
                Category = "system",
                Defaults = new ToolDefaults { AccuracyLevel = "real-time", Freshness = "live", DataSource = "direct" },
                Capabilities = capabilities.ToEquatableArray(),
                Metadata = DataMap.Create(("author", "synthetic"), ("tags", DataValue.FromList(["synthetic", Platforms[t % Platforms.Length]]))),
            });
        }

        return tools;
    }

    public static string ToolName(int index) => "tool-" + (index + 1).ToString("D5", CultureInfo.InvariantCulture);

    public static string CapabilityName(int index) => "cap_" + (index + 1).ToString("D4", CultureInfo.InvariantCulture);

    public static PatternDefinition Pattern(Random random, string name)
    {
        var shape = TimeShapes[random.Next(TimeShapes.Length)];
        var time = string.Format(CultureInfo.InvariantCulture, shape, random.Next(50, 5000), random.Next(1, 50));
        return new PatternDefinition
        {
            Name = name,
            Description = $"Synthetic pattern {name}",
            TypicalUseCases = ["synthetic use"],
            TimeEstimateMs = time,
            CostEstimate = random.Next(3) == 0 ? "ceil(N / 100)" : random.Next(1, 5).ToString(CultureInfo.InvariantCulture),
            ComplexityScore = Math.Round(random.NextDouble(), 2),
            Scope = "batch",
            Completeness = "complete",
            Policy = new PolicyDefinition { MaxCost = 1000, RequiresApproval = false, ProductionSafe = random.Next(10) != 0 },
            PreferenceMatch = new PreferenceMatch
            {
                Speed = Math.Round(random.NextDouble(), 2),
                Accuracy = Math.Round(random.NextDouble(), 2),
                Cost = Math.Round(random.NextDouble(), 2),
                Complexity = Math.Round(random.NextDouble(), 2),
                Completeness = Math.Round(random.NextDouble(), 2),
            },
            RequiredInputs = [new InputSpec { Name = "host", Type = "string", Description = "Target host" }],
            ExpectedOutputs = [new OutputSpec { Name = "result", Type = "object", Description = "Result" }],
        };
    }
}
