using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// Reads from a replica (<see cref="ToolCatalogOptions.ReadConnectionString"/>): snapshot loads, catch-ups and the
/// safety poll's revision read the replica, while LISTEN (which a replica cannot do) and every write stay on the
/// primary. A replica lags: a read that returns an older revision than the notice announced is read again, with a
/// doubling wait, until the replica has it or <see cref="ToolCatalogOptions.ReplicaLagTolerance"/> has passed.
/// </summary>
public sealed partial class ToolCatalogRuntime
{
    private readonly ToolCatalogStore? _readStore;
    private NpgsqlDataSource? _readDataSource;

    /// <summary>Test seam: raised with the replica's revision each time a read found the replica behind a notice and waits.</summary>
    internal event Action<long>? ReplicaBehind;

    private ToolCatalogStore? CreateReadStore(ToolCatalogOptions options, ILoggerFactory? loggerFactory)
    {
        if (string.IsNullOrWhiteSpace(options.ReadConnectionString))
        {
            return null;
        }

        _readDataSource = NpgsqlDataSource.Create(options.ReadConnectionString);
        return new ToolCatalogStore(_readDataSource, _time, (ILogger<ToolCatalogStore>?)loggerFactory?.CreateLogger<ToolCatalogStore>() ?? NullLogger<ToolCatalogStore>.Instance);
    }

    /// <summary>The changes after the held revision, from the read store, waiting out replica lag.</summary>
    private Task<CatalogChangeSet> ReadChangesSinceAsync(CatalogSnapshot held, CancellationToken cancellationToken) =>
        ReadCurrentEnoughAsync(
            ct => _readStore!.LoadChangesSinceAsync(held.Revision, held.KnownArmVersionIds(), ct),
            static c => c.IsGap ? long.MaxValue : c.Revision,
            cancellationToken);

    /// <summary>The whole catalog from the read store, waiting out replica lag.</summary>
    private Task<(CatalogState Catalog, RunningExperimentSet Experiments)> ReadCatalogAsync(CatalogSnapshot held, CancellationToken cancellationToken) =>
        ReadCurrentEnoughAsync(
            ct => _readStore!.LoadCatalogWithExperimentsAsync(held.KnownArmVersionIds(), ct),
            static c => c.Catalog.Revision,
            cancellationToken);

    private async Task<T> ReadCurrentEnoughAsync<T>(Func<CancellationToken, Task<T>> read, Func<T, long> revisionOf, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var wait = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var result = await read(cancellationToken).ConfigureAwait(false);
            var revision = revisionOf(result);
            var noticed = Volatile.Read(ref _noticedRevision);
            if (ReferenceEquals(_readStore, _store) || revision >= noticed)
            {
                return result;
            }

            var elapsed = _time.GetElapsedTime(started);
            if (elapsed + wait > _options.ReplicaLagTolerance)
            {
                ScaleOutLog.ReplicaLagging(_logger, revision, noticed, elapsed.TotalMilliseconds);
                return result;
            }

            ScaleOutLog.ReplicaBehind(_logger, revision, noticed, wait.TotalMilliseconds);
            ReplicaBehind?.Invoke(revision);
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }
}
