using Microsoft.Extensions.Logging;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>The storage feature's log messages (event ids 4000–4099). Never logs connection strings or secrets.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Schema migration lock acquired after {WaitMilliseconds:0.0} ms")]
    public static partial void MigrationLockAcquired(ILogger logger, double waitMilliseconds);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Applied schema migration {Version:D4}_{Name} in {Milliseconds:0.0} ms")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, double milliseconds);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "The database has migration {Version:D4}_{Name}, which this library does not know: it was written by a newer version")]
    public static partial void UnknownMigration(ILogger logger, int version, string name);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Catalog write {Operation} of tool {ToolName} committed at revision {Revision}")]
    public static partial void WriteCommitted(ILogger logger, string operation, string toolName, long revision);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Catalog write {Operation} of tool {ToolName} refused: {Reason}")]
    public static partial void WriteRefused(ILogger logger, string operation, string toolName, string reason);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Import of {Count} tools committed at revision {Revision} in {Milliseconds:0} ms ({New} new tools, {NewVersions} new versions, {Unchanged} unchanged)")]
    public static partial void ImportCommitted(ILogger logger, int count, long revision, double milliseconds, int @new, int newVersions, int unchanged);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Debug, Message = "Import of {Count} tools, where the time went: storage rules {CheckMilliseconds:0} ms, connection and revision {BeginMilliseconds:0} ms, planning {PlanMilliseconds:0} ms, ids {IdsMilliseconds:0} ms, version rows {RowsMilliseconds:0} ms, waiting for audit rows {AuditWaitMilliseconds:0} ms, audit rows, change feed, notification and commit {FinishMilliseconds:0} ms")]
    public static partial void ImportPhases(ILogger logger, int count, double checkMilliseconds, double beginMilliseconds, double planMilliseconds, double idsMilliseconds, double rowsMilliseconds, double auditWaitMilliseconds, double finishMilliseconds);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "Import of {Count} tools not applied: {Refused} refused")]
    public static partial void ImportRefused(ILogger logger, int count, int refused);
}
