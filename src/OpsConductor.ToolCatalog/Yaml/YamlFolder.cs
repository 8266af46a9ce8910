namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>A directory entry a folder walk left out, and why.</summary>
/// <param name="Path">The full path.</param>
/// <param name="Reason">Why it was not read, e.g. "a FIFO (named pipe), not a regular file".</param>
public sealed record SkippedEntry(string Path, string Reason);

/// <summary>The YAML files of a folder, in reading order, and the entries that looked like them but were left out.</summary>
/// <param name="Files">The full paths of the regular *.yaml and *.yml files, in reading order.</param>
/// <param name="Skipped">The entries left out, with the reason for each.</param>
public sealed record YamlFolderContents(IReadOnlyList<string> Files, IReadOnlyList<SkippedEntry> Skipped);

/// <summary>
/// Walks a folder for tool files, the one walk every reader of folders uses (validate, import, select over files, the
/// YAML catalog loader). Recursive, in ordinal order of the relative paths; only <b>regular</b> files named
/// <c>*.yaml</c>/<c>*.yml</c> are returned. Hidden files and folders are left out silently; symbolic links (so no link
/// loops), FIFOs, sockets and devices with a YAML name, and linked folders, are left out and listed in
/// <see cref="YamlFolderContents.Skipped"/> so that callers can say so. Folders deeper than <see cref="MaxDepth"/>
/// are not entered (and are listed).
/// </summary>
public static class YamlFolder
{
    /// <summary>How many folder levels below the root are entered.</summary>
    public const int MaxDepth = 64;

    /// <summary>Walks <paramref name="root"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static YamlFolderContents Walk(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The folder '{root}' does not exist.");
        }

        var files = new List<string>();
        var skipped = new List<SkippedEntry>();
        Walk(root, 0, files, skipped);
        files.Sort((a, b) => string.CompareOrdinal(System.IO.Path.GetRelativePath(root, a), System.IO.Path.GetRelativePath(root, b)));
        skipped.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new YamlFolderContents(files, skipped);
    }

    /// <summary>Whether the file name ends in <c>.yaml</c> or <c>.yml</c> (any case).</summary>
    public static bool IsYamlName(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    private static void Walk(string folder, int depth, List<string> files, List<SkippedEntry> skipped)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        };
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options))
        {
            var isLink = entry.Attributes.HasFlag(FileAttributes.ReparsePoint);
            var isFolder = entry.Attributes.HasFlag(FileAttributes.Directory);
            if (isLink)
            {
                if (isFolder || IsYamlName(entry.Name))
                {
                    skipped.Add(new SkippedEntry(entry.FullName, "a symbolic link; links are not followed inside folders (name the target itself to read it)"));
                }

                continue;
            }

            if (isFolder)
            {
                if (depth + 1 > MaxDepth)
                {
                    skipped.Add(new SkippedEntry(entry.FullName, $"a folder more than {MaxDepth} levels deep"));
                    continue;
                }

                Walk(entry.FullName, depth + 1, files, skipped);
                continue;
            }

            if (!IsYamlName(entry.Name))
            {
                continue;
            }

            var kind = FileKinds.Of(entry.FullName, followLinks: false);
            if (kind == FileKind.Regular)
            {
                files.Add(entry.FullName);
            }
            else
            {
                skipped.Add(new SkippedEntry(entry.FullName, $"{FileKinds.Describe(kind)}, not a regular file"));
            }
        }
    }
}
