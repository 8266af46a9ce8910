using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>Endpoints about the catalog as a whole: its revision and capabilities (from the snapshot) and the audit log (from the store).</summary>
internal static class CatalogEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/revision", GetRevision)
            .WithName("GetRevision")
            .WithSummary("The catalog's revision as this server's snapshot holds it.")
            .Produces<RevisionResponse>();

        api.MapGet("/capabilities", ListCapabilities)
            .WithName("ListCapabilities")
            .WithSummary("The capabilities that selectable tools (enabled and active) offer, by name, with how many tools offer each; paged.")
            .Produces<PageResponse<CapabilityResponse>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/capabilities/{name}/tools", ListCapabilityTools)
            .WithName("ListCapabilityTools")
            .WithSummary("The selectable tools offering a capability, by name, with the names of their patterns for it; paged.")
            .Produces<PageResponse<CapabilityToolResponse>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/audit", ListAudit)
            .WithName("ListAudit")
            .WithSummary("The audit log, newest first: who changed what, when, from where and why, with the field-by-field diff; filtered by tool, actor, action and time (from inclusive, to exclusive, ISO 8601); paged.")
            .Produces<PageResponse<AuditEntryResponse>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    /// <summary>
    /// A page of the audit log from the store (history is not in the snapshot), or the 400 naming the bad parameter:
    /// <c>from</c>/<c>to</c> not ISO 8601 or not in order, a bad <c>limit</c> or <c>cursor</c>.
    /// </summary>
    internal static async Task<IResult> AuditPageAsync(
        ToolCatalogStore store, ToolCatalogServerOptions options, string? tool, string? actor, string? action, string? from, string? to, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryRead(limit, cursor, AuditCursor, options, out var page, out var problem))
        {
            return problem!;
        }

        long? before = null;
        if (page.After is not null)
        {
            if (!long.TryParse(page.After, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return ApiProblems.BadRequest("The query parameter 'cursor' is not a cursor of this list: pass back the 'next_cursor' of the previous page unchanged.", "cursor");
            }

            before = id;
        }

        if (!TryReadInstant(from, "from", out var fromAt, out problem) || !TryReadInstant(to, "to", out var toAt, out problem))
        {
            return problem!;
        }

        if (fromAt is not null && toAt is not null && fromAt >= toAt)
        {
            return ApiProblems.BadRequest($"The query parameter 'from' ({ToolRepresentation.Echo(from!)}) must be earlier than 'to' ({ToolRepresentation.Echo(to!)}): the range is from inclusive, to exclusive.", "from");
        }

        if (!string.IsNullOrEmpty(action) && !AuditActions.All.Contains(action, StringComparer.Ordinal))
        {
            return ApiProblems.BadRequest(
                $"The query parameter 'action' ({ToolRepresentation.Echo(action)}) is not an action the audit log records: one of {string.Join(", ", AuditActions.All)}.", "action");
        }

        var query = new AuditQuery
        {
            ToolName = string.IsNullOrEmpty(tool) ? null : tool,
            Actor = string.IsNullOrEmpty(actor) ? null : actor,
            Action = string.IsNullOrEmpty(action) ? null : action,
            From = fromAt,
            To = toAt,
        };
        // A host may allow longer lists than the store pages; such a page is just shorter, its cursor still right.
        var result = await store.QueryAuditAsync(query, before, Math.Min(page.Limit, ToolCatalogStore.MaxPageSize), cancellationToken).ConfigureAwait(false);
        var items = result.Items.Select(static a => new AuditEntryResponse(
            a.Id,
            a.Revision,
            a.ToolName,
            a.Version,
            a.Action,
            JsonElement.Parse(a.Changes),
            a.ChangedBy,
            a.ChangedAt,
            a.Reason,
            a.IpAddress,
            a.UserAgent,
            JsonNamingPolicy.SnakeCaseLower.ConvertName(a.Content.ToString()))).ToList();
        return ToolRepresentation.Json(new PageResponse<AuditEntryResponse>(items, result.NextBefore is { } next ? Cursor.Encode(AuditCursor, next) : null));
    }

    private static Task<IResult> ListAudit(
        ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, string? tool, string? actor, string? action, string? from, string? to, string? limit, string? cursor, CancellationToken cancellationToken) =>
        AuditPageAsync(store, options.Value, tool, actor, action, from, to, limit, cursor, cancellationToken);

    /// <summary>An ISO 8601 instant (<c>2026-12-02</c>, <c>2026-12-02T17:00:00Z</c>, <c>…+01:00</c>; no offset means UTC).</summary>
    private static bool TryReadInstant(string? text, string field, out DateTimeOffset? value, out IResult? problem)
    {
        problem = null;
        if (AuditQuery.TryParseInstant(text, out value))
        {
            return true;
        }

        problem = ApiProblems.BadRequest(
            $"The query parameter '{field}' is not {AuditQuery.InstantForms}.", field);
        return false;
    }

    /// <summary>The cursor kind of the audit log (keyed by row id).</summary>
    public const string AuditCursor = "audit";

    /// <summary>The cursor kind of the capability list (keyed by capability name).</summary>
    public const string CapabilitiesCursor = "capabilities";

    private static readonly ConditionalWeakTable<CatalogSnapshot, string[]> CapabilityOrder = [];

    private static IResult ListCapabilities(IToolCatalog catalog, IOptions<ToolCatalogServerOptions> options, string? limit, string? cursor)
    {
        if (!PageRequest.TryRead(limit, cursor, CapabilitiesCursor, options.Value, out var page, out var problem))
        {
            return problem!;
        }

        var snapshot = catalog.Current;
        var names = CapabilityOrder.GetValue(snapshot, static s =>
        {
            string[] sorted = [.. s.CapabilityNames];
            Array.Sort(sorted, StringComparer.Ordinal);
            return sorted;
        });
        return ToolRepresentation.Json(Paging.Cut(names, static n => n, static _ => true, page, CapabilitiesCursor, n => new CapabilityResponse(n, Offering(snapshot, n).Count)));
    }

    private static IResult ListCapabilityTools(IToolCatalog catalog, IOptions<ToolCatalogServerOptions> options, string name, string? limit, string? cursor)
    {
        if (!PageRequest.TryRead(limit, cursor, ToolReadEndpoints.ToolsCursor, options.Value, out var page, out var problem))
        {
            return problem!;
        }

        var offering = Offering(catalog.Current, name);
        if (offering.Count == 0)
        {
            return ApiProblems.NotFound($"No selectable tool (enabled and active) offers the capability '{ToolRepresentation.Echo(name)}'.");
        }

        return ToolRepresentation.Json(Paging.Cut(offering, static o => o.Tool.Name, static _ => true, page, ToolReadEndpoints.ToolsCursor, static o =>
        {
            var tool = o.Tool.Definition;
            return new CapabilityToolResponse(tool.Name, tool.Version, tool.Description, tool.Platform, tool.Category, o.Patterns);
        }));
    }

    /// <summary>The tools offering <paramref name="capability"/> in the snapshot's index, by name, each with its patterns' names in file order.</summary>
    private static List<(CatalogTool Tool, List<string> Patterns)> Offering(CatalogSnapshot snapshot, string capability)
    {
        var byTool = new Dictionary<CatalogTool, List<string>>(ReferenceEqualityComparer.Instance);
        var result = new List<(CatalogTool Tool, List<string> Patterns)>();
        foreach (var pattern in snapshot.PatternsFor(capability))
        {
            if (!byTool.TryGetValue(pattern.Tool, out var patterns))
            {
                byTool[pattern.Tool] = patterns = [];
                result.Add((pattern.Tool, patterns));
            }

            patterns.Add(pattern.PatternName);
        }

        result.Sort(static (x, y) => string.CompareOrdinal(x.Tool.Name, y.Tool.Name));
        return result;
    }

    private static Ok<RevisionResponse> GetRevision(IToolCatalog catalog)
    {
        var snapshot = catalog.Current;
        return TypedResults.Ok(new RevisionResponse(snapshot.Revision, snapshot.Source.ToString().ToLowerInvariant(), snapshot.ToolCount, snapshot.LoadedAt));
    }
}

/// <summary>The body of <c>GET /api/v1/revision</c>.</summary>
/// <param name="Revision">The catalog revision of the snapshot the server reads from.</param>
/// <param name="Source">Where the snapshot came from (<c>database</c>, <c>yaml</c>, <c>none</c>).</param>
/// <param name="Tools">How many tools the snapshot holds.</param>
/// <param name="LoadedAt">When the snapshot was built.</param>
internal sealed record RevisionResponse(
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("tools")] int Tools,
    [property: JsonPropertyName("loaded_at")] DateTimeOffset LoadedAt);
