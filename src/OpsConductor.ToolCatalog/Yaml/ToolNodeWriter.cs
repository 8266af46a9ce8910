using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Secrets;

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
        map.Add(ToolFields.ToolName, Str(tool.Name));
        map.Add(ToolFields.Version, Str(tool.Version));
        map.Add(ToolFields.Description, Str(tool.Description));
        map.Add(ToolFields.Platform, Str(tool.Platform));
        map.Add(ToolFields.Category, Str(tool.Category));
        if (tool.Status != ToolStatus.Active)
        {
            map.Add(ToolFields.Status, Str(tool.Status.ToWire()));
        }

        if (!tool.Enabled)
        {
            map.Add(ToolFields.Enabled, YamlScalar.Boolean(false));
        }

        if (tool.ExecutionLocation is not null)
        {
            map.Add(ToolFields.ExecutionLocation, Str(tool.ExecutionLocation));
        }

        map.Add(ToolFields.Defaults, Defaults(tool.Defaults));
        var capabilities = new List<YamlEntry>();
        foreach (var capability in tool.Capabilities)
        {
            capabilities.Add(new YamlEntry(Key(capability.Name), Capability(capability)));
        }

        map.Add(ToolFields.Capabilities, new YamlMapping(capabilities, default));
        if (!tool.Dependencies.IsEmpty)
        {
            map.Add(ToolFields.Dependencies, new YamlSequence([.. tool.Dependencies.Select(Dependency)], default));
        }

        if (!tool.Metadata.IsEmpty)
        {
            map.Add(ToolFields.Metadata, Data(DataValue.FromMap(tool.Metadata), 0));
        }

        if (!tool.Examples.IsEmpty)
        {
            map.Add(ToolFields.Examples, new YamlSequence([.. tool.Examples.Select(Example)], default));
        }

        return map.Build();
    }

    private static YamlMapping Defaults(ToolDefaults defaults)
    {
        var map = new MapBuilder(defaults.Extensions);
        map.AddIf(ToolFields.AccuracyLevel, defaults.AccuracyLevel);
        map.AddIf(ToolFields.Freshness, defaults.Freshness);
        map.AddIf(ToolFields.DataSource, defaults.DataSource);
        map.AddIf(ToolFields.Scope, defaults.Scope);
        map.AddIf(ToolFields.Completeness, defaults.Completeness);
        return map.Build();
    }

    private static YamlMapping Capability(CapabilityDefinition capability)
    {
        var map = new MapBuilder(capability.Extensions);
        map.Add(ToolFields.Description, Str(capability.Description));
        var patterns = new List<YamlEntry>();
        foreach (var pattern in capability.Patterns)
        {
            patterns.Add(new YamlEntry(Key(pattern.Name), Pattern(pattern)));
        }

        map.Add(ToolFields.Patterns, new YamlMapping(patterns, default));
        return map.Build();
    }

    private static YamlMapping Pattern(PatternDefinition pattern)
    {
        var map = new MapBuilder(pattern.Extensions);
        map.Add(ToolFields.Description, Str(pattern.Description));
        map.Add(ToolFields.TypicalUseCases, Strings(pattern.TypicalUseCases));
        map.Add(ToolFields.TimeEstimateMs, Str(pattern.TimeEstimateMs));
        map.Add(ToolFields.CostEstimate, Str(pattern.CostEstimate));
        map.Add(ToolFields.ComplexityScore, YamlScalar.Float(pattern.ComplexityScore));
        map.AddIf(ToolFields.Scope, pattern.Scope);
        map.AddIf(ToolFields.Completeness, pattern.Completeness);
        map.AddIf(ToolFields.AccuracyLevel, pattern.AccuracyLevel);
        map.AddIf(ToolFields.Freshness, pattern.Freshness);
        map.AddIf(ToolFields.DataSource, pattern.DataSource);
        if (!pattern.Limitations.IsEmpty)
        {
            map.Add(ToolFields.Limitations, Strings(pattern.Limitations));
        }

        map.Add(ToolFields.Policy, Policy(pattern.Policy));
        map.Add(ToolFields.PreferenceMatch, Preferences(pattern.PreferenceMatch));
        map.Add(ToolFields.RequiredInputs, new YamlSequence([.. pattern.RequiredInputs.Select(Input)], default));
        if (!pattern.OptionalInputs.IsEmpty)
        {
            map.Add(ToolFields.OptionalInputs, new YamlSequence([.. pattern.OptionalInputs.Select(Input)], default));
        }

        map.Add(ToolFields.ExpectedOutputs, new YamlSequence([.. pattern.ExpectedOutputs.Select(Output)], default));
        if (!pattern.Examples.IsEmpty)
        {
            map.Add(ToolFields.Examples, new YamlSequence([.. pattern.Examples.Select(e => Data(e, 0))], default));
        }

        return map.Build();
    }

    private static YamlMapping Policy(PolicyDefinition policy)
    {
        var map = new MapBuilder(policy.Extensions);
        if (policy.MaxCost is { } maxCost)
        {
            map.Add(ToolFields.MaxCost, Number(maxCost));
        }

        map.Add(ToolFields.RequiresApproval, YamlScalar.Boolean(policy.RequiresApproval));
        map.Add(ToolFields.ProductionSafe, YamlScalar.Boolean(policy.ProductionSafe));
        if (policy.MaxExecutionTimeSeconds is { } maxTime)
        {
            map.Add(ToolFields.MaxExecutionTime, Number(maxTime));
        }

        map.AddIf(ToolFields.RequiresBackgroundIf, policy.RequiresBackgroundIf);
        if (policy.MaxNImmediate is { } maxN)
        {
            map.Add(ToolFields.MaxNImmediate, YamlScalar.Integer(maxN));
        }

        if (!policy.AllowedEnvironments.IsEmpty)
        {
            map.Add(ToolFields.AllowedEnvironments, Strings(policy.AllowedEnvironments));
        }

        return map.Build();
    }

    private static YamlMapping Preferences(PreferenceMatch scores)
    {
        var map = new MapBuilder(scores.Extensions);
        map.Add(ToolFields.Speed, YamlScalar.Float(scores.Speed));
        map.Add(ToolFields.Accuracy, YamlScalar.Float(scores.Accuracy));
        map.Add(ToolFields.Cost, YamlScalar.Float(scores.Cost));
        map.Add(ToolFields.Complexity, YamlScalar.Float(scores.Complexity));
        map.Add(ToolFields.Completeness, YamlScalar.Float(scores.Completeness));
        return map.Build();
    }

    private static YamlMapping Input(InputSpec input)
    {
        var map = new MapBuilder(input.Extensions);
        map.Add(ToolFields.Name, Str(input.Name));
        map.Add(ToolFields.Type, Str(input.Type));
        map.AddIf(ToolFields.Description, input.Description);
        map.AddIf(ToolFields.Validation, input.Validation);
        if (!input.Examples.IsEmpty)
        {
            map.Add(ToolFields.Examples, new YamlSequence([.. input.Examples.Select(e => Data(e, 0))], default));
        }

        if (!input.AllowedValues.IsEmpty)
        {
            map.Add(ToolFields.AllowedValues, new YamlSequence([.. input.AllowedValues.Select(e => Data(e, 0))], default));
        }

        if (input.Default is not null)
        {
            map.Add(ToolFields.Default, Data(input.Default, 0));
        }

        if (input.Required is { } required)
        {
            map.Add(ToolFields.Required, YamlScalar.Boolean(required));
        }

        return map.Build();
    }

    private static YamlMapping Output(OutputSpec output)
    {
        var map = new MapBuilder(output.Extensions);
        map.Add(ToolFields.Name, Str(output.Name));
        map.Add(ToolFields.Type, Str(output.Type));
        map.AddIf(ToolFields.Description, output.Description);
        if (output.Required is { } required)
        {
            map.Add(ToolFields.Required, YamlScalar.Boolean(required));
        }

        return map.Build();
    }

    private static YamlMapping Dependency(DependencySpec dependency)
    {
        var map = new MapBuilder(dependency.Extensions);
        map.Add(ToolFields.Name, Str(dependency.Name));
        map.Add(ToolFields.Type, Str(dependency.Type));
        map.Add(ToolFields.Required, YamlScalar.Boolean(dependency.Required));
        map.AddIf(ToolFields.Version, dependency.Version);
        return map.Build();
    }

    private static YamlMapping Example(ToolExample example)
    {
        var map = new MapBuilder(example.Extensions);
        map.AddIf(ToolFields.Name, example.Name);
        map.AddIf(ToolFields.Description, example.Description);
        map.Add(ToolFields.Inputs, Data(DataValue.FromMap(example.Inputs), 0));
        if (example.ExpectedOutput is not null)
        {
            map.Add(ToolFields.ExpectedOutput, Data(example.ExpectedOutput, 0));
        }

        if (example.ExpectedTimeMs is { } time)
        {
            map.Add(ToolFields.ExpectedTimeMs, Number(time));
        }

        if (example.ExpectedCost is { } cost)
        {
            map.Add(ToolFields.ExpectedCost, Number(cost));
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
            DataKind.Secret => YamlScalar.Secret(value.AsSecret().Plaintext ?? SecretValue.Mask),
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
