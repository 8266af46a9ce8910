using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpsConductor.ToolCatalog.Diagnostics;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>How a <see cref="BufferedBatchWriter{T}"/> buffers and writes (checked by the public options that fill it).</summary>
internal readonly record struct BufferSettings(int Capacity, int BatchSize, int Writers, TimeSpan FlushInterval, TimeSpan RetryDelay, TimeSpan MaxRetryDelay);

/// <summary>
/// The non-blocking write path shared by the telemetry recorder and the decision log: a bounded channel the callers
/// write to without waiting (<see cref="TryEnqueue"/>: a full buffer drops the item, counts it and logs at most every
/// 10 s), <see cref="BufferSettings.Writers"/> background loops that drain it in batches into
/// <see cref="WriteBatchAsync"/>, retrying a failed batch with doubling delays while new items queue behind it, and the
/// monthly partitions kept ahead. <see cref="StopAsync"/> refuses new items and writes what is buffered, within the
/// host's time; <see cref="FlushAsync"/> waits until everything enqueued so far is written.
/// </summary>
/// <typeparam name="T">What is buffered (a value copied on the caller's path).</typeparam>
internal abstract class BufferedBatchWriter<T> : IAsyncDisposable
{
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(10);

    /// <summary>How often the months ahead are given their partitions (a host may run for months without a migration).</summary>
    private static readonly TimeSpan PartitionUpkeepInterval = TimeSpan.FromHours(12);

    private readonly BufferSettings _settings;
    private readonly bool _enabled;
    private readonly Channel<T> _channel;
    private readonly CancellationTokenSource _abandon = new();
    private readonly Lock _flushLock = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _flushes = [];
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private Task? _upkeep;
    private volatile bool _stopping;
    private int _disposed;
    private long _enqueued;
    private long _dropped;
    private long _droppedLogged;
    private long _lastDropLog;
    private long _written;
    private long _unmatched;
    private long _lost;
    private long _failedWrites;

    /// <summary>Creates the buffer; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="store">Where batches go; null when the catalog has no database (everything is dropped and counted).</param>
    /// <param name="settings">The buffer's bounds and timings.</param>
    /// <param name="enabled">Whether anything is written at all.</param>
    /// <param name="timeProvider">The clock for delays and timestamps; the system clock when null.</param>
    /// <param name="logger">Where to log; nowhere when null.</param>
    /// <param name="meterFactory">Where the metrics go; none when null.</param>
    /// <param name="metricPrefix">The prefix of the metrics (<c>toolcatalog.telemetry</c>).</param>
    /// <param name="unit">The metrics' unit for one item (<c>{record}</c>).</param>
    /// <param name="noun">What one item is called in metric descriptions (<c>execution record</c>).</param>
    protected BufferedBatchWriter(ToolCatalogStore? store, BufferSettings settings, bool enabled, TimeProvider? timeProvider, ILogger? logger, IMeterFactory? meterFactory, string metricPrefix, string unit, string noun)
    {
        Store = store;
        _settings = settings;
        _enabled = enabled;
        Time = timeProvider ?? TimeProvider.System;
        Logger = logger ?? NullLogger.Instance;
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(settings.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite never waits: it answers false when full, and the item is counted as dropped
            SingleReader = settings.Writers == 1,
            SingleWriter = false,
        });
        if (meterFactory is not null)
        {
            Meter = meterFactory.Create(new MeterOptions(ToolCatalogDiagnostics.MeterName));
            Meter.CreateObservableCounter($"{metricPrefix}.recorded", () => Volatile.Read(ref _enqueued), unit, $"{noun}s buffered for writing.");
            Meter.CreateObservableCounter($"{metricPrefix}.dropped", () => Volatile.Read(ref _dropped), unit, $"{noun}s refused: the buffer was full, the item was invalid, or the writer had no database or had stopped.");
            Meter.CreateObservableCounter($"{metricPrefix}.written", () => Volatile.Read(ref _written), unit, $"{noun}s written to the database.");
            Meter.CreateObservableCounter($"{metricPrefix}.failed_writes", () => Volatile.Read(ref _failedWrites), "{batch}", "Batch writes that failed and were retried.");
            Meter.CreateObservableGauge($"{metricPrefix}.buffered", () => (long)_channel.Reader.Count, unit, $"{noun}s waiting to be written.");
        }
    }

    /// <summary>Raised on the writer's loop after a batch write failed, with the attempt number (for tests).</summary>
    internal event Action<int>? WriteFailedForTests;

    /// <summary>Raised after the partitions for this month and the next two were checked (for tests).</summary>
    internal event Action<IReadOnlyList<string>>? PartitionsCheckedForTests;

    /// <summary>Where batches go; null without a database.</summary>
    protected ToolCatalogStore? Store { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider Time { get; }

    /// <summary>Where to log.</summary>
    protected ILogger Logger { get; }

    /// <summary>The catalog's meter, when a meter factory was given (for metrics of the subclass).</summary>
    protected Meter? Meter { get; }

    /// <summary>Whether <see cref="StopAsync"/> was called.</summary>
    protected bool IsStopping => _stopping;

    /// <summary>The buffer's capacity.</summary>
    protected int Capacity => _settings.Capacity;

    /// <summary>Items buffered so far.</summary>
    protected long Enqueued => Volatile.Read(ref _enqueued);

    /// <summary>Items refused or discarded so far.</summary>
    protected long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Items written so far.</summary>
    protected long Written => Volatile.Read(ref _written);

    /// <summary>Items the database refused as matching nothing stored.</summary>
    protected long Unmatched => Volatile.Read(ref _unmatched);

    /// <summary>Items waiting to be written.</summary>
    protected int Buffered => _channel.Reader.Count;

    /// <summary>Batch writes that failed and were retried.</summary>
    protected long FailedWrites => Volatile.Read(ref _failedWrites);

    /// <summary>Whether an item would be accepted at all (a database, enabled, not stopping); when not, why.</summary>
    protected string? RefusalReason(string disabled) =>
        Store is null ? "the catalog has no database" : !_enabled ? disabled : _stopping ? "the writer has stopped" : null;

    /// <summary>Buffers <paramref name="item"/> without waiting; when the buffer is full, drops it, counts and logs it.</summary>
    /// <returns>Whether it was buffered.</returns>
    protected bool TryEnqueue(in T item)
    {
        if (_channel.Writer.TryWrite(item))
        {
            Interlocked.Increment(ref _enqueued);
            return true;
        }

        Drop(_stopping ? "the writer has stopped" : $"the buffer is full ({_settings.Capacity})");
        return false;
    }

    /// <summary>Writes <paramref name="batch"/> (one transaction); items it leaves out go through <see cref="Discard"/>.</summary>
    /// <returns>How many were written, and how many matched nothing stored.</returns>
    protected abstract Task<(long Written, long Unmatched)> WriteBatchAsync(List<T> batch, CancellationToken cancellationToken);

    /// <summary>Logs that <paramref name="count"/> items were dropped for <paramref name="reason"/>.</summary>
    protected abstract void LogDropped(long count, string reason, long total);

    /// <summary>Logs a failed batch write that will be retried.</summary>
    protected abstract void LogWriteFailed(int count, int attempt, Exception error, TimeSpan retry, int buffered);

    /// <summary>Logs a batch written after failed attempts.</summary>
    protected abstract void LogWritingAgain(int count, int attempt);

    /// <summary>Logs items abandoned at shutdown.</summary>
    protected abstract void LogLostAtShutdown(long count);

    /// <summary>Logs a failed partition upkeep.</summary>
    protected abstract void LogPartitionUpkeepFailed(Exception error);

    /// <summary>Counts an item taken out of a batch by <see cref="WriteBatchAsync"/> (it will never be written).</summary>
    protected void Discard(string reason)
    {
        Interlocked.Increment(ref _lost);
        Drop(reason);
    }

    /// <summary>Counts a dropped item and logs, at most every 10 s, how many were dropped since the last log.</summary>
    protected void Drop(string reason)
    {
        var dropped = Interlocked.Increment(ref _dropped);
        var now = Time.GetTimestamp();
        var last = Volatile.Read(ref _lastDropLog);
        if ((last == 0 || Time.GetElapsedTime(last, now) >= DropLogInterval) && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
        {
            var since = dropped - Interlocked.Exchange(ref _droppedLogged, dropped);
            LogDropped(since, reason, dropped);
        }
    }

    /// <summary>Writes everything buffered so far (retrying while the database is away) and returns when it is written or <paramref name="cancellationToken"/> fires.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (Store is null || _loop is null)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_flushLock)
        {
            var target = Volatile.Read(ref _enqueued);
            if (Processed() >= target)
            {
                return Task.CompletedTask;
            }

            _flushes.Add((target, done));
        }

        Wake();
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Starts the background writers and the partition upkeep (once).</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Store is not null && _enabled)
        {
            _loop ??= Task.WhenAll(Enumerable.Range(0, _settings.Writers).Select(_ => Task.Run(() => RunAsync(_abandon.Token), CancellationToken.None)));
            _upkeep ??= Task.Run(() => KeepPartitionsAheadAsync(_abandon.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Refuses new items and writes what is buffered; when <paramref name="cancellationToken"/> fires first (the host's
    /// shutdown time is over), abandons the rest, logging how many were not written.
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
            await AbandonAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // The writers are done: the partition upkeep stops too.
        await AbandonAsync().ConfigureAwait(false);
        if (_upkeep is not null)
        {
            await _upkeep.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Cancels the writers and the upkeep. A stop that was still waiting for the writers when <see cref="DisposeAsync"/>
    /// ran (a host's stop meeting its container's dispose) finds the source disposed: the dispose cancelled it first,
    /// so there is nothing left to do.
    /// </summary>
    private async Task AbandonAsync()
    {
        try
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Disposed after being cancelled (DisposeAsync stops first).
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The container may dispose it twice (it is registered as itself and as its interface).
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var expired = new CancellationTokenSource(TimeSpan.Zero);
        await StopAsync(expired.Token).ConfigureAwait(false);
        _abandon.Dispose();
        Meter?.Dispose();
    }

    /// <summary>
    /// Makes sure this month and the next two have their partitions, at start and every
    /// <see cref="PartitionUpkeepInterval"/>, so rows never pile up in the default partition of a long-running host.
    /// </summary>
    private async Task KeepPartitionsAheadAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !_stopping)
        {
            try
            {
                var names = await Store!.EnsureTelemetryPartitionsAsync(2, stop).ConfigureAwait(false);
                PartitionsCheckedForTests?.Invoke(names);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPartitionUpkeepFailed(e);
            }

            try
            {
                await Task.Delay(PartitionUpkeepInterval, Time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunAsync(CancellationToken abandon)
    {
        var reader = _channel.Reader;
        var batch = new List<T>(Math.Min(_settings.BatchSize, 65_536));
        try
        {
            while (await reader.WaitToReadAsync(abandon).ConfigureAwait(false))
            {
                // Let a batch fill for up to FlushInterval, unless it is full already or someone asked for a flush.
                if (reader.Count < _settings.BatchSize && !_stopping && !HasFlushWaiters())
                {
                    var wake = Volatile.Read(ref _wake).Task;
                    await Task.WhenAny(wake, Task.Delay(_settings.FlushInterval, Time, abandon)).ConfigureAwait(false);
                    abandon.ThrowIfCancellationRequested();
                    ResetWake(wake);
                }

                while (true)
                {
                    batch.Clear();
                    while (batch.Count < _settings.BatchSize && reader.TryRead(out var item))
                    {
                        batch.Add(item);
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
                LogLostAtShutdown(lost);
            }
        }
        finally
        {
            CompleteFlushes(force: true);
        }
    }

    private async Task WriteWithRetriesAsync(List<T> batch, CancellationToken abandon)
    {
        var delay = _settings.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (written, unmatched) = await WriteBatchAsync(batch, abandon).ConfigureAwait(false);
                Interlocked.Add(ref _written, written);
                Interlocked.Add(ref _unmatched, unmatched);
                if (attempt > 1)
                {
                    LogWritingAgain(batch.Count, attempt);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !abandon.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failedWrites);
                LogWriteFailed(batch.Count, attempt, e, delay, _channel.Reader.Count);
                WriteFailedForTests?.Invoke(attempt);
                await Task.Delay(delay, Time, abandon).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _settings.MaxRetryDelay.Ticks));
            }
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
