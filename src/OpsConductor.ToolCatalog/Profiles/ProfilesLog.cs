using Microsoft.Extensions.Logging;

namespace OpsConductor.ToolCatalog.Profiles;

/// <summary>The ProfileLoader facade's log messages (event ids 5100–5149).</summary>
internal static partial class ProfilesLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Debug, Message = "Profile cache invalidated for {Scope}")]
    public static partial void CacheInvalidated(ILogger logger, string scope);
}
