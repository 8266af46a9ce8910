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
internal sealed class ExperimentMonitor : PeriodicRunner<IReadOnlyList<ExperimentEvaluation>>
{
    private readonly ToolCatalogStore? _store;
    private readonly ExperimentMonitorOptions _options;
    private readonly ILogger _logger;

    public ExperimentMonitor(ToolCatalogStore? store, ExperimentMonitorOptions options, TimeProvider? time = null, ILogger? logger = null)
        : base(time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    protected override TimeSpan Interval => _options.Interval;

    protected override bool CanRun => _options.Enabled && _store is not null;

    protected override void OnStarted() => ExperimentMonitorLog.Started(_logger, _options.Interval);

    protected override Task<IReadOnlyList<ExperimentEvaluation>> RunScheduledAsync(CancellationToken cancellationToken) => RunOnceAsync(cancellationToken);

    protected override IReadOnlyList<ExperimentEvaluation> OnRunFailed(Exception failure)
    {
        ExperimentMonitorLog.RunFailed(_logger, failure.GetType().Name, failure.Message, _options.Interval);
        return [];
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
