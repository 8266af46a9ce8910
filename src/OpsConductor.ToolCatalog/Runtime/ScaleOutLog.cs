using Microsoft.Extensions.Logging;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>The runtime's log messages for following a management server and reading a replica (event ids 5050–5059). Never logs keys or connection strings.</summary>
internal static partial class ScaleOutLog
{
    [LoggerMessage(EventId = 5050, Level = LogLevel.Information, Message = "Tool catalog following {Server} from revision {Revision}")]
    public static partial void Following(ILogger logger, Uri server, long revision);

    [LoggerMessage(EventId = 5051, Level = LogLevel.Warning, Message = "Tool catalog server {Server} unavailable: {Reason}; retrying in {RetryMilliseconds:0} ms (failure {Failures}), still serving {Source} revision {Revision}")]
    public static partial void ServerUnavailable(ILogger logger, Uri server, string reason, double retryMilliseconds, int failures, CatalogSource source, long revision);

    [LoggerMessage(EventId = 5052, Level = LogLevel.Error, Message = "Tool catalog server {Server} refused this catalog: {Reason} Retrying in {RetryMilliseconds:0} ms")]
    public static partial void ServerRefused(ILogger logger, Uri server, string reason, double retryMilliseconds);

    [LoggerMessage(EventId = 5053, Level = LogLevel.Warning, Message = "Tool catalog change feed of {Server}: revision {Revision} follows {Previous}, but the catalog holds {Held}; reloading the whole catalog")]
    public static partial void FeedGap(ILogger logger, Uri server, long revision, long previous, long held);

    [LoggerMessage(EventId = 5054, Level = LogLevel.Information, Message = "Tool catalog server {Server} asked for a reload ({Reason}) at revision {Held}; reloading the whole catalog")]
    public static partial void ReloadAsked(ILogger logger, Uri server, string reason, long held);

    [LoggerMessage(EventId = 5055, Level = LogLevel.Debug, Message = "Tool catalog read replica at revision {ReadRevision}, behind the noticed revision {NoticedRevision}; reading again in {RetryMilliseconds:0} ms")]
    public static partial void ReplicaBehind(ILogger logger, long readRevision, long noticedRevision, double retryMilliseconds);

    [LoggerMessage(EventId = 5056, Level = LogLevel.Warning, Message = "Tool catalog read replica still at revision {ReadRevision} after {Milliseconds:0} ms, behind the noticed revision {NoticedRevision}; serving it, the next notice or safety poll catches up")]
    public static partial void ReplicaLagging(ILogger logger, long readRevision, long noticedRevision, double milliseconds);
}
