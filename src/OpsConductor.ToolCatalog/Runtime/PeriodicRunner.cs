using Npgsql;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// The lifecycle shared by the catalog's periodic jobs (automatic apply of estimate recommendations, the experiment
/// monitor): started by the host when <see cref="CanRun"/>, one run every <see cref="Interval"/> on the host's
/// <see cref="TimeProvider"/> (the timer is made before <see cref="StartAsync"/> returns, so time advanced after start
/// is seen), a run that fails on the database or the catalog (<see cref="ToolCatalogException"/>,
/// <see cref="NpgsqlException"/>, <see cref="TimeoutException"/>) handed to <see cref="OnRunFailed"/> with the next run
/// at the next interval, and stopped by the host or by disposal.
/// </summary>
/// <typeparam name="TResult">What one run reports (tests wait on it through <see cref="RunCompletedForTests"/>).</typeparam>
internal abstract class PeriodicRunner<TResult> : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private CancellationTokenSource? _stop;
    private Task? _loop;

    protected PeriodicRunner(TimeProvider? time) => _time = time ?? TimeProvider.System;

    /// <summary>Raised after each periodic run with what it did, or with the failure's result (tests wait on it).</summary>
    internal event Action<TResult>? RunCompletedForTests;

    /// <summary>Whether runs are scheduled.</summary>
    public bool IsActive => _loop is not null;

    /// <summary>The time between runs.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>Whether there is anything to run (enabled, and a database to run on).</summary>
    protected abstract bool CanRun { get; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!CanRun || _loop is not null)
        {
            return Task.CompletedTask;
        }

        _stop = new CancellationTokenSource();
        var timer = new PeriodicTimer(Interval, _time);
        _loop = RunLoopAsync(timer, _stop.Token);
        OnStarted();
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

    /// <summary>Logs that runs are scheduled.</summary>
    protected abstract void OnStarted();

    /// <summary>One scheduled run.</summary>
    protected abstract Task<TResult> RunScheduledAsync(CancellationToken cancellationToken);

    /// <summary>Logs a failed run and says what to report for it.</summary>
    protected abstract TResult OnRunFailed(Exception failure);

    private async Task RunLoopAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        using (timer)
        {
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    TResult result;
                    try
                    {
                        result = await RunScheduledAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is ToolCatalogException or NpgsqlException or TimeoutException)
                    {
                        // The database away, a tool changed meanwhile: logged; the next interval tries again.
                        result = OnRunFailed(e);
                    }

                    RunCompletedForTests?.Invoke(result);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped.
            }
        }
    }
}
