using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Secrets;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>
/// Maps a node tree onto the model. It never throws on ill-typed input: a value that does not fit its model
/// property (a string where a number belongs, a scalar where a list belongs) is kept, as it was, in the
/// owner's <c>Extensions</c> under its own key and the property keeps its default; the writer writes such a
/// value back in place of the property, and the validator reports it. Nothing in the file is dropped.
/// </summary>
internal static class ToolModelReader
{
    /// <summary>Reads a canonical (or normalised list-form) tool.</summary>
    public static ToolDefinition ReadTool(YamlMapping root) => ReadTool(root, defaultName: "", defaultVersion: "", profile: false);

    /// <summary>Reads every tool of a profiles file: each named by its key, versioned by the file's <c>version</c>
    /// ("1.0" when absent, as the original's default); a <c>tool_name</c> or <c>version</c> inside an entry overrides these.</summary>
    public static IReadOnlyList<ToolDefinition> ReadProfiles(YamlMapping root)
    {
        var version = root.Get(ToolFields.Version) is YamlScalar { IsNull: false } v ? v.Text : "1.0";
        var tools = new List<ToolDefinition>();
        if (root.Get("tools") is not YamlMapping map)
        {
            return tools;
        }

        foreach (var entry in map.Entries)
        {
            tools.Add(entry.Value is YamlMapping body
                ? ReadTool(body, entry.Key.Text, version, profile: true)
                : new ToolDefinition
                {
                    Name = entry.Key.Text,
                    Version = version,
                    Extensions = DataMap.Create(("profile", ToData(entry.Value))),
                });
        }

        return tools;
    }

    private static ToolDefinition ReadTool(YamlMapping root, string defaultName, string defaultVersion, bool profile)
    {
        var tool = new ToolDefinition { Name = defaultName, Version = defaultVersion };
        var ext = new Extensions();
        foreach (var (keyNode, value) in root.Entries)
        {
            var key = keyNode.Text;
            switch (key)
            {
                case ToolFields.ToolName:
                    tool = tool with { Name = TextOrExt(value, key, ext) ?? defaultName };
                    break;
                case ToolFields.Version:
                    tool = tool with { Version = TextOrExt(value, key, ext) ?? defaultVersion };
                    break;
                case ToolFields.Description:
                    tool = tool with { Description = TextOrExt(value, key, ext) ?? "" };
                    break;
                case ToolFields.Platform:
                    tool = tool with { Platform = TextOrExt(value, key, ext) ?? "" };
                    break;
                case ToolFields.Category:
                    tool = tool with { Category = TextOrExt(value, key, ext) ?? "" };
                    break;
                case ToolFields.Status:
                    if (value is YamlScalar { IsString: true } s && ToolStatusNames.TryParse(s.Text, out var status) &&
                        string.Equals(status.ToWire(), s.Text, StringComparison.Ordinal))
                    {
                        tool = tool with { Status = status };
                    }
                    else
                    {
                        ext.Add(key, value);
                    }

                    break;
                case ToolFields.Enabled:
                    if (value is YamlScalar { IsBoolean: true } enabled)
                    {
                        tool = tool with { Enabled = (bool)enabled.Value! };
                    }
                    else
                    {
                        ext.Add(key, value);
                    }

                    break;
                case ToolFields.ExecutionLocation:
                    tool = tool with { ExecutionLocation = TextOrExt(value, key, ext) };
                    break;
                case ToolFields.Defaults:
                    if (value is YamlMapping defaults)
                    {
                        tool = tool with { Defaults = ReadDefaults(defaults) };
                    }
                    else
                    {
                        ext.Add(key, value);
                    }

                    break;
                case ToolFields.Capabilities:
                    if (ReadCapabilities(value, profile) is { } capabilities)
                    {
                        tool = tool with { Capabilities = capabilities };
                    }
                    else
                    {
                        ext.Add(key, value);
                    }

                    break;
                case ToolFields.Dependencies:
                    if (ReadItems(value, ReadDependency) is { } dependencies)
                    {
                        tool = tool with { Dependencies = dependencies };
                    }
                    else
                    {
                        ext.Add(key, value);
                    }

                    break;
                case ToolFields.Metadata:
                    if (value is YamlMapping metadata)
                    {
                        tool = tool with { Metadata = ToDataMap(metadata) };
                    }
                    else
                    {
                        ext.Add(key, value);
                    }

                    break;
                case ToolFields.Examples:
                    if (ReadItems(value, ReadExample) is { } examples)
                    {
                        tool = tool with { Examples = examples };
                    }
                    else
                    {
                        ext.Add(key, value);
                    }

                    break;
                default:
                    ext.Add(key, value);
                    break;
            }
        }

        return tool with { Extensions = ext.ToMap() };
    }

    private static ToolDefaults ReadDefaults(YamlMapping map)
    {
        var defaults = new ToolDefaults();
        var ext = new Extensions();
        foreach (var (keyNode, value) in map.Entries)
        {
            var key = keyNode.Text;
            defaults = key switch
            {
                ToolFields.AccuracyLevel => defaults with { AccuracyLevel = TextOrExt(value, key, ext) },
                ToolFields.Freshness => defaults with { Freshness = TextOrExt(value, key, ext) },
                ToolFields.DataSource => defaults with { DataSource = TextOrExt(value, key, ext) },
                ToolFields.Scope => defaults with { Scope = TextOrExt(value, key, ext) },
                ToolFields.Completeness => defaults with { Completeness = TextOrExt(value, key, ext) },
                _ => ext.AddAndReturn(key, value, defaults),
            };
        }

        return defaults with { Extensions = ext.ToMap() };
    }

    private static EquatableArray<CapabilityDefinition>? ReadCapabilities(YamlNode node, bool profile)
    {
        if (node is not YamlMapping map || map.Entries.Any(e => e.Value is not YamlMapping))
        {
            return null;
        }

        var list = new List<CapabilityDefinition>(map.Count);
        foreach (var (keyNode, value) in map.Entries)
        {
            var capability = new CapabilityDefinition { Name = keyNode.Text };
            var ext = new Extensions();
            foreach (var (innerKey, innerValue) in ((YamlMapping)value).Entries)
            {
                var key = innerKey.Text;
                switch (key)
                {
                    case ToolFields.Description:
                        capability = capability with { Description = TextOrExt(innerValue, key, ext) ?? "" };
                        break;
                    case ToolFields.Patterns:
                        if (innerValue is YamlMapping patterns && patterns.Entries.All(e => e.Value is YamlMapping))
                        {
                            capability = capability with
                            {
                                Patterns = patterns.Entries.Select(e => ReadPattern(e.Key.Text, (YamlMapping)e.Value, profile)).ToEquatableArray(),
                            };
                        }
                        else
                        {
                            ext.Add(key, innerValue);
                        }

                        break;
                    default:
                        ext.Add(key, innerValue);
                        break;
                }
            }

            list.Add(capability with { Extensions = ext.ToMap() });
        }

        return list.ToEquatableArray();
    }

    private static PatternDefinition ReadPattern(string name, YamlMapping map, bool profile)
    {
        var pattern = new PatternDefinition { Name = name, TimeEstimateMs = "" };
        var ext = new Extensions();
        foreach (var (keyNode, value) in map.Entries)
        {
            var key = keyNode.Text;
            switch (key)
            {
                case ToolFields.Description:
                    pattern = pattern with { Description = TextOrExt(value, key, ext) ?? "" };
                    break;
                case ToolFields.TypicalUseCases:
                    pattern = StringsOrExt(value, key, ext) is { } cases ? pattern with { TypicalUseCases = cases } : pattern;
                    break;
                case ToolFields.TimeEstimateMs:
                    pattern = pattern with { TimeEstimateMs = ExpressionOrExt(value, key, ext) ?? "" };
                    break;
                case ToolFields.CostEstimate:
                    pattern = ExpressionOrExt(value, key, ext) is { } cost ? pattern with { CostEstimate = cost } : pattern;
                    break;
                case ToolFields.ComplexityScore:
                    pattern = NumberOrExt(value, key, ext) is { } complexity ? pattern with { ComplexityScore = complexity } : pattern;
                    break;
                case ToolFields.Scope:
                    pattern = pattern with { Scope = TextOrExt(value, key, ext) };
                    break;
                case ToolFields.Completeness:
                    pattern = pattern with { Completeness = TextOrExt(value, key, ext) };
                    break;
                case ToolFields.AccuracyLevel:
                    pattern = pattern with { AccuracyLevel = TextOrExt(value, key, ext) };
                    break;
                case ToolFields.Freshness:
                    pattern = pattern with { Freshness = TextOrExt(value, key, ext) };
                    break;
                case ToolFields.DataSource:
                    pattern = pattern with { DataSource = TextOrExt(value, key, ext) };
                    break;
                case ToolFields.Limitations:
                    pattern = StringsOrExt(value, key, ext) is { } limitations ? pattern with { Limitations = limitations } : pattern;
                    break;
                case ToolFields.Policy:
                    pattern = value is YamlMapping policy ? pattern with { Policy = ReadPolicy(policy) } : ext.AddAndReturn(key, value, pattern);
                    break;
                case ToolFields.PreferenceMatch:
                    pattern = value is YamlMapping preferences ? pattern with { PreferenceMatch = ReadPreferences(preferences) } : ext.AddAndReturn(key, value, pattern);
                    break;
                case ToolFields.RequiredInputs:
                    pattern = ReadItems(value, ReadInput) is { } required ? pattern with { RequiredInputs = required } : ext.AddAndReturn(key, value, pattern);
                    break;
                case "requires_inputs" when profile && !map.Contains(ToolFields.RequiredInputs):
                    // The profiles format names the inputs only (PatternProfile.requires_inputs).
                    pattern = StringsOrExt(value, key, ext) is { } names
                        ? pattern with { RequiredInputs = names.Select(n => new InputSpec { Name = n }).ToEquatableArray() }
                        : pattern;
                    break;
                case ToolFields.OptionalInputs:
                    pattern = ReadItems(value, ReadInput) is { } optional ? pattern with { OptionalInputs = optional } : ext.AddAndReturn(key, value, pattern);
                    break;
                case ToolFields.ExpectedOutputs:
                    pattern = ReadItems(value, ReadOutput) is { } outputs ? pattern with { ExpectedOutputs = outputs } : ext.AddAndReturn(key, value, pattern);
                    break;
                case ToolFields.Examples:
                    pattern = value is YamlSequence examples
                        ? pattern with { Examples = examples.Items.Select(ToData).ToEquatableArray() }
                        : ext.AddAndReturn(key, value, pattern);
                    break;
                default:
                    ext.Add(key, value);
                    break;
            }
        }

        return pattern with { Extensions = ext.ToMap() };
    }

    private static PolicyDefinition ReadPolicy(YamlMapping map)
    {
        var policy = new PolicyDefinition();
        var ext = new Extensions();
        foreach (var (keyNode, value) in map.Entries)
        {
            var key = keyNode.Text;
            switch (key)
            {
                case ToolFields.MaxCost:
                    policy = NullableNumber(value, key, ext, out var maxCost) ? policy with { MaxCost = maxCost } : policy;
                    break;
                case ToolFields.RequiresApproval:
                    policy = value is YamlScalar { IsBoolean: true } approval
                        ? policy with { RequiresApproval = (bool)approval.Value! }
                        : ext.AddAndReturn(key, value, policy);
                    break;
                case ToolFields.ProductionSafe:
                    policy = value is YamlScalar { IsBoolean: true } safe
                        ? policy with { ProductionSafe = (bool)safe.Value! }
                        : ext.AddAndReturn(key, value, policy);
                    break;
                case ToolFields.MaxExecutionTime:
                    policy = NullableNumber(value, key, ext, out var maxTime) ? policy with { MaxExecutionTimeSeconds = maxTime } : policy;
                    break;
                case ToolFields.RequiresBackgroundIf:
                    policy = value is YamlScalar { IsString: true } condition
                        ? policy with { RequiresBackgroundIf = condition.Text }
                        : value is YamlScalar { IsNull: true } ? policy : ext.AddAndReturn(key, value, policy);
                    break;
                case ToolFields.MaxNImmediate:
                    policy = value switch
                    {
                        YamlScalar { Kind: ScalarKind.Integer } n => policy with { MaxNImmediate = (long)n.Value! },
                        YamlScalar { IsNull: true } => policy,
                        _ => ext.AddAndReturn(key, value, policy),
                    };
                    break;
                case ToolFields.AllowedEnvironments:
                    policy = StringsOrExt(value, key, ext) is { } environments ? policy with { AllowedEnvironments = environments } : policy;
                    break;
                default:
                    ext.Add(key, value);
                    break;
            }
        }

        return policy with { Extensions = ext.ToMap() };
    }

    private static PreferenceMatch ReadPreferences(YamlMapping map)
    {
        var scores = new PreferenceMatch();
        var ext = new Extensions();
        foreach (var (keyNode, value) in map.Entries)
        {
            var key = keyNode.Text;
            if (key is not (ToolFields.Speed or ToolFields.Accuracy or ToolFields.Cost or ToolFields.Complexity or ToolFields.Completeness))
            {
                ext.Add(key, value);
                continue;
            }

            if (NumberOrExt(value, key, ext) is not { } score)
            {
                continue;
            }

            scores = key switch
            {
                ToolFields.Speed => scores with { Speed = score },
                ToolFields.Accuracy => scores with { Accuracy = score },
                ToolFields.Cost => scores with { Cost = score },
                ToolFields.Complexity => scores with { Complexity = score },
                _ => scores with { Completeness = score },
            };
        }

        return scores with { Extensions = ext.ToMap() };
    }

    private static InputSpec? ReadInput(YamlMapping map)
    {
        if (NameOf(map) is not { } name)
        {
            return null;
        }

        var input = new InputSpec { Name = name };
        var ext = new Extensions();
        foreach (var (keyNode, value) in map.Entries)
        {
            var key = keyNode.Text;
            switch (key)
            {
                case ToolFields.Name:
                    break;
                case ToolFields.Type:
                    input = TextOrExt(value, key, ext) is { } type ? input with { Type = type } : input;
                    break;
                case ToolFields.Description:
                    input = input with { Description = TextOrExt(value, key, ext) };
                    break;
                case ToolFields.Validation:
                    input = input with { Validation = TextOrExt(value, key, ext) };
                    break;
                case ToolFields.Examples:
                    input = value is YamlSequence examples ? input with { Examples = examples.Items.Select(ToData).ToEquatableArray() } : ext.AddAndReturn(key, value, input);
                    break;
                case ToolFields.AllowedValues:
                    input = value is YamlSequence allowed ? input with { AllowedValues = allowed.Items.Select(ToData).ToEquatableArray() } : ext.AddAndReturn(key, value, input);
                    break;
                case ToolFields.Default:
                    input = input with { Default = ToData(value) };
                    break;
                case ToolFields.Required:
                    input = value is YamlScalar { IsBoolean: true } required ? input with { Required = (bool)required.Value! } : ext.AddAndReturn(key, value, input);
                    break;
                default:
                    ext.Add(key, value);
                    break;
            }
        }

        return input with { Extensions = ext.ToMap() };
    }

    private static OutputSpec? ReadOutput(YamlMapping map)
    {
        if (NameOf(map) is not { } name)
        {
            return null;
        }

        var output = new OutputSpec { Name = name };
        var ext = new Extensions();
        foreach (var (keyNode, value) in map.Entries)
        {
            var key = keyNode.Text;
            switch (key)
            {
                case ToolFields.Name:
                    break;
                case ToolFields.Type:
                    output = TextOrExt(value, key, ext) is { } type ? output with { Type = type } : output;
                    break;
                case ToolFields.Description:
                    output = output with { Description = TextOrExt(value, key, ext) };
                    break;
                case ToolFields.Required:
                    output = value is YamlScalar { IsBoolean: true } required ? output with { Required = (bool)required.Value! } : ext.AddAndReturn(key, value, output);
                    break;
                default:
                    ext.Add(key, value);
                    break;
            }
        }

        return output with { Extensions = ext.ToMap() };
    }

    private static DependencySpec? ReadDependency(YamlMapping map)
    {
        if (NameOf(map) is not { } name)
        {
            return null;
        }

        var dependency = new DependencySpec { Name = name };
        var ext = new Extensions();
        foreach (var (keyNode, value) in map.Entries)
        {
            var key = keyNode.Text;
            switch (key)
            {
                case ToolFields.Name:
                    break;
                case ToolFields.Type:
                    dependency = dependency with { Type = TextOrExt(value, key, ext) ?? "" };
                    break;
                case ToolFields.Required:
                    dependency = value is YamlScalar { IsBoolean: true } required ? dependency with { Required = (bool)required.Value! } : ext.AddAndReturn(key, value, dependency);
                    break;
                case ToolFields.Version:
                    dependency = dependency with { Version = TextOrExt(value, key, ext) };
                    break;
                default:
                    ext.Add(key, value);
                    break;
            }
        }

        return dependency with { Extensions = ext.ToMap() };
    }

    private static ToolExample? ReadExample(YamlMapping map)
    {
        var example = new ToolExample();
        var ext = new Extensions();
        foreach (var (keyNode, value) in map.Entries)
        {
            var key = keyNode.Text;
            switch (key)
            {
                case ToolFields.Name:
                    example = example with { Name = TextOrExt(value, key, ext) };
                    break;
                case ToolFields.Description:
                    example = example with { Description = TextOrExt(value, key, ext) };
                    break;
                case ToolFields.Inputs:
                    example = value is YamlMapping inputs ? example with { Inputs = ToDataMap(inputs) } : ext.AddAndReturn(key, value, example);
                    break;
                case ToolFields.ExpectedOutput:
                    example = example with { ExpectedOutput = ToData(value) };
                    break;
                case ToolFields.ExpectedTimeMs:
                    example = NullableNumber(value, key, ext, out var time) ? example with { ExpectedTimeMs = time } : example;
                    break;
                case ToolFields.ExpectedCost:
                    example = NullableNumber(value, key, ext, out var cost) ? example with { ExpectedCost = cost } : example;
                    break;
                default:
                    ext.Add(key, value);
                    break;
            }
        }

        return example with { Extensions = ext.ToMap() };
    }

    /// <summary>Reads a list whose every item maps to a model item; null (keep the raw list) when any does not.</summary>
    private static EquatableArray<T>? ReadItems<T>(YamlNode node, Func<YamlMapping, T?> read)
        where T : class
    {
        if (node is not YamlSequence list)
        {
            return null;
        }

        var items = new List<T>(list.Items.Count);
        foreach (var item in list.Items)
        {
            if (item is not YamlMapping map || read(map) is not { } value)
            {
                return null;
            }

            items.Add(value);
        }

        return items.ToEquatableArray();
    }

    private static string? NameOf(YamlMapping map) =>
        map.Get(ToolFields.Name) is YamlScalar { IsString: true } name && name.Text.Length > 0 ? name.Text : null;

    /// <summary>A scalar's text; null for an explicit null; a list or mapping goes to the extensions.</summary>
    private static string? TextOrExt(YamlNode value, string key, Extensions ext)
    {
        switch (value)
        {
            case YamlScalar { IsNull: true }:
                return null;
            case YamlScalar scalar:
                return scalar.Text;
            default:
                ext.Add(key, value);
                return null;
        }
    }

    /// <summary>An expression: a string as it is, a number as its text; anything else goes to the extensions.</summary>
    private static string? ExpressionOrExt(YamlNode value, string key, Extensions ext)
    {
        if (value is YamlScalar { IsString: true } or YamlScalar { IsNumber: true })
        {
            return ((YamlScalar)value).Text;
        }

        ext.Add(key, value);
        return null;
    }

    private static double? NumberOrExt(YamlNode value, string key, Extensions ext)
    {
        if (value is YamlScalar { IsNumber: true } number)
        {
            return number.AsDouble();
        }

        ext.Add(key, value);
        return null;
    }

    private static bool NullableNumber(YamlNode value, string key, Extensions ext, out double? number)
    {
        number = null;
        switch (value)
        {
            case YamlScalar { IsNumber: true } n:
                number = n.AsDouble();
                return true;
            case YamlScalar { IsNull: true }:
                return true;
            default:
                ext.Add(key, value);
                return false;
        }
    }

    private static EquatableArray<string>? StringsOrExt(YamlNode value, string key, Extensions ext)
    {
        if (value is YamlSequence list && list.Items.All(i => i is YamlScalar { IsString: true }))
        {
            return list.Items.Select(i => ((YamlScalar)i).Text).ToEquatableArray();
        }

        ext.Add(key, value);
        return null;
    }

    /// <summary>Converts a node to free-form data. Depth is bounded by the loader's nesting limit.</summary>
    public static DataValue ToData(YamlNode node) => node switch
    {
        YamlScalar { IsSecret: true } secret => Secret(secret.Text),

        // The JSON form of a secret ({"$secret": "value"}: what the API shows an admin, and how a JSON body marks one).
        YamlMapping { Count: 1 } marker when marker.Entries[0].Key.Text == SecretMarker && marker.Entries[0].Value is YamlScalar { IsString: true } text
            => Secret(text.Text),
        YamlScalar s => s.Kind switch
        {
            ScalarKind.Null => DataValue.Null,
            ScalarKind.Boolean => DataValue.FromBoolean((bool)s.Value!),
            ScalarKind.Integer => DataValue.FromInteger((long)s.Value!),
            ScalarKind.Float => DataValue.FromFloat((double)s.Value!),
            _ => DataValue.FromString(s.Text),
        },
        YamlSequence seq => DataValue.FromList(seq.Items.Select(ToData).ToEquatableArray()),
        YamlMapping map => DataValue.FromMap(ToDataMap(map)),
        _ => throw new InvalidOperationException($"Unknown node type {node.GetType().Name}."),
    };

    /// <summary>The one key of a mapping that stands for a secret (the JSON form of <c>!secret</c>).</summary>
    public const string SecretMarker = "$secret";

    private static DataValue Secret(string text) =>
        DataValue.FromSecret(text == SecretValue.Mask ? SecretValue.Masked : SecretValue.FromPlaintext(text));

    public static DataMap ToDataMap(YamlMapping map) =>
        DataMap.Create(map.Entries.Select(e => new KeyValuePair<string, DataValue>(e.Key.Text, ToData(e.Value))));

    /// <summary>Collects the keys a model type does not interpret, in file order.</summary>
    private sealed class Extensions
    {
        private readonly List<KeyValuePair<string, DataValue>> _entries = [];

        public void Add(string key, YamlNode value) => _entries.Add(new(key, ToData(value)));

        public T AddAndReturn<T>(string key, YamlNode value, T unchanged)
        {
            Add(key, value);
            return unchanged;
        }

        public DataMap ToMap() => DataMap.Create(_entries);
    }
}
