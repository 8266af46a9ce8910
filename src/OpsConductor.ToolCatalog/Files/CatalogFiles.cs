using System.Globalization;
using System.Text;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>
/// Moves tools between YAML files and the catalog store: imports a file or a folder (canonical files, list form and
/// profiles files) after validating everything first, and exports the catalog to a folder tree
/// <c>platform/tool.yaml</c> in the canonical format. Used by the <c>toolcatalog import</c>/<c>export</c> commands and
/// meant for any other host (a REST API, an admin UI) that needs the same rules. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// <para><b>What is read.</b> A file is read as given. A folder is searched recursively for <c>*.yaml</c> and
/// <c>*.yml</c>, regular files only, in ordinal order of the paths inside it. Files
/// found in a folder that are not in a tool format — <c>tool:</c> wrappers, <c>name:</c> stubs, the template with its
/// <c>&lt;PLACEHOLDER&gt;</c>s, empty or unrecognised documents — are skipped and listed with the reason (the
/// original's migrate script skipped the template likewise). Hidden files and folders are left out silently;
/// symbolic links, and FIFOs, sockets and devices with a YAML name, are never opened (a FIFO would block the read
/// forever) and are listed as skipped with the reason. A file named explicitly must be a regular tool file. Files that
/// are not YAML at all, or break a rule, are invalid.</para>
/// <para><b>Validation first.</b> Every file is validated (lenient by default, strict on request) before anything is
/// written. In the default all-or-nothing mode one invalid file refuses the whole run, with every problem listed (file,
/// line, column, field path, rule code, message); the same (name, version) in two files is an error too. Then the
/// store imports the tools in one transaction: unchanged tools write nothing (no revision bump, no audit row).</para>
/// <para><b>Export layout.</b> <c>&lt;platform&gt;/&lt;tool&gt;.yaml</c>; a tool with no platform goes under
/// <see cref="NoPlatformFolder"/>. With every version, <c>&lt;platform&gt;/&lt;tool&gt;/&lt;NNN&gt;-&lt;version&gt;.yaml</c>,
/// numbered in history order with the latest version last, so that importing the folder (which reads files in path
/// order and makes the last version of a tool its latest) reproduces the same latest versions. Characters other than
/// letters, digits, <c>.</c>, <c>_</c>, <c>-</c> and <c>@</c> in names become <c>_</c>, a leading dot gets a <c>_</c>
/// in front (hidden files are not read back), and names that would clash get <c>~2</c>, <c>~3</c>, … appended.</para>
/// </remarks>
public sealed class CatalogFiles
{
    /// <summary>The folder of tools whose <c>platform</c> is empty (profiles-file tools have none).</summary>
    public const string NoPlatformFolder = "no-platform";

    /// <summary>The rule code of a tool version defined in two files of one import.</summary>
    public const string DuplicateToolCode = "IMP001";

    private readonly ToolYamlReader _reader;
    private readonly ToolValidator _validator;

    /// <summary>Creates the importer/exporter.</summary>
    /// <param name="validation">The validation mode and vocabularies; <see cref="ValidationOptions.Lenient"/> when null.</param>
    /// <param name="reader">The YAML reader (its limits); the default reader when null.</param>
    public CatalogFiles(ValidationOptions? validation = null, ToolYamlReader? reader = null)
    {
        _validator = new ToolValidator(validation);
        _reader = reader ?? new ToolYamlReader();
    }

    /// <summary>The validation options in use.</summary>
    public ValidationOptions Validation => _validator.Options;

    /// <summary>Reads and validates a file, or every YAML file of a folder (see the remarks on <see cref="CatalogFiles"/>).</summary>
    /// <exception cref="CatalogFilesException">The path does not exist.</exception>
    public CatalogFileSet Load(string path, IProgress<CatalogFileProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Load([path], null, progress, cancellationToken);

    /// <summary>Reads and validates several files and folders as one import. Relative paths are resolved against
    /// <paramref name="baseDirectory"/> (the current directory when null) and shown as given.</summary>
    /// <exception cref="CatalogFilesException">A path does not exist.</exception>
    public CatalogFileSet Load(IEnumerable<string> paths, string? baseDirectory, IProgress<CatalogFileProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var work = new List<(string Full, string Display, bool InFolder)>();
        var skipped = new List<CatalogFile>();
        foreach (var path in paths)
        {
            ArgumentException.ThrowIfNullOrEmpty(path, nameof(paths));
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new CatalogFilesException($"The path '{path}' is only white space: give a tool YAML file or a folder of them.");
            }

            var full = baseDirectory is null ? System.IO.Path.GetFullPath(path) : System.IO.Path.GetFullPath(path, baseDirectory);
            if (File.Exists(full))
            {
                work.Add((full, path, false));
            }
            else if (Directory.Exists(full))
            {
                var contents = YamlFolder.Walk(full);
                work.AddRange(contents.Files.Select(f => (f, System.IO.Path.Join(path, System.IO.Path.GetRelativePath(full, f)), true)));
                skipped.AddRange(contents.Skipped.Select(s =>
                {
                    var display = System.IO.Path.Join(path, System.IO.Path.GetRelativePath(full, s.Path));
                    return new CatalogFile(s.Path, display, ToolFileShape.Unreadable, CatalogFileStatus.Skipped, [], [], s.Reason);
                }));
            }
            else
            {
                throw new CatalogFilesException($"The path '{path}' does not exist: give a tool YAML file or a folder of them.");
            }
        }

        var files = new List<CatalogFile>(work.Count);
        for (var i = 0; i < work.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            files.Add(LoadFile(work[i].Full, work[i].Display, work[i].InFolder));
            progress?.Report(new CatalogFileProgress(CatalogFileStage.Reading, i + 1, work.Count, work[i].Display));
        }

        MarkDuplicates(files);
        files.AddRange(skipped);
        return new CatalogFileSet(files, _validator.Options.Strict);
    }

    /// <summary>
    /// Imports the valid tools of <paramref name="files"/> into <paramref name="store"/>. All or nothing by default: an
    /// invalid file refuses the run before the store is touched, and a tool the store refuses (an existing version with
    /// other content) refuses it too. With <see cref="CatalogImportOptions.PerFile"/>, invalid files and refused tools are
    /// reported and the rest imported.
    /// </summary>
    public static async Task<CatalogImportResult> ImportAsync(
        ToolCatalogStore store,
        CatalogFileSet files,
        CatalogImportOptions? options = null,
        IProgress<CatalogFileProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(files);
        options ??= new CatalogImportOptions();
        if (!files.IsValid && !options.PerFile)
        {
            progress?.Report(new CatalogFileProgress(CatalogFileStage.Done, 0, 0));
            return new CatalogImportResult(files, null, [], refusedByValidation: true, options.DryRun);
        }

        var tools = files.ToolsWithFiles;
        if (tools.Count == 0)
        {
            progress?.Report(new CatalogFileProgress(CatalogFileStage.Done, 0, 0));
            return new CatalogImportResult(files, null, [], refusedByValidation: false, options.DryRun, options.PerFile);
        }

        progress?.Report(new CatalogFileProgress(CatalogFileStage.Writing, 0, tools.Count));
        var report = await store.ImportAsync(
            [.. tools.Select(t => t.Tool)],
            new ImportOptions { DryRun = options.DryRun, Mode = options.PerFile ? ImportMode.PerTool : ImportMode.AllOrNothing, Change = options.Change },
            cancellationToken).ConfigureAwait(false);
        progress?.Report(new CatalogFileProgress(CatalogFileStage.Done, tools.Count, tools.Count));
        var items = report.Items
            .Select(i => new CatalogImportItem(tools[i.Index].File.DisplayPath, i.Name, i.Version, i.Outcome, i.Message))
            .ToList();
        return new CatalogImportResult(files, report, items, refusedByValidation: false, options.DryRun, options.PerFile);
    }

    /// <summary>Reads, validates and imports a file or folder in one call (see <see cref="Load(string, IProgress{CatalogFileProgress}?, CancellationToken)"/>
    /// and <see cref="ImportAsync(ToolCatalogStore, CatalogFileSet, CatalogImportOptions?, IProgress{CatalogFileProgress}?, CancellationToken)"/>).</summary>
    /// <exception cref="CatalogFilesException">The path does not exist.</exception>
    public Task<CatalogImportResult> ImportAsync(
        ToolCatalogStore store,
        string path,
        CatalogImportOptions? options = null,
        IProgress<CatalogFileProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        ImportAsync(store, Load(path, progress, cancellationToken), options, progress, cancellationToken);

    /// <summary>
    /// Writes the catalog (or the part the filter selects) to <paramref name="directory"/> as canonical YAML files, one per
    /// tool version, laid out as described on <see cref="CatalogFiles"/>. Each file is written whole or not at all.
    /// </summary>
    /// <returns>The files written, in export order.</returns>
    /// <exception cref="CatalogFilesException">The folder already holds files and <see cref="CatalogExportOptions.Overwrite"/> is off.</exception>
    public static async Task<IReadOnlyList<ExportedFile>> ExportAsync(
        ToolCatalogStore store,
        string directory,
        CatalogExportOptions? options = null,
        IProgress<CatalogFileProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new CatalogExportOptions();
        var root = System.IO.Path.GetFullPath(directory);
        if (File.Exists(root))
        {
            throw new CatalogFilesException($"'{directory}' is a file; export needs a folder (it is created when missing).");
        }

        if (!options.Overwrite && Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new CatalogFilesException($"The folder '{directory}' is not empty. Export into a new or empty folder, or allow overwriting files of the same name.");
        }

        var tools = await store.ExportAsync(options.Filter, options.AllVersions, cancellationToken).ConfigureAwait(false);
        if (options.IncludeSecrets)
        {
            var protector = store.SecretProtector
                ?? throw new CatalogFilesException("The export was asked to include secret values, but the store has no secrets key to open them with; nothing was written.");
            tools = [.. tools.Select(t => SecretSealer.Reveal(t, protector))];
        }

        var plan = PlanExport(tools, options.AllVersions);
        for (var i = 0; i < plan.Count; i++)
        {
            var (file, tool) = plan[i];
            var target = System.IO.Path.Combine(root, file.RelativePath.Replace('/', System.IO.Path.DirectorySeparatorChar));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            var temporary = target + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            await File.WriteAllTextAsync(temporary, ToolYamlWriter.Write(tool), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, target, overwrite: true);
            progress?.Report(new CatalogFileProgress(CatalogFileStage.Exporting, i + 1, plan.Count, file.RelativePath));
        }

        progress?.Report(new CatalogFileProgress(CatalogFileStage.Done, plan.Count, plan.Count));
        return [.. plan.Select(p => p.File)];
    }

    /// <summary>
    /// The file each tool version goes to (see <see cref="CatalogFiles"/>' remarks). <paramref name="tools"/> is in
    /// export order: with <paramref name="allVersions"/>, each tool's versions in history order, latest last.
    /// </summary>
    public static IReadOnlyList<(ExportedFile File, ToolDefinition Tool)> PlanExport(IReadOnlyList<ToolDefinition> tools, bool allVersions)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<(ExportedFile, ToolDefinition)>(tools.Count);
        if (!allVersions)
        {
            foreach (var tool in tools)
            {
                var path = Unique($"{FolderFor(tool.Platform)}/{SafeName(tool.Name)}", ".yaml", taken);
                result.Add((new ExportedFile(path, tool.Name, tool.Version), tool));
            }

            return result;
        }

        foreach (var group in tools.GroupBy(t => t.Name, StringComparer.Ordinal))
        {
            var versions = group.ToList();
            var folder = Unique($"{FolderFor(versions[^1].Platform)}/{SafeName(group.Key)}", "", taken);
            var width = Math.Max(3, versions.Count.ToString(CultureInfo.InvariantCulture).Length);
            for (var i = 0; i < versions.Count; i++)
            {
                var number = (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
                var path = Unique($"{folder}/{number}-{SafeName(versions[i].Version)}", ".yaml", taken);
                result.Add((new ExportedFile(path, versions[i].Name, versions[i].Version), versions[i]));
            }
        }

        return result;
    }

    /// <summary>The export folder for a platform: the platform made safe as a folder name, or <see cref="NoPlatformFolder"/>.</summary>
    public static string FolderFor(string platform) =>
        string.IsNullOrWhiteSpace(platform) ? NoPlatformFolder : SafeName(platform);

    /// <summary>A name made safe as one path segment: letters, digits, <c>.</c>, <c>_</c>, <c>-</c>, <c>@</c> kept, anything
    /// else turned into <c>_</c>; a leading dot (hidden file, or <c>.</c>/<c>..</c>) prefixed with <c>_</c>.</summary>
    internal static string SafeName(string name)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@' ? c : '_');
        }

        if (text.Length == 0 || text[0] == '.')
        {
            text.Insert(0, '_');
        }

        return text.ToString();
    }

    private static string Unique(string stem, string extension, HashSet<string> taken)
    {
        var candidate = stem + extension;
        for (var n = 2; !taken.Add(candidate); n++)
        {
            candidate = $"{stem}~{n.ToString(CultureInfo.InvariantCulture)}{extension}";
        }

        return candidate;
    }

    private CatalogFile LoadFile(string full, string display, bool inFolder)
    {
        var document = _reader.ReadFile(full);
        if (inFolder && IsNonToolShape(document.Shape))
        {
            var findings = document.ParseErrors.Concat(document.ParseWarnings).Select(f => f with { File = display }).ToList();
            var reason = findings.FirstOrDefault(f => f.IsError)?.Message ?? $"not a tool file ({document.Shape})";
            return new CatalogFile(full, display, document.Shape, CatalogFileStatus.Skipped, [], findings, reason);
        }

        var report = _validator.Validate(document);
        var relocated = report.Findings.Select(f => f with { File = display }).ToList();
        return report.IsValid
            ? new CatalogFile(full, display, document.Shape, CatalogFileStatus.Tools, document.Tools, relocated, null)
            : new CatalogFile(full, display, document.Shape, CatalogFileStatus.Invalid, [], relocated, null);
    }

    private static bool IsNonToolShape(ToolFileShape shape) =>
        shape is ToolFileShape.ToolWrapper or ToolFileShape.NameStub or ToolFileShape.Template or ToolFileShape.Empty or ToolFileShape.Unknown;

    /// <summary>A (name, version) in two valid files: the later file becomes invalid, naming the first.</summary>
    private static void MarkDuplicates(List<CatalogFile> files)
    {
        var duplicates = FindDuplicates([.. files.Select(f => (f.DisplayPath, f.Status == CatalogFileStatus.Tools ? f.Tools : (IReadOnlyList<ToolDefinition>)[]))]);
        foreach (var (index, findings) in duplicates)
        {
            var file = files[index];
            files[index] = new CatalogFile(file.Path, file.DisplayPath, file.Shape, CatalogFileStatus.Invalid, [], [.. file.Findings, .. findings], null);
        }
    }

    /// <summary>
    /// The rule <see cref="DuplicateToolCode"/>, shared by import and <c>validate</c>: each (name, version) may be defined
    /// once among <paramref name="files"/> (display path and the tools of each valid file, in reading order). Returns, by
    /// file index, the errors of each later file that repeats a version, naming the file that defined it first.
    /// </summary>
    public static IReadOnlyDictionary<int, List<ValidationFinding>> FindDuplicates(IReadOnlyList<(string Display, IReadOnlyList<ToolDefinition> Tools)> files)
    {
        var result = new Dictionary<int, List<ValidationFinding>>();
        var firstFile = new Dictionary<(string, string), int>();
        for (var i = 0; i < files.Count; i++)
        {
            var (display, tools) = files[i];
            foreach (var tool in tools)
            {
                ValidationFinding? duplicate = null;
                if (!firstFile.TryGetValue((tool.Name, tool.Version), out var first))
                {
                    firstFile[(tool.Name, tool.Version)] = i;
                }
                else if (first != i)
                {
                    duplicate = new ValidationFinding(
                        DuplicateToolCode,
                        ValidationSeverity.Error,
                        ToolFields.ToolName,
                        $"tool '{tool.Name}' version '{tool.Version}' is also defined in '{files[first].Display}'; each version may be imported once (change the version of one of them, or leave one file out)")
                    { File = display };
                }
                else
                {
                    duplicate = new ValidationFinding(
                        DuplicateToolCode,
                        ValidationSeverity.Error,
                        "tools",
                        $"tool '{tool.Name}' version '{tool.Version}' appears twice in this file; each version may be imported once")
                    { File = display };
                }

                if (duplicate is not null)
                {
                    if (!result.TryGetValue(i, out var list))
                    {
                        result[i] = list = [];
                    }

                    list.Add(duplicate);
                }
            }
        }

        return result;
    }
}
