using System.Globalization;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>Which audit rows <see cref="ToolCatalogStore.QueryAuditAsync"/> returns; every criterion is optional and they combine with AND.</summary>
public sealed record AuditQuery
{
    /// <summary>Every row.</summary>
    public static AuditQuery All { get; } = new();

    /// <summary>Only rows of this tool (exact name).</summary>
    public string? ToolName { get; init; }

    /// <summary>Only rows written by this actor (exact, as <see cref="AuditRecord.ChangedBy"/> holds it).</summary>
    public string? Actor { get; init; }

    /// <summary>
    /// Only rows of this action (exact: <c>created</c>, <c>published</c>, <c>updated</c>, <c>enabled</c>, <c>disabled</c>,
    /// <c>deprecated</c>, <c>rolled_back</c>, <c>deleted</c>, <c>hard_deleted</c>, <c>restored</c>, as <see cref="AuditRecord.Action"/> holds it).
    /// </summary>
    public string? Action { get; init; }

    /// <summary>Only rows written at or after this instant (inclusive).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only rows written before this instant (exclusive).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>What <see cref="TryParseInstant"/> accepts, for error messages.</summary>
    public const string InstantForms = "an ISO 8601 date or instant (such as 2026-12-02 or 2026-12-02T17:30:00Z)";

    /// <summary>
    /// Reads <see cref="From"/> or <see cref="To"/> as a person or a query string writes it: an ISO 8601 date or instant
    /// (<c>2026-12-02</c>, <c>2026-12-02T17:00:00Z</c>, <c>…+01:00</c>; no offset means UTC); null for an empty text. The
    /// REST API's <c>from</c>/<c>to</c> and the admin UI's audit filter read it so.
    /// </summary>
    /// <param name="text">The text; null or empty for no bound.</param>
    /// <param name="value">The instant, or null for an empty text.</param>
    /// <returns>False when <paramref name="text"/> is not one (<see cref="InstantForms"/> says what is).</returns>
    public static bool TryParseInstant(string? text, out DateTimeOffset? value)
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
