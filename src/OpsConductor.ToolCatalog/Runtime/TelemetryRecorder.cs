using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpsConductor.ToolCatalog.Diagnostics;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// The catalog's <see cref="ITelemetryRecorder"/>: a bounded channel the callers write to without waiting, and
/// <see cref="TelemetryOptions.Writers"/> background loops that drain it in batches into
/// <see cref="ToolCatalogStore.WriteTelemetryAsync"/> (binary COPY, one connection each),
/// retrying a failed batch with growing delays while new records queue behind it (and are dropped, counted, once the
/// channel is full). <see cref="StopAsync"/> refuses new records and writes what is buffered, within the host's time.
/// </summary>
internal sealed partial class TelemetryRecorder : ITelemetryRecorder, IAsyncDisposable
{
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(10);

    /// <summary>How often the months ahead are given their partitions (a host may run for months without a migration).</summary>
    private static readonly TimeSpan PartitionUpkeepInterval = TimeSpan.FromHours(12);

    private readonly ToolCatalogStore? _store;
    private readonly TelemetryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<ExecutionRecord> _channel;
    private readonly CancellationTokenSource _abandon = new();
    private readonly Lock _flushLock = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _flushes = [];
    private readonly Meter? _meter;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private Task? _upkeep;
    private volatile bool _stopping;
    private int _disposed;
    private long _recorded;
    private long _dropped;
    private long _droppedLogged;
    private long _lastDropLog;
    private long _written;
    private long _unmatched;
    private long _lost;
    private long _failedWrites;

    public TelemetryRecorder(ToolCatalogStore? store, TelemetryOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _channel = Channel.CreateBounded<ExecutionRecord>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite never waits: it answers false when full, and the record is counted as dropped
            SingleReader = options.Writers == 1,
            SingleWriter = false,
        });
        if (meterFactory is not null)
        {
            _meter = meterFactory.Create(new MeterOptions(ToolCatalogDiagnostics.MeterName));
            _meter.CreateObservableCounter("toolcatalog.telemetry.recorded", () => Volatile.Read(ref _recorded), "{record}", "Execution records buffered for writing.");
            _meter.CreateObservableCounter("toolcatalog.telemetry.dropped", () => Volatile.Read(ref _dropped), "{record}", "Execution records refused: the buffer was full, the record was invalid, or the recorder had no database or had stopped.");
            _meter.CreateObservableCounter("toolcatalog.telemetry.written", () => Volatile.Read(ref _written), "{record}", "Execution records written to the database.");
            _meter.CreateObservableCounter("toolcatalog.telemetry.unmatched", () => Volatile.Read(ref _unmatched), "{record}", "Execution records whose tool, version, capability or pattern matched nothing stored.");
            _meter.CreateObservableCounter("toolcatalog.telemetry.failed_writes", () => Volatile.Read(ref _failedWrites), "{batch}", "Batch writes that failed and were retried.");
            _meter.CreateObservableGauge("toolcatalog.telemetry.buffered", () => (long)_channel.Reader.Count, "{record}", "Execution records waiting to be written.");
        }
    }

    /// <summary>Raised on the writer's loop after a batch write failed, with the attempt number (for tests).</summary>
    internal event Action<int>? WriteFailedForTests;

    /// <inheritdoc />
    public TelemetryCounts Counts => new(
        Volatile.Read(ref _recorded),
        Volatile.Read(ref _dropped),
        Volatile.Read(ref _written),
        Volatile.Read(ref _unmatched),
        _channel.Reader.Count,
        Volatile.Read(ref _failedWrites));

    /// <inheritdoc />
    public bool Record(in ExecutionRecord record)
    {
        if (_store is null || !_options.Enabled || _stopping)
        {
            Drop(_store is null ? "the catalog has no database" : _stopping ? "the recorder has stopped" : "telemetry is disabled");
            return false;
        }

        if (!ExecutionRecordRules.HasNamesAndTime(record))
        {
            Drop("a record needs a tool, capability and pattern and an actual time from 0 to 2^31 - 1 ms");
            return false;
        }

        var stamped = record.ExecutedAt == default ? record with { ExecutedAt = _time.GetUtcNow() } : record;
        if (_channel.Writer.TryWrite(stamped))
        {
            Interlocked.Increment(ref _recorded);
            return true;
        }

        Drop(_stopping ? "the recorder has stopped" : $"the buffer is full ({_options.Capacity} records)");
        return false;
    }

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_store is null || _loop is null)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_flushLock)
        {
            var target = Volatile.Read(ref _recorded);
            if (Processed() >= target)
            {
                return Task.CompletedTask;
            }

            _flushes.Add((target, done));
        }

        Wake();
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Starts the background writer (once).</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_store is not null && _options.Enabled)
        {
            _loop ??= Task.WhenAll(Enumerable.Range(0, _options.Writers).Select(_ => Task.Run(() => RunAsync(_abandon.Token), CancellationToken.None)));
            _upkeep ??= Task.Run(() => KeepPartitionsAheadAsync(_abandon.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Refuses new records and writes what is buffered; when <paramref name="cancellationToken"/> fires first (the host's
    /// shutdown time is over), abandons the rest, logging how many records were not written.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) != 0 && _abandon.IsCancellationRequested)
        {
            return;
        }

        _stopping = true;
        _channel.Writer.TryComplete();
        Wake();
        if (_loop is null)
        {
            return;
        }

        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // The writers are done: the partition upkeep stops too.
        await _abandon.CancelAsync().ConfigureAwait(false);
        if (_upkeep is not null)
        {
            await _upkeep.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Raised after the partitions for this month and the next two were checked (for tests).</summary>
    internal event Action<IReadOnlyList<string>>? PartitionsCheckedForTests;

    /// <summary>
    /// Makes sure this month and the next two have their telemetry partitions, at start and every
    /// <see cref="PartitionUpkeepInterval"/>, so records never pile up in the default partition of a long-running host.
    /// </summary>
    private async Task KeepPartitionsAheadAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !_stopping)
        {
            try
            {
                var names = await _store!.EnsureTelemetryPartitionsAsync(2, stop).ConfigureAwait(false);
                PartitionsCheckedForTests?.Invoke(names);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                TelemetryLog.PartitionUpkeepFailed(_logger, e.GetType().Name, e.Message);
            }

            try
            {
                await Task.Delay(PartitionUpkeepInterval, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The container may dispose it twice (it is registered as itself and as ITelemetryRecorder).
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var expired = new CancellationTokenSource(TimeSpan.Zero);
        await StopAsync(expired.Token).ConfigureAwait(false);
        _abandon.Dispose();
        _meter?.Dispose();
    }

    private async Task RunAsync(CancellationToken abandon)
    {
        var reader = _channel.Reader;
        var batch = new List<ExecutionRecord>(Math.Min(_options.BatchSize, 65_536));
        try
        {
            while (await reader.WaitToReadAsync(abandon).ConfigureAwait(false))
            {
                // Let a batch fill for up to FlushInterval, unless it is full already or someone asked for a flush.
                if (reader.Count < _options.BatchSize && !_stopping && !HasFlushWaiters())
                {
                    var wake = Volatile.Read(ref _wake).Task;
                    await Task.WhenAny(wake, Task.Delay(_options.FlushInterval, _time, abandon)).ConfigureAwait(false);
                    abandon.ThrowIfCancellationRequested();
                    ResetWake(wake);
                }

                while (true)
                {
                    batch.Clear();
                    while (batch.Count < _options.BatchSize && reader.TryRead(out var record))
                    {
                        batch.Add(record);
                    }

                    if (batch.Count == 0)
                    {
                        break;
                    }

                    await WriteWithRetriesAsync(batch, abandon).ConfigureAwait(false);
                    CompleteFlushes();
                }
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            var lost = (long)batch.Count;
            while (reader.TryRead(out _))
            {
                lost++;
            }

            Interlocked.Add(ref _lost, lost);
            if (lost > 0)
            {
                TelemetryLog.LostAtShutdown(_logger, lost);
            }
        }
        finally
        {
            CompleteFlushes(force: true);
        }
    }

    private async Task WriteWithRetriesAsync(List<ExecutionRecord> batch, CancellationToken abandon)
    {
        // What the table cannot hold (text with a NUL character or a lone surrogate) is dropped and counted here, off
        // the callers' path, so that one such record never blocks its batch.
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            if (ExecutionRecordRules.Problem(batch[i]) is { } problem)
            {
                batch.RemoveAt(i);
                Interlocked.Increment(ref _lost);
                Drop(problem);
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        var delay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await _store!.WriteCheckedTelemetryAsync(batch, abandon).ConfigureAwait(false);
                Interlocked.Add(ref _written, result.Written);
                if (result.Unmatched.Count > 0)
                {
                    Interlocked.Add(ref _unmatched, result.Unmatched.Count);
                    var first = batch[result.Unmatched[0]];
                    TelemetryLog.Unmatched(_logger, result.Unmatched.Count, batch.Count, first.Tool, first.Version ?? "(latest)", first.Capability, first.Pattern);
                }

                if (attempt > 1)
                {
                    TelemetryLog.WritingAgain(_logger, batch.Count, attempt);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !abandon.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failedWrites);
                TelemetryLog.WriteFailed(_logger, batch.Count, attempt, e.GetType().Name, e.Message, delay.TotalMilliseconds, _channel.Reader.Count);
                WriteFailedForTests?.Invoke(attempt);
                await Task.Delay(delay, _time, abandon).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    private void Drop(string reason)
    {
        var dropped = Interlocked.Increment(ref _dropped);
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref _lastDropLog);
        if ((last == 0 || _time.GetElapsedTime(last, now) >= DropLogInterval) && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
        {
            var since = dropped - Interlocked.Exchange(ref _droppedLogged, dropped);
            TelemetryLog.Dropped(_logger, since, reason, dropped);
        }
    }

    private long Processed() => Volatile.Read(ref _written) + Volatile.Read(ref _unmatched) + Volatile.Read(ref _lost);

    private bool HasFlushWaiters()
    {
        lock (_flushLock)
        {
            return _flushes.Count > 0;
        }
    }

    private void CompleteFlushes(bool force = false)
    {
        lock (_flushLock)
        {
            var processed = Processed();
            for (var i = _flushes.Count - 1; i >= 0; i--)
            {
                if (force || _flushes[i].Target <= processed)
                {
                    _flushes[i].Done.TrySetResult();
                    _flushes.RemoveAt(i);
                }
            }
        }
    }

    private void Wake() => Volatile.Read(ref _wake).TrySetResult();

    private void ResetWake(Task observed)
    {
        if (observed.IsCompleted)
        {
            Interlocked.CompareExchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), _wake);
        }
    }
}

/// <summary>The telemetry recorder's log messages (event ids 5100–5149).</summary>
internal static partial class TelemetryLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "Telemetry: {Count} execution record(s) dropped ({Reason}); {Total} dropped since start")]
    public static partial void Dropped(ILogger logger, long count, string reason, long total);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Telemetry: writing {Count} execution record(s) failed (attempt {Attempt}: {ErrorType}: {Error}); retrying in {RetryMilliseconds:0} ms, {Buffered} more waiting")]
    public static partial void WriteFailed(ILogger logger, int count, int attempt, string errorType, string error, double retryMilliseconds, int buffered);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Telemetry: {Count} execution record(s) written after {Attempt} attempts")]
    public static partial void WritingAgain(ILogger logger, int count, int attempt);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Telemetry: {Count} of {BatchCount} execution record(s) name no stored pattern and were not written, e.g. tool '{Tool}' {Version}, capability '{Capability}', pattern '{Pattern}'")]
    public static partial void Unmatched(ILogger logger, int count, int batchCount, string tool, string version, string capability, string pattern);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Telemetry: {Count} execution record(s) not written: the host stopped before they could be")]
    public static partial void LostAtShutdown(ILogger logger, long count);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Telemetry: the partitions for the coming months could not be checked ({ErrorType}: {Error}); records of a month without one wait in the default partition")]
    public static partial void PartitionUpkeepFailed(ILogger logger, string errorType, string error);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Debug, Message = "Telemetry: time calibrations read for {Count} pattern(s) over the last {WindowDays} day(s)")]
    public static partial void CalibrationsLoaded(ILogger logger, int count, double windowDays);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Warning, Message = "Telemetry: reading the time calibrations failed ({ErrorType}: {Error}); the last ones stay in use, trying again in {RetrySeconds:0} s")]
    public static partial void CalibrationsFailed(ILogger logger, string errorType, string error, double retrySeconds);
}
