namespace OpsConductor.ToolCatalog.Admin.Catalog;

/// <summary>How a row of a side-by-side diff differs.</summary>
internal enum DiffKind
{
    Same,
    Removed,
    Added,
    Changed,
}

/// <summary>One row of a side-by-side diff: the left line, the right line (either may be absent) and how they differ.</summary>
internal sealed record DiffRow(string? Left, string? Right, DiffKind Kind);

/// <summary>
/// A side-by-side line diff (longest common subsequence) of two texts, such as the canonical YAML of two versions of a
/// tool. A removed line followed by an added one is shown as one changed row.
/// </summary>
internal static class LineDiff
{
    /// <summary>Lines beyond this (per side) are compared as one block, so a huge document cannot cost quadratic memory.</summary>
    public const int MaxLines = 4000;

    public static IReadOnlyList<DiffRow> Compare(string left, string right)
    {
        var a = Lines(left);
        var b = Lines(right);
        if (a.Length > MaxLines || b.Length > MaxLines)
        {
            return [.. a.Select(static l => new DiffRow(l, null, DiffKind.Removed)), .. b.Select(static l => new DiffRow(null, l, DiffKind.Added))];
        }

        // lcs[i, j]: the length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var rows = new List<DiffRow>();
        var removed = new List<string>();
        var added = new List<string>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                Flush();
                rows.Add(new DiffRow(a[x], b[y], DiffKind.Same));
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                added.Add(b[y++]);
            }
            else
            {
                removed.Add(a[x++]);
            }
        }

        Flush();
        return rows;

        void Flush()
        {
            var paired = Math.Min(removed.Count, added.Count);
            for (var k = 0; k < paired; k++)
            {
                rows.Add(new DiffRow(removed[k], added[k], DiffKind.Changed));
            }

            rows.AddRange(removed.Skip(paired).Select(static l => new DiffRow(l, null, DiffKind.Removed)));
            rows.AddRange(added.Skip(paired).Select(static l => new DiffRow(null, l, DiffKind.Added)));
            removed.Clear();
            added.Clear();
        }
    }

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
}
