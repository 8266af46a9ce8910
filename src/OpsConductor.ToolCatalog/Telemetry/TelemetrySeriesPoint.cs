namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>
/// One time bucket of one capability and pattern of a tool (every version together), as
/// <c>ToolCatalogStore.GetTelemetrySeriesAsync</c> reports it: the estimate against the actual time over time.
/// </summary>
public sealed record TelemetrySeriesPoint
{
    /// <summary>The capability's name.</summary>
    public required string Capability { get; init; }

    /// <summary>The pattern's name.</summary>
    public required string Pattern { get; init; }

    /// <summary>The start of the bucket (buckets are aligned on the series' start).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Executions in the bucket.</summary>
    public required long Count { get; init; }

    /// <summary>Executions in the bucket that succeeded.</summary>
    public required long Successes { get; init; }

    /// <summary>The median actual time of the bucket's executions, ms.</summary>
    public required double ActualP50Ms { get; init; }

    /// <summary>The median estimated time of the bucket's executions that carried an estimate above 0, ms; null if none did.</summary>
    public double? EstimatedP50Ms { get; init; }
}
