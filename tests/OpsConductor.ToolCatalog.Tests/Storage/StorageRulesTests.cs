using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

/// <summary>What the database cannot hold is refused before writing, naming the tool, capability, pattern and field.</summary>
public sealed class StorageRulesTests
{
    private static readonly ToolDefinition Tool = GeneratedTools.Create(1);

    [Test]
    public void A_storable_tool_has_no_problem()
    {
        Assert.That(StorageRules.FindProblem(Tool), Is.Null);
        Assert.That(StorageRules.FindProblem(RichTools.Create()), Is.Null);
    }

    [Test]
    public void A_nul_deep_in_metadata_is_named_by_its_path()
    {
        var tool = Tool with { Metadata = DataMap.Create(("owner", "ops"), ("nested", DataValue.FromMap(DataMap.Create(("list", DataValue.FromList(["ok", "bad\0"])))))) };

        Assert.That(StorageRules.FindProblem(tool), Is.EqualTo(
            "tool 'gen-tool-00001' version '1.0': metadata.nested.list[1] contains a NUL character (U+0000), which PostgreSQL cannot store; remove it."));
    }

    [Test]
    public void A_nul_in_a_map_key_is_named_as_the_key()
    {
        var tool = Tool with { Extensions = DataMap.Create(("x\0", "value")) };

        Assert.That(StorageRules.FindProblem(tool), Does.StartWith("tool 'gen-tool-00001' version '1.0': extensions key contains a NUL character"));
    }

    [Test]
    public void A_pattern_problem_names_the_capability_and_the_pattern()
    {
        var tool = WithPattern(Tool, 1, 2, p => p with { TypicalUseCases = ["fine", "not\0fine"] });

        Assert.That(StorageRules.FindProblem(tool), Is.EqualTo(
            "tool 'gen-tool-00001' version '1.0' capability 'capability_1' pattern 'pattern_2': typical_use_cases[1] contains a NUL character (U+0000), which PostgreSQL cannot store; remove it."));
    }

    [Test]
    public void A_field_longer_than_its_column_is_refused_with_both_lengths()
    {
        var tool = WithPattern(Tool, 0, 0, p => p with { Scope = new string('s', 51) });

        Assert.That(StorageRules.FindProblem(tool), Is.EqualTo(
            "tool 'gen-tool-00001' version '1.0' capability 'capability_0' pattern 'pattern_0': scope is 51 characters long; the catalog stores at most 50."));
        Assert.That(StorageRules.FindProblem(Tool with { Version = "" }), Does.Contain("version is empty; it must be 1 to 20 characters."));
    }

    [Test]
    public void Duplicate_capability_and_pattern_names_are_refused()
    {
        var capabilities = Tool.Capabilities.ToArray();
        capabilities[2] = capabilities[2] with { Name = "capability_0" };
        Assert.That(StorageRules.FindProblem(Tool with { Capabilities = [.. capabilities] }), Is.EqualTo(
            "tool 'gen-tool-00001' version '1.0': the capability name 'capability_0' appears twice; capability names must be unique within a tool."));

        var tool = WithPattern(Tool, 1, 2, p => p with { Name = "pattern_1" });
        Assert.That(StorageRules.FindProblem(tool), Is.EqualTo(
            "tool 'gen-tool-00001' version '1.0' capability 'capability_1': the pattern name 'pattern_1' appears twice; pattern names must be unique within a capability."));
    }

    private static ToolDefinition WithPattern(ToolDefinition tool, int capability, int pattern, Func<PatternDefinition, PatternDefinition> change)
    {
        var capabilities = tool.Capabilities.ToArray();
        var patterns = capabilities[capability].Patterns.ToArray();
        patterns[pattern] = change(patterns[pattern]);
        capabilities[capability] = capabilities[capability] with { Patterns = [.. patterns] };
        return tool with { Capabilities = [.. capabilities] };
    }
}
