using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>
/// The entity tag of a tool: a strong tag over its whole document, state included (<see cref="ToolJson.ToJson"/>), so it
/// changes with any field, version, status or enabled flag, and stays the same while the tool does. Computed once per
/// tool definition (definitions are immutable and shared by the snapshot).
/// </summary>
/// <remarks>
/// A write that carries <c>If-Match</c> compares it with the tag of the tool in the server's snapshot and then writes
/// with <c>ChangeContext.ExpectedRevision</c> = that snapshot's revision, so the store refuses it, inside its
/// transaction, if the tool changed after what the client saw: never a lost update, even when the snapshot lags.
/// </remarks>
internal static class ToolETag
{
    private static readonly ConditionalWeakTable<ToolDefinition, string> Tags = [];

    /// <summary>The quoted tag, as the <c>ETag</c> header carries it.</summary>
    public static string Of(ToolDefinition tool) => Tags.GetValue(tool, static t =>
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ToolJson.ToJson(t, indented: false)));
        return "\"" + Convert.ToHexStringLower(hash.AsSpan(0, 12)) + "\"";
    });

    /// <summary>
    /// Whether an <c>If-Match</c> header value matches <paramref name="tool"/>'s tag: <c>*</c> matches any existing tool; a
    /// list matches if one entry does; weak tags (<c>W/"…"</c>) never match (RFC 9110 strong comparison).
    /// </summary>
    public static bool Matches(string ifMatch, ToolDefinition tool)
    {
        var tag = Of(tool);
        foreach (var part in ifMatch.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "*" || string.Equals(part, tag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
