using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Yaml;

/// <summary>
/// The reader keeps one string per short text (docs/scaling.md, "Where a follower's memory goes"): the types, names and
/// phrases a tool's patterns repeat are shared within a document, and across documents when a pool is given for a whole
/// load (what a follower does for <c>GET /api/v1/catalog</c>). A secret's text is never pooled.
/// </summary>
[TestFixture]
public sealed class ScalarPoolTests
{
    [Test]
    public void Equal_short_texts_of_one_document_are_one_string()
    {
        var tool = new ToolYamlReader().Read(ToolJson.ToJson(GeneratedTools.Create(1)), "one").Tools[0];
        var first = tool.Capabilities[0].Patterns[0];
        var other = tool.Capabilities[2].Patterns[1];

        Assert.Multiple(() =>
        {
            Assert.That(other.Limitations[0], Is.SameAs(first.Limitations[0]), "a phrase every pattern repeats");
            Assert.That(other.RequiredInputs[0].Type, Is.SameAs(first.RequiredInputs[0].Type), "a type name");
        });
    }

    [Test]
    public void With_a_pool_for_the_load_equal_texts_of_different_documents_are_one_string_and_without_it_they_are_not()
    {
        var pooledReader = new ToolYamlReader { ScalarPool = new Dictionary<string, string>(StringComparer.Ordinal) };
        var plainReader = new ToolYamlReader();
        var documents = new[] { ToolJson.ToJson(GeneratedTools.Create(1)), ToolJson.ToJson(GeneratedTools.Create(2)) };

        var pooled = documents.Select(d => pooledReader.Read(d, "doc").Tools[0]).ToList();
        var plain = documents.Select(d => plainReader.Read(d, "doc").Tools[0]).ToList();

        Assert.That(Limitation(pooled[1]), Is.SameAs(Limitation(pooled[0])));
        Assert.That(Limitation(plain[1]), Is.Not.SameAs(Limitation(plain[0])).And.EqualTo(Limitation(plain[0])));

        static string Limitation(ToolDefinition tool) => tool.Capabilities[0].Patterns[0].Limitations[0];
    }

    [Test]
    public void A_secret_is_never_kept_in_the_pool()
    {
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        const string Yaml = "tool_name: pooled\nversion: '1.0'\nmetadata:\n  token: !secret hunter2-tagged\n  owner: ops\n";

        var tool = new ToolYamlReader { ScalarPool = pool }.Read(Yaml, "doc").Tools[0];

        Assert.That(tool.Metadata["token"].AsSecret().IsPlaintext, Is.True, "the secret was read");
        Assert.That(pool.Keys, Does.Contain("ops").And.Not.Contain("hunter2-tagged"));
    }
}
