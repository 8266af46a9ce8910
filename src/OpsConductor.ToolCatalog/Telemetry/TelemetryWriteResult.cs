namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>What a batch write of execution records (<c>ToolCatalogStore.WriteTelemetryAsync</c>) did.</summary>
/// <param name="Written">Records written.</param>
/// <param name="Unmatched">The positions (in the batch given) of the records whose tool, version, capability or pattern matched no stored pattern; not written.</param>
public sealed record TelemetryWriteResult(int Written, IReadOnlyList<int> Unmatched);
