using System.Globalization;
using OpsConductor.ToolCatalog.Secrets;

namespace OpsConductor.ToolCatalog.Model;

/// <summary>
/// Every secret of a tool, with its field path (<c>metadata.token</c>,
/// <c>capabilities.c.patterns.p.optional_inputs[0].default</c>, <c>examples[0].inputs.password</c>), and the one rewrite
/// of them all. A tool without secrets comes back as the same instance (the walk allocates nothing then).
/// </summary>
internal static class ToolSecrets
{
    /// <summary>The secrets of <paramref name="tool"/> with their paths, in document order.</summary>
    public static List<(string Path, SecretValue Secret)> Find(ToolDefinition tool)
    {
        var found = new List<(string, SecretValue)>();
        Map(tool, (path, secret) =>
        {
            found.Add((path, secret));
            return secret;
        });
        return found;
    }

    /// <summary>Whether the tool holds any secret.</summary>
    public static bool Any(ToolDefinition tool)
    {
        var any = false;
        Map(tool, (_, secret) =>
        {
            any = true;
            return secret;
        });
        return any;
    }

    /// <summary>The tool with each secret replaced by <paramref name="map"/>'s answer (given the secret's path).</summary>
    public static ToolDefinition Map(ToolDefinition tool, Func<string, SecretValue, SecretValue> map)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var w = new Walker(map);
        var metadata = w.Map(tool.Metadata, ToolFields.Metadata);
        var extensions = w.Map(tool.Extensions, "");
        var defaults = tool.Defaults;
        var defaultsExt = w.Map(defaults.Extensions, ToolFields.Defaults);
        if (!ReferenceEquals(defaultsExt, defaults.Extensions))
        {
            defaults = defaults with { Extensions = defaultsExt };
        }

        var capabilities = Walker.Items(tool.Capabilities, (c, _) => Capability(w, c));
        var dependencies = Walker.Items(tool.Dependencies, (d, i) =>
        {
            var ext = w.Map(d.Extensions, Paths.Item(ToolFields.Dependencies, i));
            return ReferenceEquals(ext, d.Extensions) ? d : d with { Extensions = ext };
        });
        var examples = Walker.Items(tool.Examples, (e, i) => Example(w, e, Paths.Item(ToolFields.Examples, i)));
        if (!w.Changed)
        {
            return tool;
        }

        return tool with
        {
            Metadata = metadata,
            Extensions = extensions,
            Defaults = defaults,
            Capabilities = capabilities,
            Dependencies = dependencies,
            Examples = examples,
        };
    }

    private static CapabilityDefinition Capability(Walker w, CapabilityDefinition capability)
    {
        var path = Paths.Child(ToolFields.Capabilities, capability.Name);
        var before = w.Changed;
        w.Changed = false;
        var ext = w.Map(capability.Extensions, path);
        var patterns = Walker.Items(capability.Patterns, (p, _) => Pattern(w, p, Paths.Child(Paths.Child(path, ToolFields.Patterns), p.Name)));
        var changed = w.Changed;
        w.Changed |= before;
        return changed ? capability with { Extensions = ext, Patterns = patterns } : capability;
    }

    private static PatternDefinition Pattern(Walker w, PatternDefinition pattern, string path)
    {
        var before = w.Changed;
        w.Changed = false;
        var ext = w.Map(pattern.Extensions, path);
        var policyExt = w.Map(pattern.Policy.Extensions, Paths.Child(path, ToolFields.Policy));
        var preferencesExt = w.Map(pattern.PreferenceMatch.Extensions, Paths.Child(path, ToolFields.PreferenceMatch));
        var required = Walker.Items(pattern.RequiredInputs, (input, i) => Input(w, input, Paths.Item(Paths.Child(path, ToolFields.RequiredInputs), i)));
        var optional = Walker.Items(pattern.OptionalInputs, (input, i) => Input(w, input, Paths.Item(Paths.Child(path, ToolFields.OptionalInputs), i)));
        var outputs = Walker.Items(pattern.ExpectedOutputs, (o, i) =>
        {
            var e = w.Map(o.Extensions, Paths.Item(Paths.Child(path, ToolFields.ExpectedOutputs), i));
            return ReferenceEquals(e, o.Extensions) ? o : o with { Extensions = e };
        });
        var examples = w.Values(pattern.Examples, Paths.Child(path, ToolFields.Examples));
        var changed = w.Changed;
        w.Changed |= before;
        return changed
            ? pattern with
            {
                Extensions = ext,
                Policy = ReferenceEquals(policyExt, pattern.Policy.Extensions) ? pattern.Policy : pattern.Policy with { Extensions = policyExt },
                PreferenceMatch = ReferenceEquals(preferencesExt, pattern.PreferenceMatch.Extensions) ? pattern.PreferenceMatch : pattern.PreferenceMatch with { Extensions = preferencesExt },
                RequiredInputs = required,
                OptionalInputs = optional,
                ExpectedOutputs = outputs,
                Examples = examples,
            }
            : pattern;
    }

    private static InputSpec Input(Walker w, InputSpec input, string path)
    {
        var before = w.Changed;
        w.Changed = false;
        var ext = w.Map(input.Extensions, path);
        var examples = w.Values(input.Examples, Paths.Child(path, ToolFields.Examples));
        var allowed = w.Values(input.AllowedValues, Paths.Child(path, ToolFields.AllowedValues));
        var @default = input.Default is null ? null : w.Value(input.Default, Paths.Child(path, ToolFields.Default));
        var changed = w.Changed;
        w.Changed |= before;
        return changed ? input with { Extensions = ext, Examples = examples, AllowedValues = allowed, Default = @default } : input;
    }

    private static ToolExample Example(Walker w, ToolExample example, string path)
    {
        var before = w.Changed;
        w.Changed = false;
        var ext = w.Map(example.Extensions, path);
        var inputs = w.Map(example.Inputs, Paths.Child(path, ToolFields.Inputs));
        var expected = example.ExpectedOutput is null ? null : w.Value(example.ExpectedOutput, Paths.Child(path, ToolFields.ExpectedOutput));
        var changed = w.Changed;
        w.Changed |= before;
        return changed ? example with { Extensions = ext, Inputs = inputs, ExpectedOutput = expected } : example;
    }

    private sealed class Walker(Func<string, SecretValue, SecretValue> map)
    {
        public bool Changed { get; set; }

        public DataValue Value(DataValue value, string path)
        {
            switch (value.Kind)
            {
                case DataKind.Secret:
                    var before = value.AsSecret();
                    var after = map(path, before);
                    if (ReferenceEquals(before, after))
                    {
                        return value;
                    }

                    Changed = true;
                    return DataValue.FromSecret(after);
                case DataKind.List:
                    var list = value.AsList();
                    var items = Values(list, path);
                    return items == list && ReferenceEqualsItems(items, list) ? value : DataValue.FromList(items);
                case DataKind.Map:
                    var m = value.AsMap();
                    var mapped = Map(m, path);
                    return ReferenceEquals(m, mapped) ? value : DataValue.FromMap(mapped);
                default:
                    return value;
            }
        }

        public EquatableArray<DataValue> Values(EquatableArray<DataValue> values, string path)
        {
            DataValue[]? copy = null;
            for (var i = 0; i < values.Count; i++)
            {
                var item = values[i];
                var mapped = Value(item, Paths.Item(path, i));
                if (!ReferenceEquals(item, mapped))
                {
                    copy ??= values.ToArray();
                    copy[i] = mapped;
                }
            }

            return copy is null ? values : new EquatableArray<DataValue>(copy);
        }

        public DataMap Map(DataMap map, string path)
        {
            List<KeyValuePair<string, DataValue>>? copy = null;
            var i = 0;
            foreach (var (key, value) in map)
            {
                var mapped = Value(value, Paths.Child(path, key));
                if (!ReferenceEquals(value, mapped))
                {
                    copy ??= [.. map];
                    copy[i] = new(key, mapped);
                }

                i++;
            }

            return copy is null ? map : DataMap.Create(copy);
        }

        public static EquatableArray<T> Items<T>(EquatableArray<T> items, Func<T, int, T> map)
            where T : class
        {
            T[]? copy = null;
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                var mapped = map(item, i);
                if (!ReferenceEquals(item, mapped))
                {
                    copy ??= items.ToArray();
                    copy[i] = mapped;
                }
            }

            return copy is null ? items : new EquatableArray<T>(copy);
        }

        private static bool ReferenceEqualsItems(EquatableArray<DataValue> a, EquatableArray<DataValue> b)
        {
            for (var i = 0; i < a.Count; i++)
            {
                if (!ReferenceEquals(a[i], b[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Field paths as the validator and the audit write them (<c>a.b</c>, <c>a[0]</c>).</summary>
    private static class Paths
    {
        public static string Child(string parent, string key) => parent.Length == 0 ? key : string.Concat(parent, ".", key);

        public static string Item(string parent, int index) => string.Concat(parent, "[", index.ToString(CultureInfo.InvariantCulture), "]");
    }
}
