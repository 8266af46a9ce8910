using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// Runs automatic apply of estimate recommendations (<see cref="TelemetryAutoApplyOptions"/>) every
/// <see cref="TelemetryAutoApplyOptions.Interval"/>, on the host's <see cref="TimeProvider"/>, until stopped. Does
/// nothing when it is not enabled, names no tool, or the catalog has no database. A failed run is logged and the next
/// one comes at the next interval.
/// </summary>
internal sealed class TelemetryAutoApplier : IAsyncDisposable
{
    private readonly ToolCatalogStore? _store;
    private readonly TelemetryAutoApplyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public TelemetryAutoApplier(ToolCatalogStore? store, TelemetryAutoApplyOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Raised after each run with what it did (tests wait on it).</summary>
    internal event Action<IReadOnlyList<ToolCatalogStore.AutoApplyOutcome>>? RunCompletedForTests;

    /// <summary>Whether runs are scheduled.</summary>
    public bool IsActive => _loop is not null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled || _options.Tools.Count == 0 || _store is null || _loop is not null)
        {
            return Task.CompletedTask;
        }

        _stop = new CancellationTokenSource();
        // The timer is made here, before StartAsync returns, so that time advanced after start is seen by it.
        var timer = new PeriodicTimer(_options.Interval, _time);
        _loop = RunAsync(_store, timer, _stop.Token);
        var tools = string.Join(", ", _options.Tools);
        AutoApplyLog.Started(_logger, tools, _options.Interval);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            return;
        }

        await _stop!.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _loop = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop?.Dispose();
    }

    private async Task RunAsync(ToolCatalogStore store, PeriodicTimer timer, CancellationToken cancellationToken)
    {
        using (timer)
        {
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    try
                    {
                        var outcomes = await store.AutoApplyAsync(_options, cancellationToken).ConfigureAwait(false);
                        foreach (var outcome in outcomes)
                        {
                            if (outcome.Applied is { } applied)
                            {
                                AutoApplyLog.Applied(_logger, outcome.Tool, applied.PreviousVersion, applied.NewVersion, applied.Reason);
                            }
                            else
                            {
                                AutoApplyLog.NotApplied(_logger, outcome.Tool, outcome.Reason);
                            }
                        }

                        RunCompletedForTests?.Invoke(outcomes);
                    }
                    catch (Exception e) when (e is ToolCatalogException or NpgsqlException or TimeoutException)
                    {
                        // The database away, a tool changed meanwhile: logged; the next interval tries again.
                        AutoApplyLog.RunFailed(_logger, e.GetType().Name, e.Message, _options.Interval);
                        RunCompletedForTests?.Invoke([]);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped.
            }
        }
    }
}

/// <summary>Automatic apply's log messages (event ids 5170–5179).</summary>
internal static partial class AutoApplyLog
{
    [LoggerMessage(EventId = 5170, Level = LogLevel.Information, Message = "Telemetry auto-apply: runs every {Interval} for tools {Tools}")]
    public static partial void Started(ILogger logger, string tools, TimeSpan interval);

    [LoggerMessage(EventId = 5171, Level = LogLevel.Information, Message = "Telemetry auto-apply: tool '{Tool}' {FromVersion} -> {ToVersion}: {Reason}")]
    public static partial void Applied(ILogger logger, string tool, string fromVersion, string toVersion, string reason);

    [LoggerMessage(EventId = 5172, Level = LogLevel.Debug, Message = "Telemetry auto-apply: tool '{Tool}' left alone: {Reason}")]
    public static partial void NotApplied(ILogger logger, string tool, string reason);

    [LoggerMessage(EventId = 5173, Level = LogLevel.Warning, Message = "Telemetry auto-apply: the run failed ({ErrorType}: {Error}); next run in {Interval}")]
    public static partial void RunFailed(ILogger logger, string errorType, string error, TimeSpan interval);
}
