using System.Threading.Channels;
using Npgsql;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Runtime;

/// <summary>
/// A runtime catalog on a data source of its own (its own pool and its own listening connection: it stands for
/// another process), with a recorder of every snapshot it publishes and every listener state change, so tests can
/// await them as signals.
/// </summary>
internal sealed class RuntimeHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly NpgsqlDataSource? _dataSource;
    private readonly Channel<CatalogChangedEventArgs> _changes = Channel.CreateUnbounded<CatalogChangedEventArgs>();
    private readonly Channel<ListenerStateChangedEventArgs> _states = Channel.CreateUnbounded<ListenerStateChangedEventArgs>();

    private RuntimeHarness(ToolCatalogRuntime catalog, NpgsqlDataSource? dataSource)
    {
        Catalog = catalog;
        _dataSource = dataSource;
        catalog.Changed += (_, e) => _changes.Writer.TryWrite(e);
        catalog.ListenerStateChanged += (_, e) => _states.Writer.TryWrite(e);
    }

    public ToolCatalogRuntime Catalog { get; }

    public CatalogSnapshot Current => Catalog.Current;

    /// <summary>Creates (not started) a catalog in database mode over a new data source on <paramref name="db"/>.</summary>
    public static RuntimeHarness Create(TestDatabase db, Action<ToolCatalogOptions>? configure = null, TimeProvider? time = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        var options = new ToolCatalogOptions { Mode = CatalogMode.Database, ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(500) };
        configure?.Invoke(options);
        var dataSource = db.CreateDataSource();
        return new RuntimeHarness(new ToolCatalogRuntime(options, dataSource, time, loggerFactory), dataSource);
    }

    /// <summary>Creates (not started) a catalog with the given options and no data source of the test's.</summary>
    public static RuntimeHarness Create(ToolCatalogOptions options, TimeProvider? time = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null) =>
        new(new ToolCatalogRuntime(options, null, time, loggerFactory), null);

    /// <summary>Creates and starts a catalog in database mode on <paramref name="db"/>.</summary>
    public static async Task<RuntimeHarness> StartAsync(TestDatabase db, Action<ToolCatalogOptions>? configure = null, TimeProvider? time = null)
    {
        var harness = Create(db, configure, time);
        await harness.Catalog.StartAsync().WaitAsync(Patience);
        harness.ForgetChanges();
        return harness;
    }

    /// <summary>The next published snapshot matching <paramref name="where"/> (earlier ones are consumed); fails after 30 s.</summary>
    public async Task<CatalogChangedEventArgs> NextChangeAsync(Func<CatalogChangedEventArgs, bool>? where = null)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var change = await _changes.Reader.ReadAsync(timeout.Token);
            if (where is null || where(change))
            {
                return change;
            }
        }
    }

    /// <summary>The next listener state change matching <paramref name="state"/>; fails after 30 s.</summary>
    public async Task<ListenerStateChangedEventArgs> NextStateAsync(ListenerState state)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var next = await _states.Reader.ReadAsync(timeout.Token);
            if (next.State == state)
            {
                return next;
            }
        }
    }

    /// <summary>The next listener state change, whichever it is; fails after 30 s.</summary>
    public async Task<ListenerStateChangedEventArgs> NextStateAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await _states.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Forgets the snapshots published so far (the first load), so the next one read is a later change.</summary>
    public void ForgetChanges()
    {
        while (_changes.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>Forgets the listener state changes so far, so that the next one read happened after this call.</summary>
    public void ForgetStates()
    {
        while (_states.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>Published snapshots received and not yet read.</summary>
    public int PendingChanges => _changes.Reader.Count;

    /// <summary>Waits (at most 30 s) until the catalog serves <paramref name="revision"/>.</summary>
    public Task<CatalogSnapshot> ReachAsync(long revision) => Catalog.WaitForRevisionAsync(revision).WaitAsync(Patience);

    public async ValueTask DisposeAsync()
    {
        await Catalog.DisposeAsync();
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    /// <summary>A small valid tool: one capability with one pattern.</summary>
    public static ToolDefinition Tool(string name, string version = "1.0", string capability = "service_control", string time = "100 + 2 * N") => new()
    {
        Name = name,
        Version = version,
        Description = $"{name} {version}",
        Platform = "linux",
        Category = "system",
        Capabilities =
        [
            new CapabilityDefinition
            {
                Name = capability,
                Description = "Does the thing",
                Patterns = [new PatternDefinition { Name = "default", Description = "The usual way", TimeEstimateMs = time }],
            },
        ],
    };
}

/// <summary>
/// Reads the catalog in a tight loop on its own thread for the length of a test, checking every snapshot it sees is
/// whole: the capability index and the tool map agree, revisions never go backwards, and an invariant of the test's
/// own holds (for example "every tool of this group has the same version", written atomically by one import).
/// </summary>
internal sealed class ConsistencyReader : IAsyncDisposable
{
    private readonly IToolCatalog _catalog;
    private readonly Func<CatalogSnapshot, string?> _invariant;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _reads;
    private string? _failure;
    private Progress? _progress;

    public ConsistencyReader(IToolCatalog catalog, Func<CatalogSnapshot, string?>? invariant = null)
    {
        _catalog = catalog;
        _invariant = invariant ?? (_ => null);
        _loop = Task.Factory.StartNew(Run, TaskCreationOptions.LongRunning);
    }

    /// <summary>Snapshots read and checked so far.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>The first inconsistency seen, or null.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>Completes once the reader has read <paramref name="more"/> snapshots beyond now (proof it is not blocked); fails after 30 s.</summary>
    public Task ProgressAsync(long more = 1000)
    {
        var progress = new Progress(Reads + more);
        Volatile.Write(ref _progress, progress);
        return progress.Reached.Task.WaitAsync(RuntimeHarness.Patience);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private void Run()
    {
        long lastRevision = 0;
        while (!_stop.IsCancellationRequested && Failure is null)
        {
            var snapshot = _catalog.Current;
            var problem = Check(snapshot, lastRevision) ?? _invariant(snapshot);
            if (problem is not null)
            {
                Volatile.Write(ref _failure, $"revision {snapshot.Revision}: {problem}");
            }

            lastRevision = Math.Max(lastRevision, snapshot.Revision);
            var reads = Interlocked.Increment(ref _reads);
            if (Volatile.Read(ref _progress) is { } progress && reads >= progress.Target)
            {
                progress.Reached.TrySetResult();
            }
        }
    }

    private sealed record Progress(long Target)
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static string? Check(CatalogSnapshot snapshot, long lastRevision)
    {
        if (snapshot.Revision < lastRevision && snapshot.Source == CatalogSource.Database)
        {
            return $"went back from revision {lastRevision}";
        }

        if (snapshot.Tools.Count != snapshot.ToolCount)
        {
            return $"lists {snapshot.Tools.Count} tools but counts {snapshot.ToolCount}";
        }

        foreach (var capability in snapshot.CapabilityNames)
        {
            foreach (var pattern in snapshot.PatternsFor(capability))
            {
                if (!ReferenceEquals(snapshot.FindTool(pattern.ToolName), pattern.Tool) || !pattern.Tool.IsSelectable)
                {
                    return $"the index of '{capability}' holds {pattern} of a tool the map does not hold (or that is not selectable)";
                }
            }
        }

        return null;
    }
}
