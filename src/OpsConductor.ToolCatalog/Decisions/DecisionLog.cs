using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Decisions;

/// <summary>A sampled decision on its way to the database: references only (the JSON is built on the writer).</summary>
internal readonly record struct DecisionEntry(
    string SelectionId,
    DateTimeOffset DecidedAt,
    SelectionRequest Request,
    IReadOnlyDictionary<string, double>? Variables,
    SelectionEvaluation Evaluation,
    RankedCandidate? Chosen,
    PolicyMode Policy);

/// <summary>
/// The catalog's <see cref="IDecisionLog"/>: decides on the caller's thread whether a decision is sampled (a field read
/// when off; a hash of the selection id, or a random draw, when on), and hands a sampled one to the shared non-blocking
/// write path (<see cref="BufferedBatchWriter{T}"/>), whose writers turn it into JSON and COPY it into
/// <c>tool_catalog.selection_decisions</c>.
/// </summary>
internal sealed class DecisionLog : BufferedBatchWriter<DecisionEntry>, IDecisionLog
{
    private readonly bool _enabled;
    private readonly double _rate;
    private readonly ulong _threshold;
    private readonly PolicyMode _policy;

    public DecisionLog(ToolCatalogStore? store, DecisionLogOptions options, SelectionOptions? selection = null, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
        : base(store, Settings(options), options.Enabled, timeProvider, logger, meterFactory, "toolcatalog.decisions", "{decision}", "Selection decision")
    {
        _enabled = options.Enabled && options.SampleRate > 0;
        _rate = options.SampleRate;
        _threshold = (ulong)Math.Min(options.SampleRate * 4294967296.0, 4294967296.0);
        _policy = selection?.PolicyMode ?? PolicyMode.Enforced;
    }

    /// <inheritdoc />
    public DecisionLogCounts Counts => new(Enqueued, Dropped, Written, Buffered, FailedWrites);

    /// <inheritdoc />
    public string? Record(SelectionRequest request, ToolSelectionResult result, string? selectionId = null) =>
        _enabled && Sampled(selectionId) ? Enqueue(request, result?.Evaluation, result?.Winner, selectionId) : null;

    /// <inheritdoc />
    public string? Record(SelectionRequest request, SelectionEvaluation evaluation, string? selectionId = null) =>
        _enabled && Sampled(selectionId) ? Enqueue(request, evaluation, evaluation is { Ranked.Count: > 0 } ? evaluation.Ranked[0] : null, selectionId) : null;

    /// <summary>Whether a decision with this id is in the sample: a hash of the id below the rate, or a random draw without one.</summary>
    internal bool Sampled(string? selectionId)
    {
        if (_rate >= 1)
        {
            return true;
        }

        if (selectionId is null)
        {
            return Random.Shared.NextDouble() < _rate;
        }

        // FNV-1a over the id's characters: the same id is always in or always out at a given rate, in every process.
        var hash = 2166136261u;
        foreach (var c in selectionId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash < _threshold;
    }

    /// <inheritdoc />
    protected override async Task<(long Written, long Unmatched)> WriteBatchAsync(List<DecisionEntry> batch, CancellationToken cancellationToken)
    {
        var rows = new List<DecisionRow>(batch.Count);
        foreach (var entry in batch)
        {
            rows.Add(DecisionJson.ToRow(entry));
        }

        return (await Store!.WriteDecisionsAsync(rows, cancellationToken).ConfigureAwait(false), 0);
    }

    /// <inheritdoc />
    protected override void LogDropped(long count, string reason, long total) => DecisionLogMessages.Dropped(Logger, count, reason, total);

    /// <inheritdoc />
    protected override void LogWriteFailed(int count, int attempt, Exception error, TimeSpan retry, int buffered) =>
        DecisionLogMessages.WriteFailed(Logger, count, attempt, error.GetType().Name, error.Message, retry.TotalMilliseconds, buffered);

    /// <inheritdoc />
    protected override void LogWritingAgain(int count, int attempt) => DecisionLogMessages.WritingAgain(Logger, count, attempt);

    /// <inheritdoc />
    protected override void LogLostAtShutdown(long count) => DecisionLogMessages.LostAtShutdown(Logger, count);

    /// <inheritdoc />
    protected override void LogPartitionUpkeepFailed(Exception error) => DecisionLogMessages.PartitionUpkeepFailed(Logger, error.GetType().Name, error.Message);

    private static BufferSettings Settings(DecisionLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new BufferSettings(options.Capacity, options.BatchSize, options.Writers, options.FlushInterval, options.RetryDelay, options.MaxRetryDelay);
    }

    private string? Enqueue(SelectionRequest? request, SelectionEvaluation? evaluation, RankedCandidate? chosen, string? selectionId)
    {
        if (RefusalReason("the decision log is disabled") is { } refused)
        {
            Drop(refused);
            return null;
        }

        if (request is null || evaluation is null)
        {
            Drop("a decision needs its request and the selector's result");
            return null;
        }

        var now = Time.GetUtcNow();
        var id = selectionId ?? Guid.CreateVersion7(now).ToString("N");

        // A context (the fast path) is the caller's to reuse: its values are copied now, by name.
        var variables = request.Context is { } context ? DecisionJson.Copy(context) : request.Variables;
        return TryEnqueue(new DecisionEntry(id, now, request, variables, evaluation, chosen, _policy)) ? id : null;
    }
}

/// <summary>The decision log's messages (event ids 5160–5169).</summary>
internal static partial class DecisionLogMessages
{
    [LoggerMessage(EventId = 5160, Level = LogLevel.Warning, Message = "Decision log: {Count} decision(s) dropped ({Reason}); {Total} dropped since start")]
    public static partial void Dropped(ILogger logger, long count, string reason, long total);

    [LoggerMessage(EventId = 5161, Level = LogLevel.Warning, Message = "Decision log: writing {Count} decision(s) failed (attempt {Attempt}: {ErrorType}: {Error}); retrying in {RetryMilliseconds:0} ms, {Buffered} more waiting")]
    public static partial void WriteFailed(ILogger logger, int count, int attempt, string errorType, string error, double retryMilliseconds, int buffered);

    [LoggerMessage(EventId = 5162, Level = LogLevel.Information, Message = "Decision log: {Count} decision(s) written after {Attempt} attempts")]
    public static partial void WritingAgain(ILogger logger, int count, int attempt);

    [LoggerMessage(EventId = 5163, Level = LogLevel.Warning, Message = "Decision log: {Count} decision(s) not written: the host stopped before they could be")]
    public static partial void LostAtShutdown(ILogger logger, long count);

    [LoggerMessage(EventId = 5164, Level = LogLevel.Warning, Message = "Decision log: the partitions for the coming months could not be checked ({ErrorType}: {Error}); decisions of a month without one wait in the default partition")]
    public static partial void PartitionUpkeepFailed(ILogger logger, string errorType, string error);
}
