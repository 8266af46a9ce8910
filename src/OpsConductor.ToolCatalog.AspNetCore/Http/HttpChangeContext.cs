using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>The audit facts of a write made through the API: who (the signed-in principal), from where and with what.</summary>
internal static class HttpChangeContext
{
    /// <summary>The header a caller may use to say why it makes a change (kept in the audit row).</summary>
    public const string ReasonHeader = "X-Change-Reason";

    /// <summary>
    /// The change context of <paramref name="http"/>'s request: the actor is the principal's name (an API key's
    /// <c>key:NAME</c>, a token's subject), the IP address the connection's, the user agent and reason the headers'.
    /// </summary>
    public static ChangeContext From(HttpContext http, string? reason = null) => new()
    {
        Actor = ActorOf(http.User),
        IpAddress = http.Connection.RemoteIpAddress,
        UserAgent = Truncate(http.Request.Headers.UserAgent.ToString(), 512),
        Reason = Truncate(reason ?? http.Request.Headers[ReasonHeader].ToString(), 1000),
    };

    /// <summary>The name the audit log records for <paramref name="user"/>.</summary>
    public static string ActorOf(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "anonymous";

    private static string? Truncate(string? value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}
