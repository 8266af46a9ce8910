using System.Text.Json;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage.Json;

/// <summary>The JSON columns' mapping (<see cref="ModelJson"/>) reads back what it writes, with the same kinds, and reads
/// the column defaults and the markers of free-form data as the format says.</summary>
public sealed class ModelJsonTests
{
    private static readonly ModelJsonFormat Format = ModelJson.Stored;

    private static T RoundTrip<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) =>
        ModelJson.Deserialize(ModelJson.Serialize(value, info), info);

    [Test]
    public void Every_part_of_a_rich_tool_reads_back_equal()
    {
        var tool = RichTools.Create();
        var pattern = tool.Capabilities[0].Patterns[0];

        Assert.Multiple(() =>
        {
            Assert.That(RoundTrip(tool.Defaults, Format.Defaults), Is.EqualTo(tool.Defaults));
            Assert.That(RoundTrip(tool.Dependencies, Format.Dependencies), Is.EqualTo(tool.Dependencies));
            Assert.That(RoundTrip(tool.Metadata, Format.Map), Is.EqualTo(tool.Metadata));
            Assert.That(RoundTrip(tool.Examples, Format.Examples), Is.EqualTo(tool.Examples));
            Assert.That(RoundTrip(pattern.Policy, Format.Policy), Is.EqualTo(pattern.Policy));
            Assert.That(RoundTrip(pattern.PreferenceMatch, Format.Preferences), Is.EqualTo(pattern.PreferenceMatch));
            Assert.That(RoundTrip(pattern.RequiredInputs, Format.Inputs), Is.EqualTo(pattern.RequiredInputs));
            Assert.That(RoundTrip(pattern.OptionalInputs, Format.Inputs), Is.EqualTo(pattern.OptionalInputs));
            Assert.That(RoundTrip(pattern.ExpectedOutputs, Format.Outputs), Is.EqualTo(pattern.ExpectedOutputs));
            Assert.That(RoundTrip(pattern.Examples, Format.Values), Is.EqualTo(pattern.Examples));
            Assert.That(RoundTrip(pattern.TypicalUseCases, Format.Strings), Is.EqualTo(pattern.TypicalUseCases));
            Assert.That(RoundTrip(pattern.Extensions, Format.Map), Is.EqualTo(pattern.Extensions));
        });
    }

    [Test]
    public void Free_form_values_keep_their_kinds_through_the_round_trip()
    {
        var extensions = RoundTrip(RichTools.Create().Capabilities[0].Patterns[0].Extensions, Format.Map);

        Assert.Multiple(() =>
        {
            Assert.That(extensions["float_integral"].Kind, Is.EqualTo(DataKind.Float));
            Assert.That(extensions["big_float"].Kind, Is.EqualTo(DataKind.Float));
            Assert.That(extensions["integer"].Kind, Is.EqualTo(DataKind.Integer));
            Assert.That(double.IsNaN(extensions["not_a_number"].AsDouble()), Is.True);
            Assert.That(double.IsNegative(extensions["negative_zero"].AsDouble()), Is.True);
            Assert.That(extensions["float_marker_lookalike"].AsMap()["$float"].AsString(), Is.EqualTo("NaN"));
            Assert.That(extensions["map_marker_lookalike"].AsMap()["$map"].AsMap().IsEmpty, Is.True);
            Assert.That(extensions["explicit_null"].IsNull, Is.True);
        });
    }

    [Test]
    public void An_empty_policy_or_preference_column_reads_as_the_model_defaults()
    {
        // The columns' SQL default is '{}': what the model's initialisers say must apply, not the CLR defaults.
        Assert.Multiple(() =>
        {
            Assert.That(ModelJson.Deserialize("{}", Format.Policy), Is.EqualTo(PolicyDefinition.Default));
            Assert.That(ModelJson.Deserialize("{}", Format.Policy).ProductionSafe, Is.True);
            Assert.That(ModelJson.Deserialize("{}", Format.Preferences), Is.EqualTo(PreferenceMatch.Neutral));
            Assert.That(ModelJson.Deserialize("{}", Format.Defaults), Is.EqualTo(ToolDefaults.Empty));
            Assert.That(ModelJson.Deserialize("""[{"name":"n"}]""", Format.Inputs)[0].Type, Is.EqualTo("string"));
            Assert.That(ModelJson.Deserialize("""[{"name":"n"}]""", Format.Dependencies)[0].Required, Is.True);
        });
    }

    [Test]
    public void An_input_without_its_name_is_refused_rather_than_read_nameless()
    {
        Assert.Throws<JsonException>(() => ModelJson.Deserialize("""[{"type":"string"}]""", Format.Inputs));
    }

    [Test]
    public void Keys_written_by_a_newer_version_are_ignored_and_an_explicit_null_default_stays_null_data()
    {
        var inputs = ModelJson.Deserialize("""[{"name":"n","type":"integer","future_key":{"a":[1]},"default":null}]""", Format.Inputs);

        Assert.That(inputs[0], Is.EqualTo(new InputSpec { Name = "n", Type = "integer", Default = DataValue.Null }));
    }

    [Test]
    public void A_map_marker_wraps_only_a_one_key_object_and_a_map_with_more_keys_is_plain()
    {
        var wrapped = ModelJson.Deserialize("""{"v":{"$map":{"$float":"not a number"}}}""", Format.Map)["v"].AsMap();
        var plain = ModelJson.Deserialize("""{"v":{"$map":{"$float":"NaN"},"other":1}}""", Format.Map)["v"].AsMap();

        Assert.Multiple(() =>
        {
            Assert.That(wrapped["$float"].AsString(), Is.EqualTo("not a number"));
            Assert.That(plain.Keys, Is.EqualTo(new[] { "$map", "other" }));
            Assert.That(double.IsNaN(plain["$map"].AsDouble()), Is.True, "the inner one-key object is itself a float marker");
        });
    }

    [Test]
    public void A_float_marker_with_an_unknown_name_is_refused_with_the_allowed_names()
    {
        var error = Assert.Throws<JsonException>(() => ModelJson.Deserialize("""{"v":{"$float":"huge"}}""", Format.Map));

        Assert.That(error!.Message, Does.Contain("'huge'").And.Contain("NaN, Infinity, -Infinity"));
    }

    [Test]
    public void Named_doubles_are_written_as_strings_and_read_back()
    {
        var policy = new PolicyDefinition { MaxCost = double.PositiveInfinity, MaxExecutionTimeSeconds = double.NaN };

        var json = ModelJson.Serialize(policy, Format.Policy);

        EquatableArray<ToolExample> examples = [new ToolExample { ExpectedTimeMs = double.NegativeInfinity }];

        Assert.That(json, Is.EqualTo("""{"max_cost":"Infinity","requires_approval":false,"production_safe":true,"max_execution_time":"NaN"}"""));
        Assert.That(ModelJson.Deserialize(json, Format.Policy), Is.EqualTo(policy));
        Assert.That(ModelJson.Serialize(examples, Format.Examples), Is.EqualTo("""[{"expected_time_ms":"-Infinity"}]"""), "inside a list too");
    }

    [Test]
    public void The_canonical_format_sorts_free_form_keys_at_every_depth_and_the_stored_one_keeps_their_order()
    {
        var map = DataMap.Create(("b", DataValue.FromMap(DataMap.Create(("z", 1L), ("a", 2L)))), ("a", DataValue.FromList([DataValue.FromMap(DataMap.Create(("y", 1L), ("x", 2L)))])));

        Assert.Multiple(() =>
        {
            Assert.That(ModelJson.Serialize(map, ModelJson.Stored.Map), Is.EqualTo("""{"b":{"z":1,"a":2},"a":[{"y":1,"x":2}]}"""));
            Assert.That(ModelJson.Serialize(map, ModelJson.Canonical.Map), Is.EqualTo("""{"a":[{"x":2,"y":1}],"b":{"a":2,"z":1}}"""));
        });
    }
}
