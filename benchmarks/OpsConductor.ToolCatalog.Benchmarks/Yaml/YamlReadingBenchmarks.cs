using BenchmarkDotNet.Attributes;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;
using YamlDotNet.RepresentationModel;

namespace OpsConductor.ToolCatalog.Benchmarks.Yaml;

/// <summary>
/// Reading the 184 canonical and list-form files of the original corpus plus the samples, from memory:
/// our safe reader (event parser → node tree → model) against YamlDotNet's own representation model
/// (<see cref="YamlStream"/>), the baseline, which does no limit checks and builds no model.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class YamlReadingBenchmarks
{
    private (string Name, string Text)[] _files = [];
    private ToolDefinition[] _tools = [];
    private readonly ToolYamlReader _reader = new();
    private readonly ToolValidator _validator = new();

    [GlobalSetup]
    public void Setup()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OpsConductor.ToolCatalog.sln")))
        {
            root = root.Parent;
        }

        ArgumentNullException.ThrowIfNull(root);
        var corpus = Path.GetFullPath(Path.Combine(root.FullName, "..", "shared", "compat", "opsconductor-ng", "tools"));
        var samples = Path.Combine(root.FullName, "samples", "tools");
        _files = [.. ToolYamlReader.EnumerateYamlFiles(corpus).Concat(ToolYamlReader.EnumerateYamlFiles(samples))
            .Select(f => (f, File.ReadAllText(f)))
            .Where(f => _reader.Read(f.Item2, f.f).Shape is ToolFileShape.Canonical or ToolFileShape.ListForm)];
        _tools = [.. _files.SelectMany(f => _reader.Read(f.Text, f.Name).Tools)];
    }

    [Benchmark(Baseline = true, Description = "YamlDotNet YamlStream.Load (baseline)")]
    public int YamlDotNetRepresentationModel()
    {
        var nodes = 0;
        foreach (var (_, text) in _files)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            nodes += stream.Documents.Count;
        }

        return nodes;
    }

    [Benchmark(Description = "ToolYamlReader.Read (nodes + model)")]
    public int ReadTools()
    {
        var tools = 0;
        foreach (var (name, text) in _files)
        {
            tools += _reader.Read(text, name).Tools.Count;
        }

        return tools;
    }

    [Benchmark(Description = "Read + Validate (lenient)")]
    public int ReadAndValidate()
    {
        var findings = 0;
        foreach (var (name, text) in _files)
        {
            findings += _validator.Validate(_reader.Read(text, name)).Findings.Count;
        }

        return findings;
    }

    [Benchmark(Description = "ToolYamlWriter.Write (canonical)")]
    public int WriteTools()
    {
        var length = 0;
        foreach (var tool in _tools)
        {
            length += ToolYamlWriter.Write(tool).Length;
        }

        return length;
    }
}
