using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Testing;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Benchmarks.Storage;

/// <summary>
/// The JSON columns of every tool of the original corpus and the samples plus 1,000 synthetic tools: written as the
/// bulk import writes them (one reused <see cref="Utf8JsonWriter"/>), and read back from text as the store's Dapper
/// handlers read them. The library's source-generated mapping (<see cref="ModelJson"/>) against the hand-written one
/// it replaced (<see cref="HandWrittenModelJson"/>, the baseline); decision 1301.
/// </summary>
[MemoryDiagnoser]
public class ModelJsonBenchmarks : IDisposable
{
    private ToolDefinition[] _tools = [];
    private (int Kind, string Json)[] _columns = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private Utf8JsonWriter _writer = null!;

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
        var reader = new ToolYamlReader();
        _tools =
        [
            .. ToolYamlReader.EnumerateYamlFiles(corpus).Concat(ToolYamlReader.EnumerateYamlFiles(samples))
                .SelectMany(f => reader.Read(File.ReadAllText(f), f).Tools),
            .. SyntheticCatalog.Generate(1000),
        ];
        _writer = new Utf8JsonWriter(_buffer, ModelJson.WriterOptions);

        var columns = new List<(int, string)>();
        foreach (var tool in _tools)
        {
            columns.Add((0, ModelJson.Serialize(tool.Defaults, ModelJson.Stored.Defaults)));
            columns.Add((1, ModelJson.Serialize(tool.Dependencies, ModelJson.Stored.Dependencies)));
            columns.Add((2, ModelJson.Serialize(tool.Metadata, ModelJson.Stored.Map)));
            columns.Add((3, ModelJson.Serialize(tool.Examples, ModelJson.Stored.Examples)));
            foreach (var pattern in tool.Capabilities.SelectMany(c => c.Patterns))
            {
                columns.Add((4, ModelJson.Serialize(pattern.TypicalUseCases, ModelJson.Stored.Strings)));
                columns.Add((5, ModelJson.Serialize(pattern.Policy, ModelJson.Stored.Policy)));
                columns.Add((6, ModelJson.Serialize(pattern.PreferenceMatch, ModelJson.Stored.Preferences)));
                columns.Add((7, ModelJson.Serialize(pattern.RequiredInputs, ModelJson.Stored.Inputs)));
                columns.Add((8, ModelJson.Serialize(pattern.ExpectedOutputs, ModelJson.Stored.Outputs)));
                columns.Add((9, ModelJson.Serialize(pattern.Examples, ModelJson.Stored.Values)));
                columns.Add((2, ModelJson.Serialize(pattern.Extensions, ModelJson.Stored.Map)));
            }
        }

        _columns = [.. columns];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _writer?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "write columns: hand-written (baseline)")]
    public long WriteHandWritten()
    {
        long bytes = 0;
        foreach (var tool in _tools)
        {
            bytes += Write(tool.Defaults, HandWrittenModelJson.WriteDefaults);
            bytes += Write(tool.Dependencies, static (w, v) => HandWrittenModelJson.WriteArray(w, v, HandWrittenModelJson.WriteDependency));
            bytes += Write(tool.Metadata, HandWrittenModelJson.WriteMap);
            bytes += Write(tool.Examples, static (w, v) => HandWrittenModelJson.WriteArray(w, v, HandWrittenModelJson.WriteExample));
            foreach (var capability in tool.Capabilities)
            {
                foreach (var pattern in capability.Patterns)
                {
                    bytes += Write(pattern.TypicalUseCases, HandWrittenModelJson.WriteStrings);
                    bytes += Write(pattern.Policy, HandWrittenModelJson.WritePolicy);
                    bytes += Write(pattern.PreferenceMatch, HandWrittenModelJson.WritePreferences);
                    bytes += Write(pattern.RequiredInputs, static (w, v) => HandWrittenModelJson.WriteArray(w, v, HandWrittenModelJson.WriteInput));
                    bytes += Write(pattern.ExpectedOutputs, static (w, v) => HandWrittenModelJson.WriteArray(w, v, HandWrittenModelJson.WriteOutput));
                    bytes += Write(pattern.Examples, HandWrittenModelJson.WriteValues);
                    bytes += Write(pattern.Extensions, HandWrittenModelJson.WriteMap);
                }
            }
        }

        return bytes;
    }

    [Benchmark(Description = "write columns: source-generated")]
    public long WriteSourceGenerated()
    {
        var f = ModelJson.Stored;
        long bytes = 0;
        foreach (var tool in _tools)
        {
            bytes += Write(tool.Defaults, f.Defaults);
            bytes += Write(tool.Dependencies, f.Dependencies);
            bytes += Write(tool.Metadata, f.Map);
            bytes += Write(tool.Examples, f.Examples);
            foreach (var capability in tool.Capabilities)
            {
                foreach (var pattern in capability.Patterns)
                {
                    bytes += Write(pattern.TypicalUseCases, f.Strings);
                    bytes += Write(pattern.Policy, f.Policy);
                    bytes += Write(pattern.PreferenceMatch, f.Preferences);
                    bytes += Write(pattern.RequiredInputs, f.Inputs);
                    bytes += Write(pattern.ExpectedOutputs, f.Outputs);
                    bytes += Write(pattern.Examples, f.Values);
                    bytes += Write(pattern.Extensions, f.Map);
                }
            }
        }

        return bytes;
    }

    [Benchmark(Description = "read columns: hand-written")]
    public int ReadHandWritten()
    {
        var read = 0;
        foreach (var (kind, json) in _columns)
        {
            object value = kind switch
            {
                0 => HandWrittenModelJson.Deserialize(json, HandWrittenModelJson.ReadDefaults),
                1 => HandWrittenModelJson.Deserialize(json, static e => HandWrittenModelJson.ReadArray(e, HandWrittenModelJson.ReadDependency)),
                2 => HandWrittenModelJson.Deserialize(json, HandWrittenModelJson.ReadMap),
                3 => HandWrittenModelJson.Deserialize(json, static e => HandWrittenModelJson.ReadArray(e, HandWrittenModelJson.ReadExample)),
                4 => HandWrittenModelJson.Deserialize(json, HandWrittenModelJson.ReadStrings),
                5 => HandWrittenModelJson.Deserialize(json, HandWrittenModelJson.ReadPolicy),
                6 => HandWrittenModelJson.Deserialize(json, HandWrittenModelJson.ReadPreferences),
                7 => HandWrittenModelJson.Deserialize(json, static e => HandWrittenModelJson.ReadArray(e, HandWrittenModelJson.ReadInput)),
                8 => HandWrittenModelJson.Deserialize(json, static e => HandWrittenModelJson.ReadArray(e, HandWrittenModelJson.ReadOutput)),
                _ => HandWrittenModelJson.Deserialize(json, HandWrittenModelJson.ReadValues),
            };
            read += value is null ? 0 : 1;
        }

        return read;
    }

    [Benchmark(Description = "read columns: source-generated")]
    public int ReadSourceGenerated()
    {
        var f = ModelJson.Stored;
        var read = 0;
        foreach (var (kind, json) in _columns)
        {
            object value = kind switch
            {
                0 => ModelJson.Deserialize(json, f.Defaults),
                1 => ModelJson.Deserialize(json, f.Dependencies),
                2 => ModelJson.Deserialize(json, f.Map),
                3 => ModelJson.Deserialize(json, f.Examples),
                4 => ModelJson.Deserialize(json, f.Strings),
                5 => ModelJson.Deserialize(json, f.Policy),
                6 => ModelJson.Deserialize(json, f.Preferences),
                7 => ModelJson.Deserialize(json, f.Inputs),
                8 => ModelJson.Deserialize(json, f.Outputs),
                _ => ModelJson.Deserialize(json, f.Values),
            };
            read += value is null ? 0 : 1;
        }

        return read;
    }

    private int Write<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        write(_writer, value);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    private int Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        ModelJson.Stored.Write(_writer, value, info);
        _writer.Flush();
        return _buffer.WrittenCount;
    }
}
