using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// Reads the telemetry's time calibrations (<see cref="ToolCatalogStore.GetTimeCalibrationsAsync"/>) when started and
/// every <see cref="TelemetryOptions.CalibrationRefreshInterval"/> after, and hands selection the latest table through
/// <see cref="ITimeCalibrationSource.Current"/> (one field read). A failed read is logged and the last table kept.
/// Without a store, or with <see cref="TelemetryOptions.Calibration"/> off, the table stays empty and nothing is read.
/// </summary>
internal sealed class TimeCalibrationRefresher : ITimeCalibrationSource, IAsyncDisposable
{
    private readonly ToolCatalogStore? _store;
    private readonly TelemetryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private volatile TimeCalibrations _current = TimeCalibrations.Empty;
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public TimeCalibrationRefresher(ToolCatalogStore? store, TelemetryOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    public TimeCalibrations Current => _current;

    /// <summary>Whether calibrations are read at all (a store, and <see cref="TelemetryOptions.Calibration"/> on).</summary>
    public bool IsActive => _store is not null && _options.Calibration;

    /// <summary>Starts the refresh loop (its first read runs in the background: the host does not wait for it).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsActive)
        {
            _loop = RunAsync(_stopping.Token);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops the loop; an unfinished read is cancelled.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _disposed) != 0 ? Task.CompletedTask : StopLoopAsync(cancellationToken);

    /// <summary>Reads the calibrations now and makes them current.</summary>
    /// <returns>The new table.</returns>
    /// <exception cref="InvalidOperationException">There is no store to read from.</exception>
    public async Task<TimeCalibrations> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var store = _store ?? throw new InvalidOperationException("Time calibrations are read from the catalog's PostgreSQL store, and this catalog has none (YAML mode).");
        var now = _time.GetUtcNow();
        var rows = await store.GetTimeCalibrationsAsync(now - _options.CalibrationWindow, _options.CalibrationMinSamples, cancellationToken).ConfigureAwait(false);
        var table = new TimeCalibrations(rows, now);
        _current = table;
        TelemetryLog.CalibrationsLoaded(_logger, table.Count, _options.CalibrationWindow.TotalDays);
        return table;
    }

    /// <summary>Stops the loop; a second call does nothing (the container may hold this object under two services).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopLoopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task StopLoopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.CalibrationRefreshInterval, _time);
        while (true)
        {
            try
            {
                await RefreshAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed read must not end the loop: the last table stays and the next tick tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                TelemetryLog.CalibrationsFailed(_logger, e.GetType().Name, e.Message, _options.CalibrationRefreshInterval.TotalSeconds);
            }

            try
            {
                if (!await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
