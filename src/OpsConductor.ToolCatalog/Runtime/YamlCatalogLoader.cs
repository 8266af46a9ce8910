using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>What reading the YAML source gave.</summary>
/// <param name="Tools">The usable tools, in file order (a name given twice keeps its last definition, in its first place).</param>
/// <param name="ProfilesVersion">The <c>version</c> of a single profiles file, else null.</param>
/// <param name="FileOf">Which file each tool came from.</param>
/// <param name="Problems">Every file or tool left out, and why (file, line, column, field path, rule).</param>
internal sealed record YamlCatalog(
    IReadOnlyList<ToolDefinition> Tools,
    string? ProfilesVersion,
    IReadOnlyDictionary<string, string> FileOf,
    IReadOnlyList<string> Problems);

/// <summary>
/// Reads the YAML catalog of <see cref="ToolCatalogOptions.YamlPath"/>: a folder of per-tool files (recursively, in
/// ordinal path order) or one file (per-tool or the single-file profiles format), through the safe reader and the
/// lenient validator. In a folder, a file that cannot be read, is not a tool file (stubs, wrappers, templates) or
/// breaks a rule is left out and reported; the others load. A single file that cannot be used fails the load, as the
/// original ProfileLoader's YAML mode did (<c>ValueError("Invalid optimization profiles config: …")</c>).
/// </summary>
internal sealed class YamlCatalogLoader
{
    private readonly ToolYamlReader _reader = new();
    private readonly ToolValidator _validator = new(ValidationOptions.Lenient);

    public YamlCatalogLoader(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The absolute path read.</summary>
    public string Path { get; }

    /// <summary>Reads the whole catalog.</summary>
    /// <exception cref="FileNotFoundException">The path does not exist (the original's message).</exception>
    /// <exception cref="CatalogLoadException">A single file given as the path cannot be used.</exception>
    public YamlCatalog Load(CancellationToken cancellationToken)
    {
        if (Directory.Exists(Path))
        {
            var tools = new List<ToolDefinition>();
            var fileOf = new Dictionary<string, string>(StringComparer.Ordinal);
            var problems = new List<string>();
            foreach (var file in ToolYamlReader.EnumerateYamlFiles(Path))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (read, problem) = ReadOne(file);
                if (problem is not null)
                {
                    problems.Add(problem);
                    continue;
                }

                foreach (var tool in read)
                {
                    if (fileOf.TryGetValue(tool.Name, out var earlier))
                    {
                        problems.Add($"{file}: tool '{tool.Name}' is also defined in {earlier}; the definition in {file} (read later) is used");
                    }

                    fileOf[tool.Name] = file;
                    tools.Add(tool);
                }
            }

            return new YamlCatalog(tools, null, fileOf, problems);
        }

        if (!File.Exists(Path))
        {
            throw new FileNotFoundException(
                $"Optimization profiles config not found: {Path}\nPlease create the config file or specify a different path.", Path);
        }

        var document = _reader.ReadFile(Path);
        var (single, error) = Check(document);
        if (error is not null)
        {
            throw new CatalogLoadException($"Invalid optimization profiles config: {error}");
        }

        return new YamlCatalog(single, ProfilesVersionOf(document), single.ToDictionary(t => t.Name, _ => Path, StringComparer.Ordinal), []);
    }

    /// <summary>Reads one tool again from the file it came from; null when the file no longer defines it.</summary>
    /// <exception cref="CatalogLoadException">The file cannot be used any more.</exception>
    public ToolDefinition? LoadTool(string file, string toolName)
    {
        var (tools, problem) = ReadOne(file);
        if (problem is not null)
        {
            throw new CatalogLoadException($"Tool '{toolName}' could not be reloaded: {problem}");
        }

        return tools.LastOrDefault(t => string.Equals(t.Name, toolName, StringComparison.Ordinal));
    }

    private (IReadOnlyList<ToolDefinition> Tools, string? Problem) ReadOne(string file)
    {
        var document = _reader.ReadFile(file);
        var (tools, error) = Check(document);
        return error is null ? (tools, null) : ([], error);
    }

    /// <summary>The document's tools, or the first reason it cannot be used (with file, line, column, path and rule).</summary>
    private (IReadOnlyList<ToolDefinition> Tools, string? Error) Check(ToolDocument document)
    {
        if (!document.IsReadable)
        {
            return ([], $"{document.ParseErrors[0]} (file left out)");
        }

        if (document.Tools.Count == 0)
        {
            return ([], $"{document.Source}: holds no tool ({document.Shape}) (file left out)");
        }

        var report = _validator.Validate(document);
        if (!report.IsValid)
        {
            var errors = report.Errors;
            var more = errors.Count > 1 ? $" (and {errors.Count - 1} more)" : "";
            return ([], $"{errors[0]}{more} (file left out)");
        }

        return (document.Tools, null);
    }

    private static string? ProfilesVersionOf(ToolDocument document) =>
        document.Shape == ToolFileShape.Profiles && document.Root is YamlMapping root && root.Get("version") is YamlScalar { IsNull: false } version
            ? version.Text
            : null;
}
