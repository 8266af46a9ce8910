using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// Evaluates every running experiment (<see cref="ToolCatalogStore.EvaluateExperimentAsync"/>) every
/// <see cref="ExperimentMonitorOptions.Interval"/> on the host's <see cref="TimeProvider"/>, until stopped. Does nothing
/// when not enabled or the catalog has no database. A failed evaluation is logged; the others go on, and the next run
/// comes at the next interval. <see cref="RunOnceAsync"/> is one run, callable directly.
/// </summary>
internal sealed class ExperimentMonitor : IAsyncDisposable
{
    private readonly ToolCatalogStore? _store;
    private readonly ExperimentMonitorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public ExperimentMonitor(ToolCatalogStore? store, ExperimentMonitorOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Raised after each periodic run with what it did (tests wait on it).</summary>
    internal event Action<IReadOnlyList<ExperimentEvaluation>>? RunCompletedForTests;

    /// <summary>Whether runs are scheduled.</summary>
    public bool IsActive => _loop is not null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled || _store is null || _loop is not null)
        {
            return Task.CompletedTask;
        }

        _stop = new CancellationTokenSource();
        var timer = new PeriodicTimer(_options.Interval, _time);
        _loop = RunAsync(timer, _stop.Token);
        ExperimentMonitorLog.Started(_logger, _options.Interval);
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

    /// <summary>Evaluates every running experiment once and acts on each.</summary>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The evaluations that succeeded.</returns>
    public async Task<IReadOnlyList<ExperimentEvaluation>> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return [];
        }

        var evaluations = new List<ExperimentEvaluation>();
        foreach (var experiment in await _store.ListExperimentsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (experiment.State != ExperimentState.Running)
            {
                continue;
            }

            try
            {
                var evaluation = await _store.EvaluateExperimentAsync(experiment.Name, null, cancellationToken).ConfigureAwait(false);
                evaluations.Add(evaluation);
                if (evaluation.Action != ExperimentAction.None)
                {
                    ExperimentMonitorLog.Acted(_logger, experiment.Name, evaluation.Action.ToString(), evaluation.Results.Reason);
                }
                else if (evaluation.Results.Decision == ExperimentDecision.Blocked)
                {
                    ExperimentMonitorLog.Blocked(_logger, experiment.Name, evaluation.Results.Reason);
                }
            }
            catch (Exception e) when (e is ToolCatalogException or NpgsqlException or TimeoutException or ArgumentException)
            {
                ExperimentMonitorLog.EvaluationFailed(_logger, experiment.Name, e.GetType().Name, e.Message);
            }
        }

        return evaluations;
    }

    private async Task RunAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        using (timer)
        {
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    IReadOnlyList<ExperimentEvaluation> evaluations = [];
                    try
                    {
                        evaluations = await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is ToolCatalogException or NpgsqlException or TimeoutException)
                    {
                        ExperimentMonitorLog.RunFailed(_logger, e.GetType().Name, e.Message, _options.Interval);
                    }

                    RunCompletedForTests?.Invoke(evaluations);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped.
            }
        }
    }
}

/// <summary>The experiment monitor's log messages (event ids 5180–5189).</summary>
internal static partial class ExperimentMonitorLog
{
    [LoggerMessage(EventId = 5180, Level = LogLevel.Information, Message = "Experiment monitor: evaluates running experiments every {Interval}")]
    public static partial void Started(ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = 5181, Level = LogLevel.Warning, Message = "Experiment monitor: experiment '{Experiment}' {Action}: {Reason}")]
    public static partial void Acted(ILogger logger, string experiment, string action, string reason);

    [LoggerMessage(EventId = 5182, Level = LogLevel.Warning, Message = "Experiment monitor: experiment '{Experiment}' is blocked: {Reason}")]
    public static partial void Blocked(ILogger logger, string experiment, string reason);

    [LoggerMessage(EventId = 5183, Level = LogLevel.Warning, Message = "Experiment monitor: evaluating experiment '{Experiment}' failed ({ErrorType}: {Error})")]
    public static partial void EvaluationFailed(ILogger logger, string experiment, string errorType, string error);

    [LoggerMessage(EventId = 5184, Level = LogLevel.Warning, Message = "Experiment monitor: the run failed ({ErrorType}: {Error}); next run in {Interval}")]
    public static partial void RunFailed(ILogger logger, string errorType, string error, TimeSpan interval);
}
