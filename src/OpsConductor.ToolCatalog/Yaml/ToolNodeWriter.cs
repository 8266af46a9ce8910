using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>
/// Builds the canonical per-tool node tree for a model, keys in the template's order: what the writer emits
/// and what the validator checks for a tool built in code. A key kept in an <c>Extensions</c> map replaces
/// the model property of the same name (that is where the reader keeps a value the property could not hold).
/// </summary>
internal static partial class ToolNodeWriter
{
    public static YamlMapping Build(ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var map = new MapBuilder(tool.Extensions);
        map.Add("tool_name", Str(tool.Name));
        map.Add("version", Str(tool.Version));
        map.Add("description", Str(tool.Description));
        map.Add("platform", Str(tool.Platform));
        map.Add("category", Str(tool.Category));
        if (tool.Status != ToolStatus.Active)
        {
            map.Add("status", Str(tool.Status.ToWire()));
        }

        if (!tool.Enabled)
        {
            map.Add("enabled", YamlScalar.Boolean(false));
        }

        if (tool.ExecutionLocation is not null)
        {
            map.Add("execution_location", Str(tool.ExecutionLocation));
        }

        map.Add("defaults", Defaults(tool.Defaults));
        var capabilities = new List<YamlEntry>();
        foreach (var capability in tool.Capabilities)
        {
            capabilities.Add(new YamlEntry(Key(capability.Name), Capability(capability)));
        }

        map.Add("capabilities", new YamlMapping(capabilities, default));
        if (!tool.Dependencies.IsEmpty)
        {
            map.Add("dependencies", new YamlSequence([.. tool.Dependencies.Select(Dependency)], default));
        }

        if (!tool.Metadata.IsEmpty)
        {
            map.Add("metadata", Data(DataValue.FromMap(tool.Metadata), 0));
        }

        if (!tool.Examples.IsEmpty)
        {
            map.Add("examples", new YamlSequence([.. tool.Examples.Select(Example)], default));
        }

        return map.Build();
    }

    private static YamlMapping Defaults(ToolDefaults defaults)
    {
        var map = new MapBuilder(defaults.Extensions);
        map.AddIf("accuracy_level", defaults.AccuracyLevel);
        map.AddIf("freshness", defaults.Freshness);
        map.AddIf("data_source", defaults.DataSource);
        map.AddIf("scope", defaults.Scope);
        map.AddIf("completeness", defaults.Completeness);
        return map.Build();
    }

    private static YamlMapping Capability(CapabilityDefinition capability)
    {
        var map = new MapBuilder(capability.Extensions);
        map.Add("description", Str(capability.Description));
        var patterns = new List<YamlEntry>();
        foreach (var pattern in capability.Patterns)
        {
            patterns.Add(new YamlEntry(Key(pattern.Name), Pattern(pattern)));
        }

        map.Add("patterns", new YamlMapping(patterns, default));
        return map.Build();
    }

    private static YamlMapping Pattern(PatternDefinition pattern)
    {
        var map = new MapBuilder(pattern.Extensions);
        map.Add("description", Str(pattern.Description));
        map.Add("typical_use_cases", Strings(pattern.TypicalUseCases));
        map.Add("time_estimate_ms", Str(pattern.TimeEstimateMs));
        map.Add("cost_estimate", Str(pattern.CostEstimate));
        map.Add("complexity_score", YamlScalar.Float(pattern.ComplexityScore));
        map.AddIf("scope", pattern.Scope);
        map.AddIf("completeness", pattern.Completeness);
        map.AddIf("accuracy_level", pattern.AccuracyLevel);
        map.AddIf("freshness", pattern.Freshness);
        map.AddIf("data_source", pattern.DataSource);
        if (!pattern.Limitations.IsEmpty)
        {
            map.Add("limitations", Strings(pattern.Limitations));
        }

        map.Add("policy", Policy(pattern.Policy));
        map.Add("preference_match", Preferences(pattern.PreferenceMatch));
        map.Add("required_inputs", new YamlSequence([.. pattern.RequiredInputs.Select(Input)], default));
        if (!pattern.OptionalInputs.IsEmpty)
        {
            map.Add("optional_inputs", new YamlSequence([.. pattern.OptionalInputs.Select(Input)], default));
        }

        map.Add("expected_outputs", new YamlSequence([.. pattern.ExpectedOutputs.Select(Output)], default));
        if (!pattern.Examples.IsEmpty)
        {
            map.Add("examples", new YamlSequence([.. pattern.Examples.Select(e => Data(e, 0))], default));
        }

        return map.Build();
    }

    private static YamlMapping Policy(PolicyDefinition policy)
    {
        var map = new MapBuilder(policy.Extensions);
        if (policy.MaxCost is { } maxCost)
        {
            map.Add("max_cost", Number(maxCost));
        }

        map.Add("requires_approval", YamlScalar.Boolean(policy.RequiresApproval));
        map.Add("production_safe", YamlScalar.Boolean(policy.ProductionSafe));
        if (policy.MaxExecutionTimeSeconds is { } maxTime)
        {
            map.Add("max_execution_time", Number(maxTime));
        }

        map.AddIf("requires_background_if", policy.RequiresBackgroundIf);
        if (policy.MaxNImmediate is { } maxN)
        {
            map.Add("max_N_immediate", YamlScalar.Integer(maxN));
        }

        if (!policy.AllowedEnvironments.IsEmpty)
        {
            map.Add("allowed_environments", Strings(policy.AllowedEnvironments));
        }

        return map.Build();
    }

    private static YamlMapping Preferences(PreferenceMatch scores)
    {
        var map = new MapBuilder(scores.Extensions);
        map.Add("speed", YamlScalar.Float(scores.Speed));
        map.Add("accuracy", YamlScalar.Float(scores.Accuracy));
        map.Add("cost", YamlScalar.Float(scores.Cost));
        map.Add("complexity", YamlScalar.Float(scores.Complexity));
        map.Add("completeness", YamlScalar.Float(scores.Completeness));
        return map.Build();
    }

    private static YamlMapping Input(InputSpec input)
    {
        var map = new MapBuilder(input.Extensions);
        map.Add("name", Str(input.Name));
        map.Add("type", Str(input.Type));
        map.AddIf("description", input.Description);
        map.AddIf("validation", input.Validation);
        if (!input.Examples.IsEmpty)
        {
            map.Add("examples", new YamlSequence([.. input.Examples.Select(e => Data(e, 0))], default));
        }

        if (!input.AllowedValues.IsEmpty)
        {
            map.Add("allowed_values", new YamlSequence([.. input.AllowedValues.Select(e => Data(e, 0))], default));
        }

        if (input.Default is not null)
        {
            map.Add("default", Data(input.Default, 0));
        }

        if (input.Required is { } required)
        {
            map.Add("required", YamlScalar.Boolean(required));
        }

        return map.Build();
    }

    private static YamlMapping Output(OutputSpec output)
    {
        var map = new MapBuilder(output.Extensions);
        map.Add("name", Str(output.Name));
        map.Add("type", Str(output.Type));
        map.AddIf("description", output.Description);
        if (output.Required is { } required)
        {
            map.Add("required", YamlScalar.Boolean(required));
        }

        return map.Build();
    }

    private static YamlMapping Dependency(DependencySpec dependency)
    {
        var map = new MapBuilder(dependency.Extensions);
        map.Add("name", Str(dependency.Name));
        map.Add("type", Str(dependency.Type));
        map.Add("required", YamlScalar.Boolean(dependency.Required));
        map.AddIf("version", dependency.Version);
        return map.Build();
    }

    private static YamlMapping Example(ToolExample example)
    {
        var map = new MapBuilder(example.Extensions);
        map.AddIf("name", example.Name);
        map.AddIf("description", example.Description);
        map.Add("inputs", Data(DataValue.FromMap(example.Inputs), 0));
        if (example.ExpectedOutput is not null)
        {
            map.Add("expected_output", Data(example.ExpectedOutput, 0));
        }

        if (example.ExpectedTimeMs is { } time)
        {
            map.Add("expected_time_ms", Number(time));
        }

        if (example.ExpectedCost is { } cost)
        {
            map.Add("expected_cost", Number(cost));
        }

        return map.Build();
    }

    /// <summary>Converts free-form data to nodes; refuses nesting deeper than the reader would accept back.</summary>
    public static YamlNode Data(DataValue value, int depth)
    {
        if (depth > YamlReadOptions.MaxDepthCeiling)
        {
            throw new ArgumentException(
                $"A data value is nested more than {YamlReadOptions.MaxDepthCeiling} levels deep; it cannot be written as a tool file.", nameof(value));
        }

        return value.Kind switch
        {
            DataKind.Null => YamlScalar.Null(),
            DataKind.Boolean => YamlScalar.Boolean(value.AsBoolean()),
            DataKind.Integer => YamlScalar.Integer(value.AsInteger()),
            DataKind.Float => YamlScalar.Float(value.AsDouble()),
            DataKind.String => Str(value.AsString()),
            DataKind.List => new YamlSequence([.. value.AsList().Select(v => Data(v, depth + 1))], default),
            _ => new YamlMapping([.. value.AsMap().Select(e => new YamlEntry(Key(e.Key), Data(e.Value, depth + 1)))], default),
        };
    }

    private static YamlScalar Str(string text) =>
        YamlScalar.String(text, default, text.Contains('\n', StringComparison.Ordinal) ? YamlScalarStyle.Literal : YamlScalarStyle.DoubleQuoted);

    /// <summary>A key is written plain when that cannot change how it reads back, double-quoted otherwise.</summary>
    private static YamlScalar Key(string text) =>
        YamlScalar.String(text, default, SafePlainKey().IsMatch(text) && CoreSchema.ResolvePlain(text).Kind == ScalarKind.String &&
                                         CoreSchema.DescribeYaml11Difference(text, ScalarKind.String, text) is null
            ? YamlScalarStyle.Plain
            : YamlScalarStyle.DoubleQuoted);

    /// <summary>Whole numbers are written as integers (<c>max_cost: 5</c>), others as floats.</summary>
    private static YamlScalar Number(double value) =>
        Math.Abs(value) < 1e15 && value == Math.Floor(value) && !(value == 0 && double.IsNegative(value))
            ? YamlScalar.Integer((long)value)
            : YamlScalar.Float(value);

    private static YamlSequence Strings(EquatableArray<string> items) => new([.. items.Select(Str)], default);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafePlainKey();

    private sealed class MapBuilder(DataMap extensions)
    {
        private readonly List<YamlEntry> _entries = [];

        public void Add(string key, YamlNode value)
        {
            if (!extensions.ContainsKey(key))
            {
                _entries.Add(new YamlEntry(Key(key), value));
            }
        }

        public void AddIf(string key, string? value)
        {
            if (value is not null)
            {
                Add(key, Str(value));
            }
        }

        public YamlMapping Build()
        {
            foreach (var (key, value) in extensions)
            {
                _entries.Add(new YamlEntry(Key(key), Data(value, 1)));
            }

            return new YamlMapping(_entries, default);
        }
    }
}
