using System.Globalization;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>
/// Deterministic generated tools of a realistic shape (used by the storage tests and, linked, by the bulk-import
/// benchmark): each with the given number of capabilities and patterns, inputs, outputs, policy, preferences,
/// metadata with tags, dependencies and an example.
/// </summary>
internal static class GeneratedTools
{
    private static readonly string[] Platforms = ["linux", "windows", "network", "database", "cloud"];
    private static readonly string[] Categories = ["system", "network", "monitoring", "security", "automation"];

    public static List<ToolDefinition> CreateMany(int count, int capabilities = 3, int patterns = 3, string prefix = "gen-tool", string version = "1.0") =>
        Enumerable.Range(0, count).Select(i => Create(i, capabilities, patterns, prefix, version)).ToList();

    public static ToolDefinition Create(int index, int capabilities = 3, int patterns = 3, string prefix = "gen-tool", string version = "1.0")
    {
        var name = $"{prefix}-{index.ToString("D5", CultureInfo.InvariantCulture)}";
        return new ToolDefinition
        {
            Name = name,
            Version = version,
            Description = $"Generated tool number {index} for storage tests and benchmarks.",
            Platform = Platforms[index % Platforms.Length],
            Category = Categories[(index / Platforms.Length) % Categories.Length],
            Defaults = new ToolDefaults { AccuracyLevel = "real-time", Freshness = "live", DataSource = "direct" },
            Capabilities = [.. Enumerable.Range(0, capabilities).Select(c => new CapabilityDefinition
            {
                Name = $"capability_{c}",
                Description = $"Capability {c} of {name}",
                Patterns = [.. Enumerable.Range(0, patterns).Select(p => new PatternDefinition
                {
                    Name = $"pattern_{p}",
                    Description = $"Pattern {p} of capability {c}",
                    TypicalUseCases = ["check things", $"use case {index % 7}"],
                    TimeEstimateMs = $"{100 + p} + {0.5 + c} * N",
                    CostEstimate = (1 + p).ToString(CultureInfo.InvariantCulture),
                    ComplexityScore = 0.1 + (0.1 * p),
                    Scope = "batch",
                    Completeness = "complete",
                    Limitations = ["needs permissions"],
                    Policy = new PolicyDefinition { MaxCost = 10 + p, ProductionSafe = p != 2, RequiresBackgroundIf = "N > 50", MaxNImmediate = 50 },
                    PreferenceMatch = new PreferenceMatch { Speed = 0.9, Accuracy = 0.8, Cost = 0.7, Complexity = 0.6, Completeness = 0.5 },
                    RequiredInputs = [new InputSpec { Name = "target", Type = "string", Description = "What to act on" }],
                    OptionalInputs = [new InputSpec { Name = "timeout", Type = "integer", Default = DataValue.FromInteger(30) }],
                    ExpectedOutputs = [new OutputSpec { Name = "result", Type = "object" }],
                })],
            })],
            Dependencies = [new DependencySpec { Name = "coreutils", Type = "package", Version = ">=8" }],
            Metadata = DataMap.Create(("author", "generator"), ("tags", DataValue.FromList(["generated", $"group-{index % 10}"]))),
            ExecutionLocation = "automation-service",
            Examples = [new ToolExample { Name = "basic", Inputs = DataMap.Create(("target", "host1")), ExpectedTimeMs = 120 }],
        };
    }
}
