using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// Runs automatic apply of estimate recommendations (<see cref="TelemetryAutoApplyOptions"/>) every
/// <see cref="TelemetryAutoApplyOptions.Interval"/>, on the host's <see cref="TimeProvider"/>, until stopped. Does
/// nothing when it is not enabled, names no tool, or the catalog has no database. A failed run is logged and the next
/// one comes at the next interval.
/// </summary>
internal sealed class TelemetryAutoApplier : PeriodicRunner<IReadOnlyList<ToolCatalogStore.AutoApplyOutcome>>
{
    private readonly ToolCatalogStore? _store;
    private readonly TelemetryAutoApplyOptions _options;
    private readonly ILogger _logger;

    public TelemetryAutoApplier(ToolCatalogStore? store, TelemetryAutoApplyOptions options, TimeProvider? time = null, ILogger? logger = null)
        : base(time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    protected override TimeSpan Interval => _options.Interval;

    protected override bool CanRun => _options.Enabled && _options.Tools.Count > 0 && _store is not null;

    protected override void OnStarted()
    {
        var tools = string.Join(", ", _options.Tools);
        AutoApplyLog.Started(_logger, tools, _options.Interval);
    }

    protected override async Task<IReadOnlyList<ToolCatalogStore.AutoApplyOutcome>> RunScheduledAsync(CancellationToken cancellationToken)
    {
        var outcomes = await _store!.AutoApplyAsync(_options, cancellationToken).ConfigureAwait(false);
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

        return outcomes;
    }

    protected override IReadOnlyList<ToolCatalogStore.AutoApplyOutcome> OnRunFailed(Exception failure)
    {
        AutoApplyLog.RunFailed(_logger, failure.GetType().Name, failure.Message, _options.Interval);
        return [];
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
