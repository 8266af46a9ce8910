using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.Decisions;

/// <summary>
/// Samples selection decisions into the decision log without slowing the caller (the telemetry recorder's path: a
/// bounded buffer, batched binary COPY by a background writer, retries while the database is away, a flush on stop).
/// The orchestrator calls <c>Record</c> after it selected; a logged decision holds everything
/// <see cref="DecisionReplay"/> needs to run the request again. Registered by <c>AddToolCatalog</c>; off until
/// <see cref="DecisionLogOptions.Enabled"/>.
/// </summary>
public interface IDecisionLog
{
    /// <summary>
    /// Logs the decision <paramref name="result"/> for <paramref name="request"/> when it is sampled. Never blocks and
    /// never throws: a sampled decision that does not fit (the buffer is full, no database, stopped) is dropped, counted
    /// in <see cref="Counts"/> and the <c>toolcatalog.decisions.dropped</c> metric, and logged.
    /// </summary>
    /// <param name="request">The request as given to the selector (its variables are read later, on the writer: do not change them).</param>
    /// <param name="result">What the selector answered.</param>
    /// <param name="selectionId">The orchestrator's id of this selection (pass the same to telemetry's <c>SelectionId</c>); a new id when null.</param>
    /// <returns>The id the decision was logged under, or null when it was not logged (not sampled, or dropped).</returns>
    string? Record(SelectionRequest request, ToolSelectionResult result, string? selectionId = null);

    /// <summary>
    /// Logs a selection that chose nothing (<see cref="ToolSelectionException"/>) or was only evaluated, when it is
    /// sampled; as <see cref="Record(SelectionRequest, ToolSelectionResult, string?)"/> otherwise.
    /// </summary>
    /// <param name="request">The request as given to the selector.</param>
    /// <param name="evaluation">The selector's evaluation (<see cref="ToolSelector.Evaluate"/>).</param>
    /// <param name="selectionId">The orchestrator's id of this selection; a new id when null.</param>
    /// <returns>The id the decision was logged under, or null when it was not logged.</returns>
    string? Record(SelectionRequest request, SelectionEvaluation evaluation, string? selectionId = null);

    /// <summary>Writes everything buffered so far (retrying while the database is away) and returns when it is written or <paramref name="cancellationToken"/> fires.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>What the log has done so far.</summary>
    DecisionLogCounts Counts { get; }
}

/// <summary>What a decision log has done since it started.</summary>
/// <param name="Logged">Sampled decisions buffered for writing.</param>
/// <param name="Dropped">Sampled decisions refused (buffer full, no database, stopped).</param>
/// <param name="Written">Decisions written to the database.</param>
/// <param name="Buffered">Decisions waiting to be written.</param>
/// <param name="FailedWrites">Batch writes that failed and were retried.</param>
public readonly record struct DecisionLogCounts(long Logged, long Dropped, long Written, long Buffered, long FailedWrites);
