using Microsoft.Extensions.Logging;

namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>The sign-in and key logs (event ids 7400–7499). Never a key, a secret or a token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7400, Level = LogLevel.Information, Message = "API key {Name} (role {Role}, id {KeyId}) created by {Actor}")]
    public static partial void KeyCreated(ILogger logger, string name, string role, string keyId, string actor);

    [LoggerMessage(EventId = 7401, Level = LogLevel.Information, Message = "API key {Name} (id {KeyId}) revoked by {Actor}")]
    public static partial void KeyRevoked(ILogger logger, string name, string keyId, string actor);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Debug, Message = "An API key with id {KeyId} was refused: unknown, revoked or wrong")]
    public static partial void KeyRefused(ILogger logger, string keyId);

    [LoggerMessage(EventId = 7410, Level = LogLevel.Information, Message = "Request refused by the rate limit of {Partition}")]
    public static partial void RateLimited(ILogger logger, string partition);
}
