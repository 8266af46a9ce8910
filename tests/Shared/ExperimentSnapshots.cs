using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>
/// Snapshots holding running experiments without a database, built as the runtime builds them from what it loads
/// (<see cref="CatalogSnapshot.ResolveExperiments"/> of a <see cref="RunningExperimentSet"/>, then a rebuild): used by
/// the answer-writer tests and, linked, by the selection benchmark.
/// </summary>
internal static class ExperimentSnapshots
{
    /// <summary>One experiment to hold: its name, arm a's and arm b's versions (of the same tool) and the split.</summary>
    public sealed record Arms(string Name, ToolDefinition VersionA, ToolDefinition VersionB, double Split = 0.5);

    /// <summary>A database-sourced snapshot of <paramref name="tools"/> (latest versions) with <paramref name="experiments"/> running.</summary>
    public static CatalogSnapshot With(IEnumerable<ToolDefinition> tools, long revision, IEnumerable<Arms> experiments)
    {
        var empty = CatalogSnapshot.Create([], 0, CatalogSource.None, DateTimeOffset.UnixEpoch);
        var rows = new List<RunningExperimentRow>();
        var versions = new Dictionary<long, ToolDefinition>();
        long id = 0;
        foreach (var arms in experiments)
        {
            var a = ++id * 1000;
            var b = a + 1;
            versions[a] = arms.VersionA;
            versions[b] = arms.VersionB;
            var definition = new ExperimentDefinition
            {
                Name = arms.Name,
                Tool = arms.VersionA.Name,
                VersionA = arms.VersionA.Version,
                VersionB = arms.VersionB.Version,
                Split = arms.Split,
            };
            rows.Add(new RunningExperimentRow(
                new Experiment(id, definition, ExperimentState.Running, DateTimeOffset.UnixEpoch, null, null, null, DateTimeOffset.UnixEpoch),
                a, b, true, true, arms.VersionA.Status, arms.VersionB.Status));
        }

        return empty.Rebuild(tools, revision, CatalogSource.Database, DateTimeOffset.UnixEpoch, keepFileOrder: false,
            empty.ResolveExperiments(new RunningExperimentSet(rows, versions)));
    }
}
