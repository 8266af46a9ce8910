using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// The catalog's <see cref="ITelemetryRecorder"/>: the shared non-blocking write path (<see cref="BufferedBatchWriter{T}"/>:
/// a bounded channel the callers write to without waiting, <see cref="TelemetryOptions.Writers"/> background loops that
/// drain it in batches, retries while the database is away, a flush on stop) over
/// <see cref="ToolCatalogStore.WriteTelemetryAsync"/> (binary COPY, one connection each).
/// </summary>
internal sealed class TelemetryRecorder : BufferedBatchWriter<ExecutionRecord>, ITelemetryRecorder
{
    public TelemetryRecorder(ToolCatalogStore? store, TelemetryOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
        : base(
            store,
            Settings(options),
            options.Enabled,
            timeProvider,
            logger,
            meterFactory,
            "toolcatalog.telemetry",
            "{record}",
            "Execution record")
    {
        Meter?.CreateObservableCounter("toolcatalog.telemetry.unmatched", () => Unmatched, "{record}", "Execution records whose tool, version, capability or pattern matched nothing stored.");
    }

    /// <inheritdoc />
    public TelemetryCounts Counts => new(Enqueued, Dropped, Written, Unmatched, Buffered, FailedWrites);

    /// <inheritdoc />
    public bool Record(in ExecutionRecord record)
    {
        if (RefusalReason("telemetry is disabled") is { } refused)
        {
            Drop(refused);
            return false;
        }

        if (!ExecutionRecordRules.HasNamesAndTime(record))
        {
            Drop("a record needs a tool, capability and pattern and an actual time from 0 to 2^31 - 1 ms");
            return false;
        }

        var stamped = record.ExecutedAt == default ? record with { ExecutedAt = Time.GetUtcNow() } : record;
        return TryEnqueue(stamped);
    }

    /// <inheritdoc />
    protected override async Task<(long Written, long Unmatched)> WriteBatchAsync(List<ExecutionRecord> batch, CancellationToken cancellationToken)
    {
        // What the table cannot hold (text with a NUL character or a lone surrogate) is dropped and counted here, off
        // the callers' path, so that one such record never blocks its batch.
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            if (ExecutionRecordRules.Problem(batch[i]) is { } problem)
            {
                batch.RemoveAt(i);
                Discard(problem);
            }
        }

        if (batch.Count == 0)
        {
            return (0, 0);
        }

        var result = await Store!.WriteCheckedTelemetryAsync(batch, cancellationToken).ConfigureAwait(false);
        if (result.Unmatched.Count > 0)
        {
            var first = batch[result.Unmatched[0]];
            TelemetryLog.Unmatched(Logger, result.Unmatched.Count, batch.Count, first.Tool, first.Version ?? "(latest)", first.Capability, first.Pattern);
        }

        return (result.Written, result.Unmatched.Count);
    }

    /// <inheritdoc />
    protected override void LogDropped(long count, string reason, long total) => TelemetryLog.Dropped(Logger, count, reason, total);

    /// <inheritdoc />
    protected override void LogWriteFailed(int count, int attempt, Exception error, TimeSpan retry, int buffered) =>
        TelemetryLog.WriteFailed(Logger, count, attempt, error.GetType().Name, error.Message, retry.TotalMilliseconds, buffered);

    /// <inheritdoc />
    protected override void LogWritingAgain(int count, int attempt) => TelemetryLog.WritingAgain(Logger, count, attempt);

    /// <inheritdoc />
    protected override void LogLostAtShutdown(long count) => TelemetryLog.LostAtShutdown(Logger, count);

    /// <inheritdoc />
    protected override void LogPartitionUpkeepFailed(Exception error) => TelemetryLog.PartitionUpkeepFailed(Logger, error.GetType().Name, error.Message);

    private static BufferSettings Settings(TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new BufferSettings(options.Capacity, options.BatchSize, options.Writers, options.FlushInterval, options.RetryDelay, options.MaxRetryDelay);
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
