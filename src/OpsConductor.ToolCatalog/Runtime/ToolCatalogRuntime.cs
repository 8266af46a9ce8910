using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsConductor.ToolCatalog.Diagnostics;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// The runtime catalog: one immutable <see cref="CatalogSnapshot"/> behind one reference, kept current in the
/// background. In the database modes a dedicated, unpooled connection LISTENs for the notices every committed write
/// sends; a notice is a hint to read what changed since the held revision (bursts are coalesced into one catch-up),
/// and a reconnect, a gap in the change feed or the periodic safety poll make the catalog compare revisions and catch
/// up. Each catch-up builds the next snapshot off to the side (<see cref="CatalogSnapshot.Apply"/> of the changed
/// tools, or a full load) and swaps the reference: readers never lock, never wait and never see half a change. While
/// the database is unreachable the last good snapshot keeps serving (health: degraded, with its staleness); a process
/// that never reached the database serves the YAML fallback, if configured, and switches over once it can.
/// </summary>
/// <remarks>
/// Under dependency injection <c>services.AddToolCatalog(…)</c> creates it and a hosted service starts and stops it.
/// Without a container: create it, <c>await StartAsync()</c>, and dispose it at the end.
/// </remarks>
public sealed partial class ToolCatalogRuntime : IToolCatalog, IAsyncDisposable
{
    private readonly ToolCatalogOptions _options;
    private readonly CatalogMode _mode;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly bool _ownsDataSource;
    private readonly ToolCatalogStore? _store;
    private readonly ToolCatalogStore? _globalStore;
    private readonly YamlCatalogLoader? _yaml;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CatalogMetrics _metrics;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<bool> _noticeSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly Lock _stateLock = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CatalogSnapshot _current;
    private readonly RevisionWaiters _waiters; // released at a snapshot once its Changed handlers have run
    private volatile LinkState _link = LinkState.Initial;
    private long _knownDatabaseRevision;
    private long _noticedRevision;
    private long _lastConfirmedTicks;
    private IReadOnlyDictionary<string, string> _yamlFiles = new Dictionary<string, string>(StringComparer.Ordinal);
    private string? _profilesVersion;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private int _disposed;

    /// <summary>Creates a catalog (not started: call <see cref="StartAsync"/>).</summary>
    /// <param name="options">Mode, sources and timings; checked here (see <see cref="ToolCatalogOptions"/>).</param>
    /// <param name="dataSource">The host's data source, used when <see cref="ToolCatalogOptions.ConnectionString"/> is not
    /// set. The catalog never builds a pool behind it: reads use its pool, and the one listening connection is an
    /// unpooled clone of its settings (same credentials and certificate callbacks).</param>
    /// <param name="timeProvider">The clock for timestamps, the safety poll and reconnect waits; the system clock when null.</param>
    /// <param name="loggerFactory">Where to log (event ids 5000–5099); nowhere when null.</param>
    /// <param name="meterFactory">Where to create the <see cref="ToolCatalogDiagnostics.MeterName"/> meter; a meter of its own when null.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are not valid; the message lists every problem.</exception>
    public ToolCatalogRuntime(
        ToolCatalogOptions options,
        NpgsqlDataSource? dataSource = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ToolCatalogOptionsValidator.ThrowIfInvalid(options, dataSource is not null);
        _options = options;
        _mode = options.Mode == CatalogMode.DatabaseWithYamlFallback && string.IsNullOrWhiteSpace(options.YamlPath)
            ? CatalogMode.Database
            : options.Mode;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger(ToolCatalogDiagnostics.RuntimeLogCategory) ?? NullLogger.Instance;
        _metrics = new CatalogMetrics(meterFactory);
        _current = CatalogSnapshot.Create([], 0, CatalogSource.None, DateTimeOffset.MinValue);
        _waiters = new RevisionWaiters(_current, nameof(ToolCatalogRuntime));

        if (_mode != CatalogMode.Yaml && options.Server is not null)
        {
            _serverClient = new CatalogServerClient(options);
        }
        else if (_mode != CatalogMode.Yaml)
        {
            if (!string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
                _ownsDataSource = true;
            }
            else
            {
                _dataSource = dataSource!;
            }

            _globalStore = new ToolCatalogStore(_dataSource, _time, (ILogger<ToolCatalogStore>?)loggerFactory?.CreateLogger<ToolCatalogStore>() ?? NullLogger<ToolCatalogStore>.Instance);

            // One tenant (ToolCatalogOptions.Tenant): the catalog is read and followed in the tenant's scope (global + its overlay).
            _store = options.Tenant is null ? _globalStore : _globalStore.ForTenant(options.Tenant);
            var readStore = CreateReadStore(options, loggerFactory);
            _readStore = readStore is null ? _store : options.Tenant is null ? readStore : readStore.ForTenant(options.Tenant);
        }

        if (!string.IsNullOrWhiteSpace(options.YamlPath))
        {
            _yaml = new YamlCatalogLoader(options.YamlPath);
        }

        _metrics.Observe(Observe);
    }

    /// <inheritdoc />
    public CatalogSnapshot Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public CatalogSource Source => Current.Source;

    /// <inheritdoc />
    public long Revision => Current.Revision;

    /// <summary>The mode in effect (<see cref="CatalogMode.DatabaseWithYamlFallback"/> without a YAML path is <see cref="CatalogMode.Database"/>).</summary>
    public CatalogMode Mode => _mode;

    /// <summary>The <c>version</c> of the single profiles file being served, when the YAML source is one; else null.</summary>
    public string? ProfilesVersion => Current.Source == CatalogSource.Yaml ? _profilesVersion : null;

    /// <inheritdoc />
    public event EventHandler<CatalogChangedEventArgs>? Changed;

    /// <summary>Raised when the listening connection comes up, is lost (with the wait before the next attempt) or stops.</summary>
    public event EventHandler<ListenerStateChangedEventArgs>? ListenerStateChanged;

    /// <inheritdoc />
    public CatalogHealth Health
    {
        get
        {
            var snapshot = Current;
            var link = _link;
            var now = _time.GetUtcNow();
            TimeSpan? staleness = snapshot.Source != CatalogSource.Database ? null
                : link.Listening ? TimeSpan.Zero
                : link.CurrentUntil is { } until ? Max(now - until, TimeSpan.Zero)
                : null;
            if (_serverClient is not null)
            {
                return ServerHealth(snapshot, link, staleness);
            }

            var error = link.LastError is null ? "" : $" (last error: {link.LastError})";
            return snapshot.Source switch
            {
                CatalogSource.None when _mode == CatalogMode.Yaml => new CatalogHealth(
                    CatalogHealthStatus.Unhealthy, $"No catalog loaded: the YAML catalog {_yaml!.Path} could not be read{error}.",
                    snapshot.Source, 0, 0, false, null, link.LastError),
                CatalogSource.None => new CatalogHealth(
                    CatalogHealthStatus.Unhealthy, $"No catalog loaded: the database has not been reachable since start{error}.",
                    snapshot.Source, 0, 0, false, null, link.LastError),
                CatalogSource.Yaml when _mode == CatalogMode.Yaml => new CatalogHealth(
                    CatalogHealthStatus.Healthy, $"Serving {snapshot.ToolCount} tools from the YAML catalog {_yaml!.Path}.",
                    snapshot.Source, 0, snapshot.ToolCount, false, null, link.LastError),
                CatalogSource.Yaml => new CatalogHealth(
                    CatalogHealthStatus.Degraded, $"Serving the YAML fallback ({snapshot.ToolCount} tools from {_yaml!.Path}): the database has not been reachable since start{error}.",
                    snapshot.Source, 0, snapshot.ToolCount, false, null, link.LastError),
                _ when link.Listening => new CatalogHealth(
                    CatalogHealthStatus.Healthy, $"Serving revision {snapshot.Revision} ({snapshot.ToolCount} tools) from the database and listening for changes.",
                    snapshot.Source, snapshot.Revision, snapshot.ToolCount, true, staleness, link.LastError),
                _ => new CatalogHealth(
                    CatalogHealthStatus.Degraded,
                    $"Serving revision {snapshot.Revision} ({snapshot.ToolCount} tools) from the database, which is unreachable: possibly stale for {staleness?.TotalSeconds ?? 0:0.0} s{error}.",
                    snapshot.Source, snapshot.Revision, snapshot.ToolCount, false, staleness, link.LastError),
            };
        }
    }

    /// <summary>The meter and activity source this catalog reports through.</summary>
    internal CatalogMetrics Metrics => _metrics;

    /// <summary>The global store over the catalog's database (null in YAML mode): the telemetry recorder writes through it.</summary>
    internal ToolCatalogStore? Store => _globalStore;

    /// <summary>The backend process id of the listening connection while it is up (tests terminate it).</summary>
    internal int? ListenerProcessId => _link.ProcessId;

    /// <summary>Test seam: decides whether a received notice is acted on (false simulates a lost notice).</summary>
    internal Func<CatalogNotification, bool>? NotificationFilter { get; set; }

    /// <summary>Test seam: called for each notice acted on, once its revision counts as heard of (in the revision lag).</summary>
    internal Action<CatalogNotification>? NoticeHeard { get; set; }

    /// <summary>Test seam: awaited at the start of every synchronisation, holding the reload gate.</summary>
    internal Func<CatalogChangeOrigin, CancellationToken, Task>? BeforeSync { get; set; }

    /// <summary>Test seam: raised each time the listening loop has armed its safety-poll timer and waits for work.</summary>
    internal event Action? LoopWaiting;

    /// <summary>
    /// Starts the catalog. YAML mode: reads the YAML. Database modes: starts the listener and waits for its first
    /// attempt (the catalog loaded from the database, or the database found unreachable and the fallback loaded, if
    /// any), so a host that starts the catalog before serving requests serves a loaded catalog whenever one can be had.
    /// The catalog never fails to start because its source is down: it serves what it can and keeps trying.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_stop is not null)
        {
            return;
        }

        _stop = new CancellationTokenSource();
        if (_mode == CatalogMode.Yaml)
        {
            await TryLoadYamlAsync(CatalogChangeOrigin.Startup, cancellationToken).ConfigureAwait(false);
            return;
        }

        var stop = _stop.Token;
        StartOverlayLoop();
        _loop = Task.Run(() => _serverClient is not null ? RunServerFollowerAsync(stop) : RunListenerAsync(stop), CancellationToken.None);
        await _firstAttempt.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops listening (the last snapshot stays readable).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stop is null || _stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The caller (a host past its shutdown timeout) stopped waiting: the loop has been told to stop and ends
                // on its own; stopping is not a failure of the host's shutdown.
            }
        }

        if (_overlayLoop is not null)
        {
            try
            {
                await _overlayLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // As for the listening loop: told to stop, it ends on its own.
            }
        }

        UpdateLink(l => l with { Listening = false, ProcessId = null });
        RaiseListenerState(new ListenerStateChangedEventArgs(ListenerState.Stopped, null, null, 0));
        RuntimeLog.Stopped(_logger, Current.Revision);
    }

    /// <summary>Stops listening and releases the connection, the data source it built (if any) and the meter it created (if any).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _stop?.Dispose();
        if (_ownsDataSource && _dataSource is not null)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _serverClient?.Dispose();
        if (_readDataSource is not null)
        {
            await _readDataSource.DisposeAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
        _waiters.Close();

        foreach (var view in _views.Values)
        {
            view.Close();
        }
    }

    /// <inheritdoc />
    public Task<CatalogSnapshot> WaitForRevisionAsync(long revision, CancellationToken cancellationToken = default) =>
        _waiters.WaitAsync(revision, cancellationToken);

    /// <summary>
    /// Swaps in <paramref name="next"/> (the one write of <see cref="_current"/>, always under the reload gate), tells
    /// subscribers, then releases waiters: a <see cref="WaitForRevisionAsync"/> that returns finds every
    /// <see cref="Changed"/> handler done with that revision (the server's change feed has its event, a follower's own
    /// derived state is updated).
    /// </summary>
    private void Publish(CatalogSnapshot next, CatalogChangeOrigin origin, bool isFullLoad, IReadOnlyList<CatalogToolChange> changes,
        IReadOnlyDictionary<string, long>? changedTenants = null)
    {
        var previous = Current;
        Volatile.Write(ref _current, next);
        if (previous.Source != next.Source)
        {
            RuntimeLog.SourceServed(_logger, next.Source, next.ToolCount, next.Revision, origin);
        }

        if (Changed is { } handlers)
        {
            var args = new CatalogChangedEventArgs(previous, next, origin, isFullLoad, changes);
            foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<CatalogChangedEventArgs>>())
            {
                try
                {
                    handler(this, args);
                }
#pragma warning disable CA1031 // A subscriber's bug must not stop the catalog from following its source; it is logged.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    RuntimeLog.HandlerFailed(_logger, nameof(Changed), e);
                }
            }
        }

        // Tenants' views follow before the global waiters are released: a global WaitForRevisionAsync that returns finds
        // every view laid over that revision.
        RelayTenantViews(next, origin, isFullLoad, changes, changedTenants);

        _waiters.Release(next);
    }

    private void RaiseListenerState(ListenerStateChangedEventArgs args)
    {
        if (ListenerStateChanged is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<ListenerStateChangedEventArgs>>())
        {
            try
            {
                handler(this, args);
            }
#pragma warning disable CA1031 // A subscriber's bug must not stop the listener; it is logged.
            catch (Exception e)
#pragma warning restore CA1031
            {
                RuntimeLog.HandlerFailed(_logger, nameof(ListenerStateChanged), e);
            }
        }
    }

    private void UpdateLink(Func<LinkState, LinkState> update)
    {
        lock (_stateLock)
        {
            _link = update(_link);
        }
    }

    private void NoteDatabaseRevision(long revision)
    {
        var known = Volatile.Read(ref _knownDatabaseRevision);
        while (revision > known)
        {
            var seen = Interlocked.CompareExchange(ref _knownDatabaseRevision, revision, known);
            if (seen == known)
            {
                return;
            }

            known = seen;
        }
    }

    private CatalogObservation Observe()
    {
        var snapshot = Current;
        var link = _link;
        var isDatabase = snapshot.Source == CatalogSource.Database;
        var lag = isDatabase ? Math.Max(0, Volatile.Read(ref _knownDatabaseRevision) - snapshot.Revision) : 0;
        var staleness = isDatabase && !link.Listening && link.CurrentUntil is { } until ? Math.Max(0, (_time.GetUtcNow() - until).TotalSeconds) : 0;
        return new CatalogObservation(snapshot.Source, snapshot.Revision, snapshot.ToolCount, lag, staleness);
    }

    private static TimeSpan Max(TimeSpan x, TimeSpan y) => x > y ? x : y;

    /// <summary>The listening connection's state, swapped as a whole so <see cref="Health"/> reads one consistent value.</summary>
    /// <param name="Listening">Connected, listening and caught up.</param>
    /// <param name="CurrentUntil">The last moment the catalog knew it was current (a catch-up, or the loss of a listening connection).</param>
    /// <param name="LastError">The last failure, or null.</param>
    /// <param name="ProcessId">The listening backend's process id while connected.</param>
    private sealed record LinkState(bool Listening, DateTimeOffset? CurrentUntil, string? LastError, int? ProcessId)
    {
        public static LinkState Initial { get; } = new(false, null, null, null);
    }
}
