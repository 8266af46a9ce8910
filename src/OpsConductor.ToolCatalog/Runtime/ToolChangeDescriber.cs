using System.Globalization;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>Classifies and describes what happened to a tool between two snapshots.</summary>
internal static class ToolChangeDescriber
{
    /// <summary>
    /// What changed from <paramref name="previous"/> to <paramref name="current"/>, or null when nothing did. Content is
    /// compared only when <paramref name="compareContent"/> is set (YAML: a file can change without a version bump);
    /// database versions are immutable, so version and state say everything there.
    /// </summary>
    public static CatalogToolChange? Classify(string name, CatalogTool? previous, CatalogTool? current, bool compareContent)
    {
        if (ReferenceEquals(previous, current))
        {
            return null;
        }

        if (previous is null)
        {
            return new CatalogToolChange(name, ToolChangeKind.Added, null, current);
        }

        if (current is null)
        {
            return new CatalogToolChange(name, ToolChangeKind.Removed, previous, null);
        }

        var before = previous.Definition;
        var after = current.Definition;
        ToolChangeKind? kind =
            !string.Equals(before.Version, after.Version, StringComparison.Ordinal) ? ToolChangeKind.VersionChanged
            : before.Enabled != after.Enabled ? (after.Enabled ? ToolChangeKind.Enabled : ToolChangeKind.Disabled)
            : before.Status != after.Status ? ToolChangeKind.StatusChanged
            : compareContent && !before.Equals(after) ? ToolChangeKind.ContentChanged
            : null;
        return kind is { } k ? new CatalogToolChange(name, k, previous, current) : null;
    }

    /// <summary>Every difference between two snapshots, by name (used after full loads).</summary>
    public static List<CatalogToolChange> Diff(CatalogSnapshot previous, CatalogSnapshot current, bool compareContent)
    {
        var changes = new List<CatalogToolChange>();
        foreach (var tool in current.Tools)
        {
            if (Classify(tool.Name, previous.FindTool(tool.Name), tool, compareContent) is { } change)
            {
                changes.Add(change);
            }
        }

        foreach (var tool in previous.Tools)
        {
            if (current.FindTool(tool.Name) is null)
            {
                changes.Add(new CatalogToolChange(tool.Name, ToolChangeKind.Removed, tool, null));
            }
        }

        changes.Sort(static (x, y) => string.CompareOrdinal(x.Name, y.Name));
        return changes;
    }

    public static string Describe(CatalogToolChange change)
    {
        var before = change.Previous?.Definition;
        var after = change.Current?.Definition;
        var text = change.Kind switch
        {
            ToolChangeKind.Added => $"added version {after!.Version}",
            ToolChangeKind.Removed => $"removed (was version {before!.Version})",
            ToolChangeKind.VersionChanged => CompareVersions(after!.Version, before!.Version) >= 0
                ? $"published version {before.Version} → {after.Version}"
                : $"rolled back version {before.Version} → {after.Version}",
            ToolChangeKind.Disabled => $"disabled (version {after!.Version})",
            ToolChangeKind.Enabled => $"enabled (version {after!.Version})",
            ToolChangeKind.StatusChanged => $"status {before!.Status.ToWire()} → {after!.Status.ToWire()} (version {after.Version})",
            _ => $"content changed (version {after!.Version})",
        };

        // A version change can carry a state change too (a disabled version published, a rollback to a deprecated one).
        if (after is not null && (change.Kind is ToolChangeKind.Added || change.Kind is ToolChangeKind.VersionChanged))
        {
            if (!after.Enabled && (before is null || before.Enabled))
            {
                text += ", disabled";
            }
            else if (after.Enabled && before is { Enabled: false })
            {
                text += ", enabled";
            }

            if (after.Status != ToolStatus.Active && (before is null || before.Status != after.Status))
            {
                text += $", status {after.Status.ToWire()}";
            }
        }

        return text;
    }

    /// <summary>Compares dotted versions part by part, numerically where both parts are numbers ("1.10" after "1.9").</summary>
    internal static int CompareVersions(string x, string y)
    {
        var xs = x.Split('.');
        var ys = y.Split('.');
        for (var i = 0; i < Math.Max(xs.Length, ys.Length); i++)
        {
            if (i >= xs.Length)
            {
                return -1;
            }

            if (i >= ys.Length)
            {
                return 1;
            }

            var order = long.TryParse(xs[i], NumberStyles.None, CultureInfo.InvariantCulture, out var a)
                && long.TryParse(ys[i], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                ? a.CompareTo(b)
                : string.CompareOrdinal(xs[i], ys[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }
}
