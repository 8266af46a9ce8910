namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>
/// Records executions for the catalog's telemetry without slowing the caller: <see cref="Record"/> puts the record in a
/// bounded in-memory buffer and returns; a background writer sends batches to PostgreSQL with binary COPY, retries them
/// while the database is away, and flushes what is left when the host stops. Registered by <c>AddToolCatalog</c>.
/// </summary>
public interface ITelemetryRecorder
{
    /// <summary>
    /// Buffers <paramref name="record"/> for writing. Never blocks and never throws: a record that does not fit (the
    /// buffer is full, or the recorder has no database or has stopped) is dropped, counted in
    /// <see cref="Counts"/> and the <c>toolcatalog.telemetry.dropped</c> metric, and logged.
    /// </summary>
    /// <returns>Whether the record was buffered.</returns>
    bool Record(in ExecutionRecord record);

    /// <summary>Writes everything buffered so far (retrying while the database is away) and returns when it is written or <paramref name="cancellationToken"/> fires.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>What the recorder has done so far.</summary>
    TelemetryCounts Counts { get; }
}

/// <summary>What a telemetry recorder has done since it started.</summary>
/// <param name="Recorded">Records buffered by <see cref="ITelemetryRecorder.Record"/>.</param>
/// <param name="Dropped">Records refused by <see cref="ITelemetryRecorder.Record"/> (buffer full, no database, stopped).</param>
/// <param name="Written">Records written to the database.</param>
/// <param name="Unmatched">Records the database refused because no stored tool version, capability and pattern has their names (logged with the names).</param>
/// <param name="Buffered">Records waiting to be written.</param>
/// <param name="FailedWrites">Batch writes that failed and were retried.</param>
public readonly record struct TelemetryCounts(long Recorded, long Dropped, long Written, long Unmatched, long Buffered, long FailedWrites);
