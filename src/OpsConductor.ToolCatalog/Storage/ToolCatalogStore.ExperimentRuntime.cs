using System.Data;
using Dapper;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>What the runtime reads of experiments: the running ones, with their arm versions, in the catalog's snapshot.</summary>
public sealed partial class ToolCatalogStore
{
    /// <summary>
    /// The whole catalog as <see cref="LoadCatalogAsync"/> reads it, and the running experiments (arm versions whose ids
    /// are in <paramref name="knownArms"/> are not read again), in one REPEATABLE READ snapshot so they agree.
    /// </summary>
    /// <remarks>In a tenant's scope: the tenant's catalog (<see cref="LoadCatalogAsync"/>) and no experiments (they are
    /// global; the tenant role may not read them).</remarks>
    internal Task<(CatalogState Catalog, RunningExperimentSet Experiments)> LoadCatalogWithExperimentsAsync(long[] knownArms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(knownArms);
        return ReadAsync(snapshot: true, async read =>
        {
            var revision = await read.Connection.QuerySingleAsync<RevisionRow>(read.Command(Sql.SelectRevision)).ConfigureAwait(false);
            var grid = await read.Connection.QueryMultipleAsync(read.Command(
                _tenant is null ? Sql.SelectAllLatest + Sql.SelectRunningExperiments : Sql.SelectAllLatest, new { KnownArms = knownArms })).ConfigureAwait(false);
            await using (grid.ConfigureAwait(false))
            {
                var toolRows = await grid.ReadAsync<ToolRow>().ConfigureAwait(false);
                var capabilityRows = await grid.ReadAsync<CapabilityRow>().ConfigureAwait(false);
                var patternRows = await grid.ReadAsync<PatternRow>().ConfigureAwait(false);
                var tools = ToolAssembler.Assemble(toolRows, capabilityRows, patternRows);
                var experiments = _tenant is null ? await ReadRunningExperimentsAsync(grid).ConfigureAwait(false) : RunningExperimentSet.None;
                return (new CatalogState(revision.Revision, tools), experiments);
            }
        }, cancellationToken);
    }

    /// <summary>Reads the four result sets of <see cref="Sql.SelectRunningExperiments"/>.</summary>
    private static async Task<RunningExperimentSet> ReadRunningExperimentsAsync(SqlMapper.GridReader grid)
    {
        var rows = (await grid.ReadAsync<RunningExperimentDbRow>().ConfigureAwait(false)).ToList();
        var toolRows = await grid.ReadAsync<ToolRow>().ConfigureAwait(false);
        var capabilityRows = await grid.ReadAsync<CapabilityRow>().ConfigureAwait(false);
        var patternRows = await grid.ReadAsync<PatternRow>().ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return RunningExperimentSet.None;
        }

        var versions = ToolAssembler.Assemble(toolRows, capabilityRows, patternRows).ToDictionary(t => t.Id, t => t.Definition);
        var experiments = rows.Select(r => new RunningExperimentRow(
            ToExperiment(r),
            r.VersionAId,
            r.VersionBId,
            r.UsableA,
            r.UsableB,
            ToolAssembler.ParseStatus(r.StatusA),
            ToolAssembler.ParseStatus(r.StatusB))).ToList();
        return new RunningExperimentSet(experiments, versions);
    }

    /// <summary>An experiment row with what a runtime needs of its arms' versions.</summary>
    private sealed class RunningExperimentDbRow : ExperimentRow
    {
        public long VersionAId { get; init; }

        public long VersionBId { get; init; }

        public bool UsableA { get; init; }

        public bool UsableB { get; init; }

        public string StatusA { get; init; } = "";

        public string StatusB { get; init; } = "";
    }
}
