using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Admin.Catalog.Audit;

/// <summary>The audit viewer's filter as typed (every field optional; they combine with AND).</summary>
internal sealed class AuditFilterForm
{
    public string Tool { get; set; } = "";

    public string Actor { get; set; } = "";

    /// <summary>An action (<see cref="AuditViewer.Actions"/>), or empty for any.</summary>
    public string Action { get; set; } = "";

    /// <summary>From (inclusive), ISO 8601.</summary>
    public string From { get; set; } = "";

    /// <summary>To (exclusive), ISO 8601.</summary>
    public string To { get; set; } = "";
}

/// <summary>A filter turned into the store's query, or the errors by field (<c>from</c>, <c>to</c>, <c>action</c>).</summary>
internal sealed record AuditFilter(AuditQuery? Query, IReadOnlyDictionary<string, string> Errors);

/// <summary>One field of an audit entry's diff: its path and its old and new values as JSON text (null: absent).</summary>
internal sealed record AuditFieldChange(string Path, string? Old, string? New);

/// <summary>
/// The audit viewer's logic: the filter → the store's <see cref="AuditQuery"/> (the same query and cursor as the
/// API's <c>GET /api/v1/audit</c>: newest first, keyset pages on the row id), and an entry's stored diff → rows of
/// field, old and new. Secrets are already masked in the diff the store gives (it masks them when it writes the row).
/// </summary>
internal static class AuditViewer
{
    /// <summary>How many entries a page shows.</summary>
    public const int PageSize = 25;

    /// <summary>The actions the audit log records.</summary>
    public static IReadOnlyList<string> Actions => AuditActions.All;

    private static readonly JsonSerializerOptions ValueJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The store's query for <paramref name="form"/>, or why it is not one (the API's rules for from and to).</summary>
    public static AuditFilter ToQuery(AuditFilterForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!AuditQuery.TryParseInstant(form.From.Trim(), out var from))
        {
            errors["from"] = $"From '{form.From}' is not {AuditQuery.InstantForms}.";
        }

        if (!AuditQuery.TryParseInstant(form.To.Trim(), out var to))
        {
            errors["to"] = $"To '{form.To}' is not {AuditQuery.InstantForms}.";
        }

        if (from is not null && to is not null && from >= to)
        {
            errors["from"] = $"From ({form.From.Trim()}) must be earlier than To ({form.To.Trim()}): the range is from inclusive, to exclusive.";
        }

        var action = form.Action.Trim();
        if (action.Length > 0 && !Actions.Contains(action, StringComparer.Ordinal))
        {
            errors["action"] = $"Action '{action}' is not one the audit log records: one of {string.Join(", ", Actions)}.";
        }

        return errors.Count > 0
            ? new AuditFilter(null, errors)
            : new AuditFilter(
                new AuditQuery
                {
                    ToolName = Blank(form.Tool),
                    Actor = Blank(form.Actor),
                    Action = action.Length == 0 ? null : action,
                    From = from,
                    To = to,
                },
                errors);
    }

    /// <summary>An entry's diff (<c>{"path": {"old": …, "new": …}}</c>) as rows; a value that is not such a pair shows whole as the new value.</summary>
    public static IReadOnlyList<AuditFieldChange> Diff(string changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(changes);
        }
        catch (JsonException)
        {
            return [new AuditFieldChange("(changes)", null, changes)];
        }

        if (parsed is not JsonObject fields)
        {
            return [new AuditFieldChange("(changes)", null, Text(parsed))];
        }

        return [.. fields.Select(static f => f.Value is JsonObject pair && pair.ContainsKey("new") && pair.Count <= 2 && (pair.Count == 1 || pair.ContainsKey("old"))
            ? new AuditFieldChange(f.Key, Text(pair["old"]), Text(pair["new"]))
            : new AuditFieldChange(f.Key, null, Text(f.Value)))];
    }

    private static string? Text(JsonNode? node) => node?.ToJsonString(ValueJson);

    private static string? Blank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
