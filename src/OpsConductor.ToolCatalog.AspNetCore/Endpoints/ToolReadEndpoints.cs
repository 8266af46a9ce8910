using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>
/// The reads of tools: lists (filtered, searched, by platform or category), one tool with its <c>ETag</c>, its versions.
/// Everything but the history comes from the server's in-memory snapshot (<see cref="IToolCatalog.Current"/>), one
/// snapshot per request; versions come from the store, which keeps the history.
/// </summary>
internal static class ToolReadEndpoints
{
    /// <summary>The cursor kind of every list of tools (keyed by tool name).</summary>
    public const string ToolsCursor = "tools";

    /// <summary>The cursor kind of a tool's versions (keyed by version row id).</summary>
    public const string VersionsCursor = "versions";

    /// <summary>The longest <c>q</c> a search takes.</summary>
    public const int MaxQueryLength = 200;

    private static readonly ConditionalWeakTable<CatalogSnapshot, CatalogTool[]> NameOrder = [];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tools", ListTools)
            .WithName("ListTools")
            .WithSummary("Lists the catalog's tools (latest versions) by name, filtered by platform, category, status, enabled, capability or tag; paged.")
            .Produces<PageResponse<ToolSummaryResponse>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/tools/search", SearchTools)
            .WithName("SearchTools")
            .WithSummary("Finds tools whose name, description, platform, category, capability names or tags contain q (case-insensitive); paged by name.")
            .Produces<PageResponse<ToolSummaryResponse>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/tools/platform/{platform}", ListByPlatform)
            .WithName("ListToolsByPlatform")
            .WithSummary("Lists the tools of one platform (exact name); paged.")
            .Produces<PageResponse<ToolSummaryResponse>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/tools/category/{category}", ListByCategory)
            .WithName("ListToolsByCategory")
            .WithSummary("Lists the tools of one category (exact name); paged.")
            .Produces<PageResponse<ToolSummaryResponse>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/tools/{name}", GetTool)
            .WithName("GetTool")
            .WithSummary("One tool's latest version: its whole document (the tool file's fields as JSON, state included; secrets masked), with an ETag; If-None-Match gives 304. include_secrets=true (admins only, else 403) shows secret values.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .Produces<JsonElement>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/tools/{name}/versions", ListVersions)
            .WithName("ListToolVersions")
            .WithSummary("Every version of a tool ever stored (soft-deleted ones included), oldest first; paged.")
            .Produces<PageResponse<ToolVersionResponse>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/tools/{name}/versions/{version}", GetVersion)
            .WithName("GetToolVersion")
            .WithSummary("One stored version of a tool: its whole document (secrets masked), with an ETag; If-None-Match gives 304. include_secrets=true (admins only, else 403) shows secret values.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .Produces<JsonElement>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/tools/{name}/audit", ListToolAudit)
            .WithName("ListToolAudit")
            .WithSummary("A tool's audit trail, newest first (GET /audit?tool={name}), filtered by actor, action and time; paged.")
            .Produces<PageResponse<AuditEntryResponse>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static Task<IResult> ListToolAudit(
        ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, string name, string? actor, string? action, string? from, string? to, string? limit, string? cursor, CancellationToken cancellationToken) =>
        CatalogEndpoints.AuditPageAsync(store, options.Value, name, actor, action, from, to, limit, cursor, cancellationToken);

    /// <summary>The snapshot's tools ordered by name (ordinal): the snapshot's own order for a database catalog, a sorted copy (kept per snapshot) for a file catalog.</summary>
    public static IReadOnlyList<CatalogTool> ByName(CatalogSnapshot snapshot) =>
        !snapshot.KeepsFileOrder
            ? snapshot.Tools
            : NameOrder.GetValue(snapshot, static s =>
            {
                CatalogTool[] sorted = [.. s.Tools];
                Array.Sort(sorted, static (x, y) => string.CompareOrdinal(x.Name, y.Name));
                return sorted;
            });

    private static IResult ListTools(
        IToolCatalog catalog,
        IOptions<ToolCatalogServerOptions> options,
        string? platform,
        string? category,
        string? status,
        string? enabled,
        string? capability,
        string? tag,
        string? limit,
        string? cursor)
    {
        if (!PageRequest.TryRead(limit, cursor, ToolsCursor, options.Value, out var page, out var problem))
        {
            return problem!;
        }

        // An empty filter (?platform=) is no filter, as a form leaves it.
        platform = NullIfEmpty(platform);
        category = NullIfEmpty(category);
        status = NullIfEmpty(status);
        enabled = NullIfEmpty(enabled);
        capability = NullIfEmpty(capability);
        tag = NullIfEmpty(tag);
        ToolStatus? wantedStatus = null;
        if (status is not null)
        {
            if (!ToolStatusNames.TryParse(status, out var parsed))
            {
                return ApiProblems.BadRequest($"The query parameter 'status' is '{ToolRepresentation.Echo(status)}': it must be one of {string.Join(", ", ToolStatusNames.All)}.", "status");
            }

            wantedStatus = parsed;
        }

        bool? wantedEnabled = null;
        if (enabled is not null)
        {
            if (!bool.TryParse(enabled, out var parsed))
            {
                return ApiProblems.BadRequest($"The query parameter 'enabled' is '{ToolRepresentation.Echo(enabled)}': it must be true or false.", "enabled");
            }

            wantedEnabled = parsed;
        }

        return Tools(catalog, page, tool =>
            (platform is null || string.Equals(tool.Platform, platform, StringComparison.Ordinal))
            && (category is null || string.Equals(tool.Category, category, StringComparison.Ordinal))
            && (wantedStatus is null || tool.Status == wantedStatus)
            && (wantedEnabled is null || tool.Enabled == wantedEnabled)
            && (capability is null || tool.FindCapability(capability) is not null)
            && (tag is null || tool.Tags.Contains(tag, StringComparer.Ordinal)));
    }

    private static IResult SearchTools(IToolCatalog catalog, IOptions<ToolCatalogServerOptions> options, string? q, string? limit, string? cursor)
    {
        var text = q?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return ApiProblems.BadRequest("The query parameter 'q' is required: the text to find in tools' names, descriptions, platforms, categories, capability names and tags.", "q");
        }

        if (text.Length > MaxQueryLength)
        {
            return ApiProblems.BadRequest(
                $"The query parameter 'q' has {text.Length.ToString(CultureInfo.InvariantCulture)} characters; at most {MaxQueryLength.ToString(CultureInfo.InvariantCulture)} are allowed.",
                "q");
        }

        if (!PageRequest.TryRead(limit, cursor, ToolsCursor, options.Value, out var page, out var problem))
        {
            return problem!;
        }

        return Tools(catalog, page, tool => Matches(tool, text));
    }

    private static IResult ListByPlatform(IToolCatalog catalog, IOptions<ToolCatalogServerOptions> options, string platform, string? limit, string? cursor) =>
        PageRequest.TryRead(limit, cursor, ToolsCursor, options.Value, out var page, out var problem)
            ? Tools(catalog, page, tool => string.Equals(tool.Platform, platform, StringComparison.Ordinal))
            : problem!;

    private static IResult ListByCategory(IToolCatalog catalog, IOptions<ToolCatalogServerOptions> options, string category, string? limit, string? cursor) =>
        PageRequest.TryRead(limit, cursor, ToolsCursor, options.Value, out var page, out var problem)
            ? Tools(catalog, page, tool => string.Equals(tool.Category, category, StringComparison.Ordinal))
            : problem!;

    private static IResult GetTool(HttpRequest request, IToolCatalog catalog, ToolCatalogStore store, string name, [FromQuery(Name = "include_secrets")] bool? includeSecrets) =>
        catalog.Current.FindTool(name) is { } tool
            ? Document(request, store, tool.Definition, includeSecrets == true)
            : ApiProblems.ToolNotFound(name);

    /// <summary>The tool's document: secrets masked; with <c>?include_secrets=true</c>, their values, for administrators
    /// only (anyone else gets 403; the server needs an <see cref="Secrets.ISecretProtector"/> service to open them).</summary>
    private static IResult Document(HttpRequest request, ToolCatalogStore store, ToolDefinition tool, bool includeSecrets)
    {
        if (!includeSecrets)
        {
            return ToolRepresentation.Ok(request, tool);
        }

        if (!request.HttpContext.User.IsInRole(Security.ToolCatalogRoles.Admin))
        {
            return ApiProblems.Forbidden("Secret values (include_secrets=true) are shown to administrators only; without it, secrets are masked as \"********\".");
        }

        if (store.SecretProtector is not { } protector)
        {
            return ApiProblems.Forbidden("The server has no secrets key (no ISecretProtector service), so secret values cannot be opened.");
        }

        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.Text(ToolJson.ToJsonWithSecrets(tool, protector, indented: false), "application/json; charset=utf-8");
    }

    private static async Task<IResult> ListVersions(
        ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, string name, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryRead(limit, cursor, VersionsCursor, options.Value, out var page, out var problem))
        {
            return problem!;
        }

        long after = 0;
        if (page.After is not null && (!long.TryParse(page.After, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 1))
        {
            return ApiProblems.BadRequest("The query parameter 'cursor' is not a cursor of this list: pass back the 'next_cursor' of the previous page unchanged.", "cursor");
        }

        IReadOnlyList<ToolVersionInfo> versions;
        try
        {
            versions = await store.ListVersionsAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolNotFoundException)
        {
            return ApiProblems.ToolNotFound(name);
        }

        // Oldest first is row-id order; the cursor carries the last row id of the page.
        var rest = versions.Where(v => v.Id > after).ToList();
        var items = rest.Take(page.Limit).Select(ToVersion).ToList();
        return ToolRepresentation.Json(new PageResponse<ToolVersionResponse>(items, rest.Count > page.Limit ? Cursor.Encode(VersionsCursor, items[^1].Id) : null));
    }

    private static async Task<IResult> GetVersion(
        HttpRequest request, ToolCatalogStore store, string name, string version, [FromQuery(Name = "include_secrets")] bool? includeSecrets, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(name, version, cancellationToken).ConfigureAwait(false);
        return stored is null ? ApiProblems.ToolNotFound(name, version) : Document(request, store, stored.Definition, includeSecrets == true);
    }

    private static JsonHttpResult<PageResponse<ToolSummaryResponse>> Tools(IToolCatalog catalog, PageRequest page, Func<ToolDefinition, bool> match) =>
        ToolRepresentation.Json(Paging.Cut(ByName(catalog.Current), static t => t.Name, t => match(t.Definition), page, ToolsCursor, static t => ToolRepresentation.Summary(t.Definition)));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool Matches(ToolDefinition tool, string text)
    {
        if (tool.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
            || tool.Description.Contains(text, StringComparison.OrdinalIgnoreCase)
            || tool.Platform.Contains(text, StringComparison.OrdinalIgnoreCase)
            || tool.Category.Contains(text, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var capability in tool.Capabilities)
        {
            if (capability.Name.Contains(text, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return tool.Tags.Any(tag => tag.Contains(text, StringComparison.OrdinalIgnoreCase));
    }

    private static ToolVersionResponse ToVersion(ToolVersionInfo v) => new(
        v.Id,
        v.Version,
        v.Status.ToWire(),
        v.Enabled,
        v.IsLatest,
        v.DeletedAt,
        v.ParentVersion,
        v.CreatedAt,
        v.CreatedBy,
        v.UpdatedAt,
        v.UpdatedBy);
}
