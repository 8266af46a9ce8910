using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>What changed after a revision (see <see cref="ToolCatalogStore.LoadChangesSinceAsync"/>).</summary>
/// <param name="SinceRevision">The revision asked about.</param>
/// <param name="Revision">The catalog's current revision, which the changes bring a holder of <paramref name="SinceRevision"/> up to.</param>
/// <param name="IsGap">True when the change feed can no longer answer for <paramref name="SinceRevision"/> (pruned, or
/// the revision is ahead of the database): reload the whole catalog instead. <paramref name="Changes"/> is then empty.</param>
/// <param name="Changes">The tools changed after <paramref name="SinceRevision"/>, by name.</param>
internal sealed record CatalogChangeSet(long SinceRevision, long Revision, bool IsGap, IReadOnlyList<StoredToolState> Changes)
{
    /// <summary>The experiments running at <see cref="Revision"/> (read with the changes, in the same snapshot); every
    /// catch-up carries the whole running set, so starting, stopping or completing one needs no feed of its own.</summary>
    public RunningExperimentSet Experiments { get; init; } = RunningExperimentSet.None;

    /// <summary>On the global path: the tenants whose overlays changed after <see cref="SinceRevision"/>, each with its last
    /// change's revision (read in the same snapshot); empty in a tenant's scope.</summary>
    public IReadOnlyDictionary<string, long> ChangedTenants { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);
}
