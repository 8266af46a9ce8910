using Microsoft.Extensions.Logging;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>The runtime's log messages (event ids 5000–5099). Never logs connection strings or secrets.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Tool catalog now served from {Source}: {ToolCount} tools at revision {Revision} ({Origin})")]
    public static partial void SourceServed(ILogger logger, CatalogSource source, int toolCount, long revision, CatalogChangeOrigin origin);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Tool catalog fully reloaded from {Source}: {ToolCount} tools at revision {Revision}, {ChangeCount} changed ({Origin}, {Milliseconds:0.0} ms)")]
    public static partial void FullReload(ILogger logger, CatalogSource source, int toolCount, long revision, int changeCount, CatalogChangeOrigin origin, double milliseconds);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Tool catalog revision {FromRevision} → {ToRevision}: {ChangeCount} tool changes applied ({Origin}, {Milliseconds:0.0} ms)")]
    public static partial void ChangesApplied(ILogger logger, long fromRevision, long toRevision, int changeCount, CatalogChangeOrigin origin, double milliseconds);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Tool catalog listener connected (LISTEN {Channel}, backend process {ProcessId}); serving revision {Revision}")]
    public static partial void ListenerConnected(ILogger logger, string channel, int processId, long revision);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Tool catalog cannot reach the database ({Reason}); retrying in {RetryMilliseconds:0} ms (attempt {Attempt}); serving {Source} revision {Revision}")]
    public static partial void DatabaseUnreachable(ILogger logger, string reason, double retryMilliseconds, int attempt, CatalogSource source, long revision);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "The database has not been reachable since start: serving the YAML fallback {Path} ({ToolCount} tools) until it is")]
    public static partial void ServingYamlFallback(ILogger logger, string path, int toolCount);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "YAML catalog: {Problem}")]
    public static partial void YamlProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Debug, Message = "Notice for revision {NoticedRevision} while holding {HeldRevision}: {Missing} notice(s) missed or coalesced, catching up")]
    public static partial void RevisionGap(ILogger logger, long noticedRevision, long heldRevision, long missing);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "The change feed cannot answer for revision {HeldRevision} (database at {DatabaseRevision}): reloading the whole catalog")]
    public static partial void FeedGap(ILogger logger, long heldRevision, long databaseRevision);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Ignored a notice on channel {Channel} that is not a catalog notice: {Payload}")]
    public static partial void UnreadableNotice(ILogger logger, string channel, string payload);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Error, Message = "A handler of ToolCatalogRuntime.{Event} threw; the catalog carries on")]
    public static partial void HandlerFailed(ILogger logger, string @event, Exception exception);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Tool catalog {Operation} failed: {Reason}; still serving {Source} revision {Revision}")]
    public static partial void OperationFailed(ILogger logger, string operation, string reason, CatalogSource source, long revision);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "Tool '{ToolName}' reloaded from {Source}: {Change}")]
    public static partial void ToolReloaded(ILogger logger, string toolName, CatalogSource source, string change);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Error, Message = "Tool catalog synchronisation failed unexpectedly; retrying in {RetryMilliseconds:0} ms")]
    public static partial void UnexpectedFailure(ILogger logger, double retryMilliseconds, Exception exception);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Information, Message = "Tool catalog stopped at revision {Revision}")]
    public static partial void Stopped(ILogger logger, long revision);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Warning, Message = "Reloading the overlays of {Count} tenant(s) ({Tenants}) failed: {Reason}; their views keep serving what they hold and are retried on the next change")]
    public static partial void OverlayReloadFailed(ILogger logger, int count, string tenants, string reason);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Information, Message = "Loaded the overlays of {Count} active tenant(s) at revision {Revision}")]
    public static partial void TenantsLoaded(ILogger logger, int count, long revision);
}
