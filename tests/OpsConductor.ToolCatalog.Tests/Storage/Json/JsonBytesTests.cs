using System.Text;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage.Json;

/// <summary>
/// The JSON the library writes is pinned byte for byte: stored content hashes (<see cref="ToolJson.ContentSha256"/>)
/// and the JSONB columns depend on it, so a change of encoder, key order, number format or omission rule must show
/// up here as a failing test, not as hashes that no longer match rows written before it.
/// </summary>
public sealed class JsonBytesTests
{
    private static string Golden(string name) =>
        File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "tests", "OpsConductor.ToolCatalog.Tests", "Storage", "Json", "Golden", name), Encoding.UTF8);

    [Test]
    public void The_document_of_a_rich_tool_is_written_exactly_as_before()
    {
        var tool = RichTools.Create();

        Assert.Multiple(() =>
        {
            Assert.That(ToolJson.ToJson(tool), Is.EqualTo(Golden("rich-tool.indented.json")));
            Assert.That(ToolJson.ToJson(tool, indented: false), Is.EqualTo(Golden("rich-tool.compact.json")));
        });
    }

    [Test]
    public void The_content_hash_of_a_rich_tool_is_the_one_stored_before()
    {
        var tool = RichTools.Create();

        Assert.That(ToolJson.ContentSha256(tool), Is.EqualTo(Golden("rich-tool.sha256.txt").Trim()));
    }

    [Test]
    public void The_content_hash_sorts_free_form_keys_and_the_document_keeps_their_order()
    {
        var tool = RichTools.Create() with { Metadata = DataMap.Create(("zulu", 1L), ("alpha", DataValue.FromMap(DataMap.Create(("y", 2L), ("b", 3L))))) };
        var reordered = tool with { Metadata = DataMap.Create(("alpha", DataValue.FromMap(DataMap.Create(("b", 3L), ("y", 2L)))), ("zulu", 1L)) };

        Assert.Multiple(() =>
        {
            Assert.That(ToolJson.ContentSha256(reordered), Is.EqualTo(ToolJson.ContentSha256(tool)));
            Assert.That(ToolJson.ToJson(tool, indented: false), Does.Contain("\"metadata\":{\"zulu\":1,\"alpha\":{\"y\":2,\"b\":3}}"));
            Assert.That(ToolJson.ToJson(reordered, indented: false), Does.Contain("\"metadata\":{\"alpha\":{\"b\":3,\"y\":2},\"zulu\":1}"));
        });
    }

    [Test]
    public void Every_json_column_of_a_rich_tool_is_written_exactly_as_before()
    {
        var expected = Golden("rich-tool.columns.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(Columns(RichTools.Create()), Is.EqualTo(expected));
    }

    /// <summary>Each JSON column value of the tool, its capabilities and patterns, one per line, as the store sends it.</summary>
    internal static List<string> Columns(ToolDefinition tool)
    {
        var f = ModelJson.Stored;
        var lines = new List<string>
        {
            "defaults " + ModelJson.Serialize(tool.Defaults, f.Defaults),
            "dependencies " + ModelJson.Serialize(tool.Dependencies, f.Dependencies),
            "metadata " + ModelJson.Serialize(tool.Metadata, f.Map),
            "examples " + ModelJson.Serialize(tool.Examples, f.Examples),
            "extensions " + ModelJson.Serialize(tool.Extensions, f.Map),
        };
        foreach (var capability in tool.Capabilities)
        {
            lines.Add("capability.extensions " + ModelJson.Serialize(capability.Extensions, f.Map));
            foreach (var pattern in capability.Patterns)
            {
                lines.Add("typical_use_cases " + ModelJson.Serialize(pattern.TypicalUseCases, f.Strings));
                lines.Add("limitations " + ModelJson.Serialize(pattern.Limitations, f.Strings));
                lines.Add("policy " + ModelJson.Serialize(pattern.Policy, f.Policy));
                lines.Add("preference_match " + ModelJson.Serialize(pattern.PreferenceMatch, f.Preferences));
                lines.Add("required_inputs " + ModelJson.Serialize(pattern.RequiredInputs, f.Inputs));
                lines.Add("optional_inputs " + ModelJson.Serialize(pattern.OptionalInputs, f.Inputs));
                lines.Add("expected_outputs " + ModelJson.Serialize(pattern.ExpectedOutputs, f.Outputs));
                lines.Add("examples " + ModelJson.Serialize(pattern.Examples, f.Values));
                lines.Add("pattern.extensions " + ModelJson.Serialize(pattern.Extensions, f.Map));
            }
        }

        return lines;
    }
}
