using System.Reflection;
using System.Text.Json.Nodes;
using OpsConductor.ToolCatalog.Editing;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Model;

/// <summary>
/// The field table (<see cref="ToolFields"/>) and every place that reads or writes the tool format agree: the model,
/// the YAML writer and reader, the JSON document, the validator's known keys, the editor and the storage checks. A
/// field added in one place and forgotten in another fails here.
/// </summary>
public sealed class FieldTableTests
{
    private const string Unknown = "x_not_a_field";

    /// <summary>A tool with every field of every level set, and one key no level knows at each level.</summary>
    private static ToolDefinition EveryFieldTool()
    {
        var rich = RichTools.Create();
        var capability = rich.Capabilities[0];
        var pattern = capability.Patterns[0];
        var unknown = DataMap.Create((Unknown, 1L));
        return rich with
        {
            Extensions = unknown,
            Defaults = rich.Defaults with { Extensions = unknown },
            Capabilities =
            [
                capability with
                {
                    Extensions = unknown,
                    Patterns =
                    [
                        pattern with
                        {
                            Extensions = unknown,
                            Policy = pattern.Policy with { Extensions = unknown },
                            PreferenceMatch = pattern.PreferenceMatch with { Extensions = unknown },
                            RequiredInputs = [pattern.RequiredInputs[0] with { Extensions = unknown }],
                            OptionalInputs = [pattern.OptionalInputs[0] with { Extensions = unknown }],
                            ExpectedOutputs = [pattern.ExpectedOutputs[0] with { Extensions = unknown }],
                        },
                    ],
                },
            ],
            Dependencies = [rich.Dependencies[0] with { Extensions = unknown }],
            Examples = [rich.Examples[0] with { Extensions = unknown }],
        };
    }

    /// <summary>The path to one node of each level, as keys from the root (an integer picks a list item).</summary>
    private static readonly (FieldLevel Level, object[] Path)[] LevelPaths =
    [
        (ToolFields.ToolLevel, []),
        (ToolFields.DefaultsLevel, [ToolFields.Defaults]),
        (ToolFields.CapabilityLevel, [ToolFields.Capabilities, "zeta_first"]),
        (ToolFields.PatternLevel, [ToolFields.Capabilities, "zeta_first", ToolFields.Patterns, "omega"]),
        (ToolFields.PolicyLevel, [ToolFields.Capabilities, "zeta_first", ToolFields.Patterns, "omega", ToolFields.Policy]),
        (ToolFields.PreferencesLevel, [ToolFields.Capabilities, "zeta_first", ToolFields.Patterns, "omega", ToolFields.PreferenceMatch]),
        (ToolFields.InputLevel, [ToolFields.Capabilities, "zeta_first", ToolFields.Patterns, "omega", ToolFields.RequiredInputs, 0]),
        (ToolFields.OutputLevel, [ToolFields.Capabilities, "zeta_first", ToolFields.Patterns, "omega", ToolFields.ExpectedOutputs, 0]),
        (ToolFields.DependencyLevel, [ToolFields.Dependencies, 0]),
        (ToolFields.ExampleLevel, [ToolFields.Examples, 0]),
    ];

    [Test]
    public void The_table_has_every_level_of_the_model_once()
    {
        Assert.That(LevelPaths.Select(l => l.Level), Is.EquivalentTo(ToolFields.Levels));
        Assert.That(ToolFields.Levels.Select(l => l.ModelType), Is.Unique);
    }

    [Test]
    public void Every_settable_model_property_is_a_field_of_its_level_and_every_field_is_a_model_property()
    {
        Assert.Multiple(() =>
        {
            foreach (var level in ToolFields.Levels)
            {
                var properties = level.ModelType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.SetMethod is not null && p.Name != "EqualityContract")
                    .Select(p => p.Name)
                    .ToList();
                var mapped = level.Fields.Select(f => f.Property).Append(nameof(ToolDefinition.Extensions));
                if (level.KeyProperty is { } key)
                {
                    mapped = mapped.Append(key);
                }

                Assert.That(mapped, Is.EquivalentTo(properties), $"the {level} level against {level.ModelType.Name}'s properties");
            }
        });
    }

    [Test]
    public void The_yaml_writer_writes_exactly_the_fields_of_each_level_plus_the_extensions()
    {
        var root = ToolNodeWriter.Build(EveryFieldTool());

        Assert.Multiple(() =>
        {
            foreach (var (level, path) in LevelPaths)
            {
                var keys = ((YamlMapping)YamlAt(root, path)).Entries.Select(e => e.Key.Text);
                Assert.That(keys, Is.EquivalentTo(level.Names.Append(Unknown)), $"the {level} level");
            }
        });
    }

    [Test]
    public void The_yaml_reader_interprets_every_field_the_writer_writes_and_keeps_only_the_unknown_key_as_extension()
    {
        var tool = EveryFieldTool();

        var read = ToolModelReader.ReadTool(ToolNodeWriter.Build(tool));

        Assert.That(read, Is.EqualTo(tool));
        var pattern = read.Capabilities[0].Patterns[0];
        var extensions = new[]
        {
            read.Extensions, read.Defaults.Extensions, read.Capabilities[0].Extensions, pattern.Extensions, pattern.Policy.Extensions,
            pattern.PreferenceMatch.Extensions, pattern.RequiredInputs[0].Extensions, pattern.ExpectedOutputs[0].Extensions,
            read.Dependencies[0].Extensions, read.Examples[0].Extensions,
        };
        Assert.That(extensions.Select(e => string.Join(",", e.Keys)), Has.All.EqualTo(Unknown));
    }

    [Test]
    public void A_field_of_the_wrong_kind_is_kept_under_its_own_name_at_every_level()
    {
        // The reader routes by the table's names: a field it cannot hold goes to the extensions under the same key.
        var root = ToolNodeWriter.Build(EveryFieldTool());
        foreach (var (level, path) in LevelPaths)
        {
            var map = (YamlMapping)YamlAt(root, path);
            var field = level.Fields.First(f => f.Property != nameof(InputSpec.Name)).Name;
            var replaced = new YamlMapping(
                [.. map.Entries.Select(e => e.Key.Text == field ? e with { Value = new YamlSequence([new YamlSequence([], default)], default) } : e)],
                map.Start);
            var tool = ToolModelReader.ReadTool((YamlMapping)Replace(root, path, 0, replaced));

            Assert.That(ExtensionsAt(tool, level).ContainsKey(field), Is.True, $"{level}.{field}");
        }
    }

    [Test]
    public void The_json_document_writes_exactly_the_fields_of_each_level_plus_the_extensions()
    {
        var document = ToolJson.ToNode(EveryFieldTool());

        Assert.Multiple(() =>
        {
            foreach (var (level, path) in LevelPaths)
            {
                var keys = JsonAt(document, path).AsObject().Select(p => p.Key);
                Assert.That(keys, Is.EquivalentTo(level.Names.Append(ToolFields.Extensions)), $"the {level} level");
            }
        });
    }

    [Test]
    public void The_validator_knows_every_field_and_reports_the_unknown_key_at_each_level_it_checks()
    {
        var report = new ToolValidator().Validate(EveryFieldTool());
        var unknownKeyCodes = new[]
        {
            ValidationCodes.ToolUnknownKey, ValidationCodes.CapabilityUnknownKey, ValidationCodes.PatternUnknownKey, ValidationCodes.ItemUnknownKey,
        };

        var unknown = report.Findings.Where(f => unknownKeyCodes.Contains(f.Code)).Select(f => f.Path).ToList();

        Assert.That(unknown, Has.All.EndsWith("." + Unknown).Or.EqualTo(Unknown), "only the unknown key is reported");
        Assert.That(unknown, Is.EquivalentTo(new[]
        {
            Unknown,
            "capabilities.zeta_first." + Unknown,
            "capabilities.zeta_first.patterns.omega." + Unknown,
            "capabilities.zeta_first.patterns.omega.policy." + Unknown,
            "capabilities.zeta_first.patterns.omega.preference_match." + Unknown,
            "capabilities.zeta_first.patterns.omega.required_inputs[0]." + Unknown,
            "capabilities.zeta_first.patterns.omega.optional_inputs[0]." + Unknown,
            "capabilities.zeta_first.patterns.omega.expected_outputs[0]." + Unknown,
            "dependencies[0]." + Unknown,
        }));
    }

    [Test]
    public void The_tolerated_keys_are_known_to_the_validator_but_not_interpreted_by_the_reader()
    {
        var tolerated = ToolFields.Levels.SelectMany(l => l.Tolerated.Select(key => (Level: l, Key: key))).ToList();

        Assert.That(tolerated, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var (level, key) in tolerated)
            {
                Assert.That(level.IsField(key), Is.False, $"{level}.{key}");
                Assert.That(level.Known, Does.Contain(key), $"{level}.{key}");
            }
        });
    }

    [Test]
    public void Every_pattern_field_that_is_not_a_tool_field_can_start_an_edit_path_and_applies_to_every_pattern()
    {
        var tool = RichTools.Create();
        var patternOnly = ToolFields.PatternLevel.Names.Where(n => !ToolFields.ToolLevel.IsField(n)).ToList();

        Assert.That(patternOnly, Is.Not.Empty.And.Not.Contains(ToolFields.Description));
        Assert.Multiple(() =>
        {
            foreach (var field in patternOnly)
            {
                var edit = ToolEditor.Apply(tool, [FieldAssignment.Parse($"{field}=7")]);
                Assert.That(edit.Changes.Select(c => c.Path), Is.Not.Empty.And.All.StartsWith("capabilities."), field);
            }
        });
    }

    [Test]
    public void The_storage_check_refuses_a_value_one_character_longer_than_each_bounded_field()
    {
        var tool = EveryFieldTool();
        var bounded = ToolFields.Levels.SelectMany(l => l.Fields.Where(f => f.MaxLength > 0).Select(f => (Level: l, Field: f))).ToList();

        Assert.That(bounded.Select(b => b.Field.Name), Does.Contain(ToolFields.ToolName).And.Contain(ToolFields.DataSource));
        Assert.Multiple(() =>
        {
            foreach (var (level, field) in bounded)
            {
                var atLimit = WithText(tool, level, field.Property, new string('a', field.MaxLength));
                var overLimit = WithText(tool, level, field.Property, new string('a', field.MaxLength + 1));
                Assert.That(StorageRules.FindProblem(atLimit), Is.Null, $"{level}.{field.Name} at {field.MaxLength}");
                Assert.That(StorageRules.FindProblem(overLimit), Does.Contain(field.Name).And.Contain($"at most {field.MaxLength}"), $"{level}.{field.Name}");
            }
        });
    }

    private static ToolDefinition WithText(ToolDefinition tool, FieldLevel level, string property, string text)
    {
        if (level == ToolFields.ToolLevel)
        {
            return (ToolDefinition)SetProperty(tool, property, text);
        }

        var capability = tool.Capabilities[0];
        var pattern = (PatternDefinition)SetProperty(capability.Patterns[0], property, text);
        return tool with { Capabilities = [capability with { Patterns = [pattern] }] };
    }

    /// <summary>A copy of a record with one property set (records have a protected copy constructor: clone, then set).</summary>
    private static object SetProperty(object record, string property, object value)
    {
        var clone = record.GetType().GetMethod("<Clone>$")!.Invoke(record, null)!;
        record.GetType().GetProperty(property)!.SetValue(clone, value);
        return clone;
    }

    private static DataMap ExtensionsAt(ToolDefinition tool, FieldLevel level)
    {
        var capability = tool.Capabilities.Count > 0 ? tool.Capabilities[0] : null;
        var pattern = capability is { Patterns.Count: > 0 } ? capability.Patterns[0] : null;
        return level.Label switch
        {
            "tool" => tool.Extensions,
            "defaults" => tool.Defaults.Extensions,
            "capability" => capability!.Extensions,
            "pattern" => pattern!.Extensions,
            "policy" => pattern!.Policy.Extensions,
            "preference_match" => pattern!.PreferenceMatch.Extensions,
            "input" => pattern!.RequiredInputs[0].Extensions,
            "output" => pattern!.ExpectedOutputs[0].Extensions,
            "dependency" => tool.Dependencies[0].Extensions,
            "example" => tool.Examples[0].Extensions,
            _ => throw new ArgumentOutOfRangeException(nameof(level), level.Label, null),
        };
    }

    private static YamlNode YamlAt(YamlNode node, object[] path)
    {
        foreach (var step in path)
        {
            node = step is int index ? ((YamlSequence)node).Items[index] : ((YamlMapping)node).Get((string)step)!;
        }

        return node;
    }

    [Test]
    public void Each_row_reads_and_sets_its_own_property_and_no_other()
    {
        Assert.Multiple(() =>
        {
            foreach (var level in ToolFields.Levels)
            {
                var fresh = level.Create("item");
                foreach (var field in level.Fields)
                {
                    var property = level.ModelType.GetProperty(field.Property)!;
                    Assert.That(field.ValueType, Is.EqualTo(property.PropertyType), $"{level}.{field.Name}: value type");
                    Assert.That(field.Get(fresh), Is.EqualTo(property.GetValue(fresh)), $"{level}.{field.Name}: reads {field.Property}");

                    var value = DistinctValue(field, property.GetValue(fresh));
                    var changed = field.Set(fresh, value);

                    Assert.That(property.GetValue(changed), Is.EqualTo(value), $"{level}.{field.Name}: sets {field.Property}");
                    foreach (var other in level.Fields.Where(o => o != field))
                    {
                        var otherProperty = level.ModelType.GetProperty(other.Property)!;
                        Assert.That(otherProperty.GetValue(changed), Is.EqualTo(otherProperty.GetValue(fresh)), $"{level}.{field.Name}: leaves {other.Property} alone");
                    }
                }
            }
        });
    }

    [Test]
    public void The_reader_the_writers_and_the_json_document_spell_no_field_name_outside_the_table()
    {
        // What these files may still name: the profiles file's own version and the profiles alias for required inputs
        // (a file shape, not a field), the key a named item is read by, the extensions key and the state fields.
        string[] allowed = ["Version", "Name", "RequiredInputs", "Extensions", "StateFields"];
        var fieldNames = typeof(ToolFields).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);
        string[] files = ["src/OpsConductor.ToolCatalog/Yaml/ToolModelReader.cs", "src/OpsConductor.ToolCatalog/Yaml/ToolNodeWriter.cs", "src/OpsConductor.ToolCatalog/Storage/Json/ToolJson.cs"];

        Assert.Multiple(() =>
        {
            foreach (var file in files)
            {
                var text = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, file));
                var constants = System.Text.RegularExpressions.Regex.Matches(text, @"ToolFields\.(\w+)")
                    .Select(m => m.Groups[1].Value)
                    .Where(name => !name.EndsWith("Level", StringComparison.Ordinal) && !allowed.Contains(name))
                    .Distinct();
                var literals = System.Text.RegularExpressions.Regex.Matches(text, "\"([a-z_A-Z]+)\"")
                    .Select(m => m.Groups[1].Value)
                    .Where(fieldNames.Contains)
                    .Distinct();

                Assert.That(constants, Is.Empty, $"{file} names fields the table's rows should carry");
                Assert.That(literals, Is.Empty, $"{file} spells field names as literals");
            }
        });
    }

    /// <summary>A value of the field's type that differs from <paramref name="current"/> (a new part's value).</summary>
    private static object? DistinctValue(ToolField field, object? current) => field.ValueType switch
    {
        var t when t == typeof(string) => "distinct",
        var t when t == typeof(double) || t == typeof(double?) => 0.125,
        var t when t == typeof(bool) || t == typeof(bool?) => current is not true,
        var t when t == typeof(long?) => 7L,
        var t when t == typeof(ToolStatus) => ToolStatus.Deprecated,
        var t when t == typeof(EquatableArray<string>) => (EquatableArray<string>)["distinct"],
        var t when t == typeof(EquatableArray<DataValue>) => (EquatableArray<DataValue>)[DataValue.FromString("distinct")],
        var t when t == typeof(DataMap) => DataMap.Create(("distinct", 1L)),
        var t when t == typeof(DataValue) => DataValue.FromString("distinct"),
        _ when field.Form is FieldForm.Part => field.Nested!.WithExtensions(field.Nested.Create(""), DataMap.Create(("distinct", 1L))),
        _ when field.Form is FieldForm.Items or FieldForm.Keyed => field.Nested!.ToArray([field.Nested.Create("distinct")]),
        _ => throw new AssertionException($"No distinct value for {field.ValueType.Name} ({field.Name}): extend the test."),
    };

    private static YamlNode Replace(YamlNode node, object[] path, int depth, YamlNode replacement)
    {
        if (depth == path.Length)
        {
            return replacement;
        }

        return path[depth] switch
        {
            int index => new YamlSequence(
                [.. ((YamlSequence)node).Items.Select((item, i) => i == index ? Replace(item, path, depth + 1, replacement) : item)], default),
            string key => new YamlMapping(
                [.. ((YamlMapping)node).Entries.Select(e => e.Key.Text == key ? e with { Value = Replace(e.Value, path, depth + 1, replacement) } : e)],
                ((YamlMapping)node).Start),
            _ => throw new ArgumentException("A path step is a key or an index.", nameof(path)),
        };
    }

    private static JsonNode JsonAt(JsonNode node, object[] path)
    {
        foreach (var step in path)
        {
            node = step is int index ? node.AsArray()[index]! : node.AsObject()[(string)step]!;
        }

        return node;
    }
}
