using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;
using OpsConductor.ToolCatalog.AspNetCore.Http;

namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>Where a request carries its credentials.</summary>
internal static class RequestCredentials
{
    /// <summary>The header an API key may come in instead of <c>Authorization: Bearer</c>.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The API key of the request: the <c>X-Api-Key</c> header, else a <c>Bearer</c> token with the <c>tc_</c> prefix.</summary>
    public static string? ApiKey(HttpRequest request)
    {
        if (request.Headers[ApiKeyHeader].ToString() is { Length: > 0 } header)
        {
            return header.Trim();
        }

        return BearerToken(request) is { } token && ApiKeyFormat.LooksLikeKey(token) ? token : null;
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, if any.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization[7..].Trim() is { Length: > 0 } token
            ? token
            : null;
    }

    /// <summary>Whether the request presents any credentials (a key header or an <c>Authorization</c> header).</summary>
    public static bool Any(HttpRequest request) =>
        request.Headers.ContainsKey(ApiKeyHeader) || request.Headers.ContainsKey(HeaderNames.Authorization);
}

/// <summary>
/// Signs a request in with an API key (<see cref="ApiKeyStore.ValidateAsync"/>): the principal is <c>key:NAME</c> with the
/// key's role, for an owner one <see cref="ToolCatalogClaims.Tool"/> claim per tool, and for a key bound to a tenant
/// its <see cref="ToolCatalogClaims.Tenant"/> claim. Also the scheme every
/// challenge and refusal of the API goes to: 401 with <c>WWW-Authenticate: Bearer</c> and 403, both as problems.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The claim holding the key's public id (which key of that name signed in).</summary>
    public const string KeyIdClaim = "toolcatalog:key_id";

    private const string UnavailableItem = "ToolCatalog.SignInUnavailable";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = RequestCredentials.ApiKey(Request);
        if (key is null)
        {
            return RequestCredentials.BearerToken(Request) is null
                ? AuthenticateResult.NoResult()
                : AuthenticateResult.Fail("The bearer token is not an API key (tc_…), and this server accepts no other tokens.");
        }

        ApiKeyRecord? record;
        try
        {
            record = await keys.ValidateAsync(key, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            // The key could not be checked: not the caller's fault, and not a reason to tell it its key is bad.
            Context.Items[UnavailableItem] = true;
            return AuthenticateResult.Fail(e);
        }

        if (record is null)
        {
            return AuthenticateResult.Fail("The API key is not valid: unknown, mistyped or revoked.");
        }

        var claims = new List<Claim>(3 + record.Tools.Count)
        {
            new(ClaimTypes.Name, record.PrincipalName),
            new(ClaimTypes.Role, record.Role),
            new(KeyIdClaim, record.KeyId),
        };
        claims.AddRange(record.Tools.Select(static tool => new Claim(ToolCatalogClaims.Tool, tool)));
        if (record.Tenant is not null)
        {
            claims.Add(new Claim(ToolCatalogClaims.Tenant, record.Tenant));
        }

        var identity = new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(UnavailableItem))
        {
            Response.Headers.RetryAfter = "5";
            await ApiProblems.SignInUnavailable(5).ExecuteAsync(Context).ConfigureAwait(false);
            return;
        }

        var presented = RequestCredentials.Any(Request);
        Response.Headers.WWWAuthenticate = presented ? "Bearer error=\"invalid_token\"" : "Bearer";
        await ApiProblems.Unauthorized(presented
                ? "The request's credentials were not accepted: the API key or token is unknown, revoked, expired or not valid for this server."
                : "Sign in with an API key (Authorization: Bearer <key>, or X-Api-Key) or a bearer token from the configured identity provider.")
            .ExecuteAsync(Context).ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await ApiProblems.Forbidden($"'{Context.User.Identity?.Name}' is signed in, but its role does not allow this request (reads need the viewer, owner or admin role; creating and importing tools needs admin; changing a tool needs admin or an owner of that tool).")
            .ExecuteAsync(Context).ConfigureAwait(false);
}
