using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using OpsConductor.ToolCatalog.Findings;

namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>
/// Every error the API returns, as an RFC 9457 problem (<c>application/problem+json</c>) whose <c>type</c> points at
/// the section of docs/api.md that explains it. Never a stack trace, never an exception's text from below the API.
/// </summary>
internal static class ApiProblems
{
    /// <summary>Where the problem types are explained.</summary>
    public const string TypeBase = "https://github.com/opsconductor/OpsConductor.ToolCatalog/blob/main/docs/api.md#problem-";

    /// <summary>400 with every finding (code, path, message, and line/column when the body was a file).</summary>
    public static IResult Validation(IEnumerable<ValidationFinding> findings, string detail = "The tool is not valid; nothing was written.")
    {
        var errors = findings.Select(static f => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["code"] = f.Code,
            ["severity"] = f.Severity == ValidationSeverity.Error ? "error" : "warning",
            ["path"] = f.Path,
            ["message"] = f.Message,
            ["line"] = f.Line,
            ["column"] = f.Column,
        }).ToList();
        return Problem(StatusCodes.Status400BadRequest, "validation", "The request is not valid", detail, new() { ["errors"] = errors });
    }

    /// <summary>400 for a request that breaks a rule of the API itself (a bad query value, a missing field).</summary>
    public static IResult BadRequest(string detail, string? field = null) =>
        Problem(StatusCodes.Status400BadRequest, "bad-request", "The request is not valid", detail, field is null ? null : new() { ["field"] = field });

    /// <summary>400 for a body that is not JSON, or JSON of the wrong shape, naming where.</summary>
    public static IResult MalformedJson(JsonException exception)
    {
        var where = exception.Path is { Length: > 0 } path ? $" at {path}" : string.Empty;
        var line = exception.LineNumber is { } l ? $" (line {l + 1}, position {(exception.BytePositionInLine ?? 0) + 1})" : string.Empty;
        return Problem(
            StatusCodes.Status400BadRequest,
            "malformed-json",
            "The body is not valid JSON for this endpoint",
            $"The JSON body could not be read{where}{line}: {FirstSentence(exception.Message)}",
            new() { ["path"] = exception.Path, ["line"] = exception.LineNumber + 1, ["position"] = exception.BytePositionInLine + 1 });
    }

    /// <summary>404 for a tool (or a version of it) the catalog does not hold.</summary>
    public static IResult ToolNotFound(string name, string? version = null) =>
        Problem(
            StatusCodes.Status404NotFound,
            "not-found",
            "Not found",
            version is null ? $"The catalog has no tool '{name}'." : $"The catalog has no version '{version}' of tool '{name}'.",
            new() { ["tool"] = name, ["version"] = version });

    /// <summary>404 for anything else that is not there.</summary>
    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "not-found", "Not found", detail);

    /// <summary>409: the write conflicts with what is stored (it exists already, the version does not grow, …).</summary>
    public static IResult Conflict(string detail, Dictionary<string, object?>? extensions = null) =>
        Problem(StatusCodes.Status409Conflict, "conflict", "The request conflicts with the catalog", detail, extensions);

    /// <summary>412: the <c>If-Match</c> precondition names another state of the tool than the current one.</summary>
    public static IResult PreconditionFailed(string detail, string? currentETag, long revision) =>
        Problem(
            StatusCodes.Status412PreconditionFailed,
            "precondition-failed",
            "The tool changed since it was read",
            detail,
            new() { ["current_etag"] = currentETag, ["revision"] = revision });

    /// <summary>415 for a body of a content type the endpoint does not take.</summary>
    public static IResult UnsupportedMediaType(string? contentType, params string[] accepted) =>
        Problem(
            StatusCodes.Status415UnsupportedMediaType,
            "unsupported-media-type",
            "Unsupported content type",
            $"The body's content type '{contentType ?? "(none)"}' is not one this endpoint takes: {string.Join(", ", accepted)}.",
            new() { ["accepted"] = accepted });

    /// <summary>A problem of any status; <paramref name="slug"/> names its section in docs/api.md.</summary>
    public static IResult Problem(int status, string slug, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Type = TypeBase + slug,
            Title = title,
            Detail = detail,
            Extensions = extensions ?? [],
        });

    /// <summary>401: the request is not signed in, or its key or token is not valid.</summary>
    public static IResult Unauthorized(string detail) =>
        Problem(StatusCodes.Status401Unauthorized, "unauthorized", "Sign-in required", detail);

    /// <summary>403: the signed-in principal's role does not allow the request.</summary>
    public static IResult Forbidden(string detail) =>
        Problem(StatusCodes.Status403Forbidden, "forbidden", "Not allowed", detail);

    /// <summary>429: the principal's rate limit is used up; <paramref name="retryAfterSeconds"/> says when to come back.</summary>
    public static IResult TooManyRequests(string detail, int? retryAfterSeconds) =>
        Problem(StatusCodes.Status429TooManyRequests, "too-many-requests", "Too many requests", detail, new() { ["retry_after"] = retryAfterSeconds });

    /// <summary>503: the request's API key could not be checked (the catalog's database did not answer); try again later.</summary>
    public static IResult SignInUnavailable(int retryAfterSeconds) =>
        Problem(
            StatusCodes.Status503ServiceUnavailable,
            "sign-in-unavailable",
            "Sign-in is unavailable",
            $"The API key could not be checked: the catalog's database did not answer. Nothing was done; try again in {retryAfterSeconds} s (Retry-After).",
            new() { ["retry_after"] = retryAfterSeconds });

    /// <summary>413 for a request body over the endpoint's limit (nothing past the limit was read).</summary>
    public static IResult PayloadTooLarge(long limit, long? declared) =>
        Problem(
            StatusCodes.Status413PayloadTooLarge,
            "payload-too-large",
            "The request body is too large",
            declared is { } length
                ? $"The body is {length} bytes; this endpoint takes at most {limit} bytes. Nothing was read or written."
                : $"The body is longer than this endpoint's limit of {limit} bytes. Nothing was written.",
            new() { ["limit"] = limit });

    /// <summary>503 while the database is busy (a lock wait gave up); the request may be sent again after <c>Retry-After</c>.</summary>
    public static IResult Busy(string detail) =>
        Problem(StatusCodes.Status503ServiceUnavailable, "busy", "The catalog is busy", detail);

    /// <summary>503: the server holds no catalog from the database yet (starting, or serving a fallback), so it cannot answer for a revision.</summary>
    public static IResult CatalogNotLoaded(OpsConductor.ToolCatalog.Runtime.CatalogSource source) =>
        Problem(
            StatusCodes.Status503ServiceUnavailable,
            "catalog-not-loaded",
            "The catalog is not loaded",
            $"This server holds no catalog from the database (its source is {source.ToString().ToLowerInvariant()}): it cannot serve the catalog or its changes. Try another replica, or again in a few seconds.");

    /// <summary>410: the follower's revision has left the change window; it must load <c>GET /api/v1/catalog</c> again and follow from there.</summary>
    public static IResult ChangeWindowPassed(long since, long floor, long revision) =>
        Problem(
            StatusCodes.Status410Gone,
            "change-window-passed",
            "Too old: reload the catalog",
            $"The revision {since} has left this server's change window (it answers from revision {floor}; the catalog is at {revision}). Load GET /api/v1/catalog again and follow the changes since its revision.",
            new() { ["since"] = since, ["floor"] = floor, ["revision"] = revision });

    /// <summary>403: a tenant principal asked for the global catalog's own data or administration (telemetry, replay, experiments, tenants).</summary>
    public static IResult TenantGlobalOnly(string? principal, string tenant, string route) =>
        Problem(
            StatusCodes.Status403Forbidden,
            "tenant-global-only",
            "Not allowed for a tenant",
            $"'{principal}' works in tenant '{tenant}', and {route} belongs to the global catalog: telemetry, replay and experiments are global, and tenants are managed by the global catalog's admins; only a principal without a tenant (a global admin or viewer) may use them. Nothing was read or written.",
            new() { ["tenant"] = tenant });

    /// <summary>403: the principal's tenant does not exist (a token naming a tenant the catalog does not have).</summary>
    public static IResult TenantUnknown(string? principal, string tenant) =>
        Problem(
            StatusCodes.Status403Forbidden,
            "tenant-unknown",
            "No such tenant",
            $"'{principal}' works in tenant '{tenant}', but there is no tenant '{tenant}' ('toolcatalog tenants list' shows them). Nothing was read or written.",
            new() { ["tenant"] = tenant });

    /// <summary>501: the endpoint cannot answer for a tenant principal on this server (<paramref name="why"/> says what is missing).</summary>
    public static IResult TenantNotServed(string tenant, string route, string why) =>
        Problem(
            StatusCodes.Status501NotImplemented,
            "tenant-not-served",
            "Not available for a tenant",
            $"{route} is not served for tenant '{tenant}': {why}.",
            new() { ["tenant"] = tenant });

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends "Path: … | LineNumber: … | BytePositionInLine: …" to its messages; the problem has them apart.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
