using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Tests.Model;

public sealed class ModelEqualityTests
{
    private static ToolDefinition Grep(string useCase) => new()
    {
        Name = "grep",
        Version = "1.0",
        Metadata = DataMap.Create(("author", "ops"), ("tags", DataValue.FromList(["text", "search"]))),
        Capabilities =
        [
            new CapabilityDefinition
            {
                Name = "text_search",
                Patterns = [new PatternDefinition { Name = "search_files", TimeEstimateMs = "500", TypicalUseCases = [useCase] }],
            },
        ],
    };

    [Test]
    public void Tools_built_separately_with_the_same_content_are_equal()
    {
        var first = Grep("find text");
        var second = Grep("find text");
        Assert.That(ReferenceEquals(first, second), Is.False);
        Assert.That(first, Is.EqualTo(second));
        Assert.That(first.GetHashCode(), Is.EqualTo(second.GetHashCode()));
    }

    [Test]
    public void A_difference_deep_inside_a_pattern_makes_tools_unequal()
    {
        Assert.That(Grep("find text"), Is.Not.EqualTo(Grep("filter logs")));
    }

    [Test]
    public void Maps_compare_without_regard_to_key_order_but_keep_it()
    {
        var a = DataMap.Create(("x", 1L), ("y", "two"));
        var b = DataMap.Create(("y", "two"), ("x", 1L));
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(b.Keys, Is.EqualTo(new[] { "y", "x" }));
    }

    [Test]
    public void Integer_and_float_of_the_same_number_are_equal_but_strings_are_not_numbers()
    {
        Assert.That(DataValue.FromInteger(5), Is.EqualTo(DataValue.FromFloat(5.0)));
        Assert.That(DataValue.FromInteger(5).GetHashCode(), Is.EqualTo(DataValue.FromFloat(5.0).GetHashCode()));
        Assert.That(DataValue.FromString("5"), Is.Not.EqualTo(DataValue.FromInteger(5)));
        Assert.That(DataValue.Null, Is.Not.EqualTo(DataValue.FromString("")));
    }

    [Test]
    public void Duplicate_keys_are_refused_when_building_a_map()
    {
        Assert.That(() => DataMap.Create(("a", 1L), ("a", 2L)), Throws.ArgumentException.With.Message.Contains("'a'"));
    }

    [Test]
    public void Defaults_fill_only_absent_pattern_fields_and_never_with_empty_text()
    {
        var pattern = new PatternDefinition { Name = "p", TimeEstimateMs = "1", Scope = "batch" };
        var filled = pattern.WithDefaults(new ToolDefaults { Scope = "single_item", Freshness = "live", DataSource = "" });
        Assert.Multiple(() =>
        {
            Assert.That(filled.Scope, Is.EqualTo("batch"));
            Assert.That(filled.Freshness, Is.EqualTo("live"));
            Assert.That(filled.DataSource, Is.Null);
        });
    }

    [Test]
    public void Execution_location_falls_back_to_metadata_then_to_the_automation_service()
    {
        var tool = Grep("x");
        Assert.That(tool.EffectiveExecutionLocation, Is.EqualTo("automation-service"));
        Assert.That((tool with { Metadata = tool.Metadata.With("execution_location", "network-service") }).EffectiveExecutionLocation, Is.EqualTo("network-service"));
        Assert.That((tool with { ExecutionLocation = "asset-service" }).EffectiveExecutionLocation, Is.EqualTo("asset-service"));
        Assert.That(tool.Tags, Is.EqualTo(new[] { "text", "search" }));
    }
}
