using System.Globalization;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>
/// Reads tool YAML safely: the canonical per-tool format, its list form and the single-file profiles format.
/// Every input is treated as hostile (see <see cref="YamlReadOptions"/>): size is checked before reading,
/// nesting, aliases and scalar length are bounded while parsing, duplicate keys and non-core tags are errors,
/// and no object is ever constructed from the YAML. Reading never throws for bad content: problems are
/// reported in <see cref="ToolDocument.ParseErrors"/>, each naming file, line, column and field path.
/// A reader holds no state between calls and is safe to share between threads.
/// </summary>
public sealed class ToolYamlReader
{
    /// <summary>Creates a reader with the given limits (defaults when null).</summary>
    public ToolYamlReader(YamlReadOptions? options = null)
    {
        Options = options ?? YamlReadOptions.Default;
        Options.Validate();
    }

    /// <summary>The limits this reader applies.</summary>
    public YamlReadOptions Options { get; }

    /// <summary>Reads one file. A missing, unreadable or oversized file gives an unreadable document, not an exception.</summary>
    public ToolDocument ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Unreadable(path, ValidationCodes.FileUnreadable, "the file does not exist");
            }

            if (FileKinds.Of(path, followLinks: true) is var kind and not (FileKind.Regular or FileKind.Unknown))
            {
                return Unreadable(path, ValidationCodes.FileUnreadable, $"it is {FileKinds.Describe(kind)}, not a regular file; only regular files are read");
            }

            if (info.Length > Options.MaxFileBytes)
            {
                return TooLarge(path, info.Length);
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            return Read(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return Unreadable(path, ValidationCodes.FileUnreadable, $"the file cannot be read: {e.Message}");
        }
    }

    /// <summary>Reads at most <see cref="YamlReadOptions.MaxFileBytes"/> bytes from <paramref name="stream"/>; a longer stream is refused without reading the rest.</summary>
    public ToolDocument Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        var limit = (int)Math.Min(Options.MaxFileBytes, Array.MaxLength - 1);
        var buffer = new byte[Math.Min(limit + 1, 64 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > limit)
                {
                    return TooLarge(sourceName, null);
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit + 1L));
            }

            var read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (length > limit)
            {
                return TooLarge(sourceName, null);
            }
        }

        if (!YamlText.TryDecode(buffer.AsSpan(0, length), sourceName, out var text, out var error))
        {
            return new ToolDocument(sourceName, ToolFileShape.Unreadable, [], [error!], null);
        }

        return Parse(text, sourceName);
    }

    /// <summary>Reads YAML text. Text longer than <see cref="YamlReadOptions.MaxFileBytes"/> (as UTF-8) is refused before parsing.</summary>
    public ToolDocument Read(string yaml, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (yaml.Length > Options.MaxFileBytes ||
            (yaml.Length * 3L > Options.MaxFileBytes && System.Text.Encoding.UTF8.GetByteCount(yaml) > Options.MaxFileBytes))
        {
            return TooLarge(sourceName, null);
        }

        if (YamlText.CheckText(yaml, sourceName) is { } error)
        {
            return new ToolDocument(sourceName, ToolFileShape.Unreadable, [], [error], null);
        }

        return Parse(yaml.StartsWith('\uFEFF') ? yaml[1..] : yaml, sourceName);
    }

    /// <summary>
    /// Reads every <c>*.yaml</c> and <c>*.yml</c> file under <paramref name="path"/>, recursively, in ordinal order of
    /// their relative paths. Hidden files and folders, and symbolic links, are skipped (no link loops).
    /// </summary>
    public IReadOnlyList<ToolDocument> ReadFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return [.. EnumerateYamlFiles(path).Select(ReadFile)];
    }

    /// <summary>The YAML files <see cref="ReadFolder"/> reads, in the order it reads them: regular files only (FIFOs,
    /// sockets, devices and symbolic links are left out; see <see cref="YamlFolder"/> for the list of what was).</summary>
    public static IReadOnlyList<string> EnumerateYamlFiles(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return YamlFolder.Walk(path).Files;
    }

    /// <summary>Whether the file name ends in <c>.yaml</c> or <c>.yml</c> (any case).</summary>
    public static bool IsYamlFile(string path) => YamlFolder.IsYamlName(path);

    /// <summary>
    /// When set, the short scalar texts of every read share this pool (equal texts across documents become one string:
    /// a follower sets it for the length of one catalog load); null, each read pools its own. Not thread-safe: set it
    /// only on a reader used by one thread.
    /// </summary>
    internal Dictionary<string, string>? ScalarPool { get; set; }

    private ToolDocument Parse(string text, string source)
    {
        var loaded = YamlDocumentLoader.Load(text, source, Options, ScalarPool);
        if (loaded.Failed)
        {
            return new ToolDocument(source, ToolFileShape.Unreadable, [], loaded.Findings, null);
        }

        var (shape, shapeError) = ShapeDetector.Detect(loaded.Root, source);
        var findings = shapeError is null ? loaded.Findings : [.. loaded.Findings, shapeError];
        IReadOnlyList<ToolDefinition> tools = (shape, loaded.Root) switch
        {
            (ToolFileShape.Canonical, YamlMapping root) => [ToolModelReader.ReadTool(root)],
            (ToolFileShape.ListForm, YamlMapping root) => [ToolModelReader.ReadTool(ListFormNormalizer.Normalize(root))],
            (ToolFileShape.Profiles, YamlMapping root) => ToolModelReader.ReadProfiles(root),
            _ => [],
        };
        return new ToolDocument(source, shape, tools, findings, loaded.Root);
    }

    private ToolDocument TooLarge(string source, long? length)
    {
        var size = length is { } l ? $"{l.ToString("N0", CultureInfo.InvariantCulture)} bytes" : "more than the limit";
        return Unreadable(source, ValidationCodes.FileTooLarge,
            $"the file is {size}; the limit is {Options.MaxFileBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes (YamlReadOptions.MaxFileBytes), so it was not read");
    }

    private static ToolDocument Unreadable(string source, string code, string message) =>
        new(source, ToolFileShape.Unreadable, [], [new ValidationFinding(code, ValidationSeverity.Error, "", message) { File = source }], null);
}
