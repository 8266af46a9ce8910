using System.Globalization;

namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>The instants the audit list is filtered by, read once for the REST API and the admin UI alike.</summary>
internal static class Instants
{
    /// <summary>What an accepted instant looks like (for error messages).</summary>
    public const string Expected = "an ISO 8601 date or instant (such as 2026-12-02 or 2026-12-02T17:30:00Z)";

    /// <summary>
    /// An ISO 8601 instant (<c>2026-12-02</c>, <c>2026-12-02T17:00:00Z</c>, <c>…+01:00</c>; no offset means UTC); null for
    /// an empty text. False when <paramref name="text"/> is not one.
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (text.Length >= 10 && text.Length <= 40
            && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[3]) && text[4] == '-' && text[7] == '-'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }
}
