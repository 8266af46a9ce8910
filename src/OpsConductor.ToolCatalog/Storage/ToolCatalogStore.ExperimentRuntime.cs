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
    internal async Task<(CatalogState Catalog, RunningExperimentSet Experiments)> LoadCatalogWithExperimentsAsync(long[] knownArms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(knownArms);
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var revision = await connection.QuerySingleAsync<RevisionRow>(new CommandDefinition(Sql.SelectRevision, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                List<StoredTool> tools;
                RunningExperimentSet experiments;
                var grid = await connection.QueryMultipleAsync(new CommandDefinition(
                    Sql.SelectAllLatest + Sql.SelectRunningExperiments, new { KnownArms = knownArms }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await using (grid.ConfigureAwait(false))
                {
                    var toolRows = await grid.ReadAsync<ToolRow>().ConfigureAwait(false);
                    var capabilityRows = await grid.ReadAsync<CapabilityRow>().ConfigureAwait(false);
                    var patternRows = await grid.ReadAsync<PatternRow>().ConfigureAwait(false);
                    tools = ToolAssembler.Assemble(toolRows, capabilityRows, patternRows);
                    experiments = await ReadRunningExperimentsAsync(grid).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return (new CatalogState(revision.Revision, tools), experiments);
            }
        }
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
