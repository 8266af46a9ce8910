using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>One running experiment as the runtime loads it: the stored experiment, its arms' version rows and whether
/// each can be served (not deleted, enabled), with each version's state now.</summary>
/// <param name="Experiment">The stored experiment (state running).</param>
/// <param name="VersionAId">The row id of arm a's version.</param>
/// <param name="VersionBId">The row id of arm b's version.</param>
/// <param name="UsableA">Whether arm a's version is neither deleted nor disabled.</param>
/// <param name="UsableB">Whether arm b's version is neither deleted nor disabled.</param>
/// <param name="StatusA">Arm a's version's status now.</param>
/// <param name="StatusB">Arm b's version's status now.</param>
internal sealed record RunningExperimentRow(
    Experiment Experiment, long VersionAId, long VersionBId, bool UsableA, bool UsableB, ToolStatus StatusA, ToolStatus StatusB);

/// <summary>
/// The running experiments at one revision, read in the same snapshot as the tools (see
/// <see cref="Sql.SelectRunningExperiments"/>), and the definitions of the arm versions the caller did not say it holds.
/// </summary>
/// <param name="Experiments">Every running experiment, by name.</param>
/// <param name="Versions">Arm versions by row id, for the ids not given as known.</param>
internal sealed record RunningExperimentSet(IReadOnlyList<RunningExperimentRow> Experiments, IReadOnlyDictionary<long, ToolDefinition> Versions)
{
    /// <summary>No running experiment.</summary>
    public static RunningExperimentSet None { get; } = new([], new Dictionary<long, ToolDefinition>());
}
