using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Yaml;

/// <summary>Read → write (canonical) → read gives an equal model, for every compat file that reads as tools.</summary>
public sealed class RoundTripTests
{
    private static readonly ToolYamlReader Reader = new();

    private static IEnumerable<TestCaseData> ReadableCompatFiles()
    {
        var folders = new[] { TestPaths.CompatTools, Compat.EarlyTools, Compat.Profiles };
        foreach (var folder in folders)
        {
            foreach (var file in ToolYamlReader.EnumerateYamlFiles(folder))
            {
                var relative = Path.GetRelativePath(TestPaths.OpsConductorCompat, file).Replace('\\', '/');
                yield return new TestCaseData(relative).SetName($"Round_trip_{relative}");
            }
        }
    }

    [TestCaseSource(nameof(ReadableCompatFiles))]
    public void Every_tool_read_from_a_compat_file_reads_back_equal_after_being_written(string relative)
    {
        var document = Reader.ReadFile(Path.Combine(TestPaths.OpsConductorCompat, relative));
        if (document.Shape is ToolFileShape.ToolWrapper or ToolFileShape.NameStub or ToolFileShape.Template or ToolFileShape.Unknown)
        {
            Assert.That(document.Tools, Is.Empty, "non-tool shapes are not read as tools");
            return;
        }

        Assert.That(document.IsReadable, Is.True, string.Join("\n", document.ParseErrors));
        Assert.That(document.Tools, Is.Not.Empty);
        foreach (var tool in document.Tools)
        {
            AssertRoundTrips(tool);
        }
    }

    [Test]
    public void The_corpus_reads_as_183_canonical_files_2_list_form_and_the_expected_non_tool_shapes()
    {
        var shapes = Reader.ReadFolder(TestPaths.CompatTools).GroupBy(d => d.Shape).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(shapes, Is.EquivalentTo(new Dictionary<ToolFileShape, int>
        {
            [ToolFileShape.Canonical] = 183,
            [ToolFileShape.ListForm] = 1,
            [ToolFileShape.ToolWrapper] = 11,
            [ToolFileShape.NameStub] = 26,
            [ToolFileShape.Template] = 1,
            [ToolFileShape.Unknown] = 1,
        }));
    }

    internal static ToolDefinition AssertRoundTrips(ToolDefinition tool)
    {
        var yaml = ToolYamlWriter.Write(tool);
        var reread = Reader.Read(yaml, $"{tool.Name}.written.yaml");
        Assert.That(reread.ParseErrors, Is.Empty, $"the written YAML of {tool.Name} does not read:\n{yaml}");
        Assert.That(reread.Shape, Is.EqualTo(ToolFileShape.Canonical));
        Assert.That(reread.Tools, Has.Count.EqualTo(1));
        Assert.That(reread.Tools[0], Is.EqualTo(tool), $"{tool.Name} changed on the way through:\n{yaml}");
        return reread.Tools[0];
    }
}
