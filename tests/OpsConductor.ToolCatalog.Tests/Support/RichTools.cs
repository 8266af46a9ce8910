using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>A tool using every field of the model, with awkward values: unicode, explicit nulls, floats that look
/// like integers, huge and tiny numbers, non-finite floats, extensions at every level, nested free-form data.</summary>
internal static class RichTools
{
    public static ToolDefinition Create(string name = "rich-tool", string version = "1.0") => new()
    {
        Name = name,
        Version = version,
        Description = "Ünïcødé déscription — with 日本語, emoji 🚀, quotes \"'\\ and\nnewlines\ttabs.",
        Platform = "kubernetes",
        Category = "orchestration",
        Status = ToolStatus.Testing,
        Enabled = false,
        Defaults = new ToolDefaults
        {
            AccuracyLevel = "cached",
            Freshness = "recent",
            DataSource = "api",
            Scope = "batch",
            Completeness = "partial",
            Extensions = DataMap.Create(("protocol", "https"), ("port", 8443L)),
        },
        Capabilities =
        [
            new CapabilityDefinition
            {
                Name = "zeta_first",
                Description = "Declared first although it sorts last",
                Extensions = DataMap.Create(("x-owner", "team-ü")),
                Patterns =
                [
                    new PatternDefinition
                    {
                        Name = "omega",
                        Description = "Every pattern field set",
                        TypicalUseCases = ["find things", "ünïcødé use case", ""],
                        TimeEstimateMs = "2000 + 0.5 * N",
                        CostEstimate = "ceil(N / 10) ** 2",
                        ComplexityScore = 0.125,
                        Scope = "exhaustive",
                        Completeness = "complete",
                        AccuracyLevel = "real-time",
                        Freshness = "live",
                        DataSource = "direct",
                        Limitations = ["slow on huge inputs", "needs root"],
                        Policy = new PolicyDefinition
                        {
                            MaxCost = 12.5,
                            RequiresApproval = true,
                            ProductionSafe = false,
                            MaxExecutionTimeSeconds = 0.1,
                            RequiresBackgroundIf = "N > 50 and pages > 2",
                            MaxNImmediate = 9_007_199_254_740_993,
                            AllowedEnvironments = ["staging", "prod-ü"],
                            Extensions = DataMap.Create(("audit", true), ("weight", 1.0)),
                        },
                        PreferenceMatch = new PreferenceMatch
                        {
                            Speed = 0.1 + 0.2,
                            Accuracy = 1.0 / 3.0,
                            Cost = 0,
                            Complexity = 1,
                            Completeness = 5e-324,
                            Extensions = DataMap.Create(("freshness", 0.75)),
                        },
                        RequiredInputs =
                        [
                            new InputSpec
                            {
                                Name = "pattern",
                                Type = "string",
                                Description = "A regular expression",
                                Validation = "^.+$",
                                Examples = ["a.*b", DataValue.FromInteger(42), DataValue.Null],
                                AllowedValues = ["x", "y"],
                                Default = DataValue.Null,
                                Required = true,
                                Extensions = DataMap.Create(("sensitive", false)),
                            },
                        ],
                        OptionalInputs =
                        [
                            new InputSpec { Name = "depth", Type = "integer", Default = DataValue.FromInteger(3), Required = false },
                            new InputSpec { Name = "ratio", Type = "float", Default = DataValue.FromFloat(2.0) },
                        ],
                        ExpectedOutputs =
                        [
                            new OutputSpec { Name = "matches", Type = "array", Description = "Lines", Required = true, Extensions = DataMap.Create(("format", "text")) },
                            new OutputSpec { Name = "count", Type = "integer" },
                        ],
                        Examples =
                        [
                            DataValue.FromMap(DataMap.Create(("input", "x"), ("output", DataValue.FromList([1L, 2.5, "three", DataValue.Null, true])))),
                            DataValue.FromString("plain example"),
                        ],
                        Extensions = DataMap.Create(
                            ("api_parameters", DataValue.FromMap(DataMap.Create(("method", "GET"), ("path", "/v1/things")))),
                            ("big_float", 1e20),
                            ("huge_float", 1.7976931348623157e308),
                            ("tiny_float", 1.5e-7),
                            ("negative_zero", -0.0),
                            ("not_a_number", double.NaN),
                            ("infinity", double.PositiveInfinity),
                            ("integer", long.MaxValue),
                            ("float_integral", 3.0),
                            ("float_marker_lookalike", DataValue.FromMap(DataMap.Create(("$float", "NaN")))),
                            ("map_marker_lookalike", DataValue.FromMap(DataMap.Create(("$map", DataValue.FromMap(DataMap.Empty))))),
                            ("explicit_null", DataValue.Null),
                            ("empty_list", DataValue.FromList([])),
                            ("empty_map", DataValue.FromMap(DataMap.Empty))),
                    },
                    new PatternDefinition
                    {
                        Name = "alpha",
                        TimeEstimateMs = "100",
                    },
                ],
            },
            new CapabilityDefinition { Name = "alpha_second" },
        ],
        Dependencies =
        [
            new DependencySpec { Name = "kubectl", Type = "package", Required = false, Version = ">=1.28", Extensions = DataMap.Create(("channel", "stable")) },
            new DependencySpec { Name = "cluster-admin", Type = "permission" },
        ],
        Metadata = DataMap.Create(
            ("author", "Zoë"),
            ("tags", DataValue.FromList(["k8s", "orchestration", "ünï"])),
            ("created", "2024-01-01"),
            ("nested", DataValue.FromMap(DataMap.Create(("deep", DataValue.FromList([DataValue.FromMap(DataMap.Create(("x", 1L)))])))))),
        ExecutionLocation = "k8s-runner",
        Examples =
        [
            new ToolExample
            {
                Name = "list pods",
                Description = "Lists pods",
                Inputs = DataMap.Create(("namespace", "default"), ("limit", 10L)),
                ExpectedOutput = DataValue.Null,
                ExpectedTimeMs = 250.5,
                ExpectedCost = 0,
                Extensions = DataMap.Create(("notes", "none")),
            },
            new ToolExample(),
        ],
        Extensions = DataMap.Create(("x-legacy", DataValue.FromList(["a", 1L])), ("schema_version", 2L)),
    };
}
