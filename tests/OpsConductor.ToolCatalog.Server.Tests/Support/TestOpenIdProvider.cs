using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpsConductor.ToolCatalog.AspNetCore;

namespace OpsConductor.ToolCatalog.Server.Tests.Support;

/// <summary>
/// A tiny OpenID Connect provider for the admin UI's sign-in tests, in this process on a loopback port (no network, no
/// download): a discovery document, its signing key (an RSA key made here), <c>/authorize</c> that approves
/// <see cref="User"/> without asking (the code flow with PKCE, answered on the query from a page of the provider's, as a
/// real login form answers), <c>/token</c> that redeems a code
/// once for an id token signed with that key, and <c>/endsession</c>. Its issuer is <c>http://localhost:PORT</c>, a
/// different site from the server under test (<c>127.0.0.1</c>), so the browser treats the sign-in as cross-site, as it
/// would be with a real provider.
/// </summary>
internal sealed class TestOpenIdProvider : IAsyncDisposable
{
    public const string ClientId = "toolcatalog-admin";
    public const string ClientSecret = "provider-test-secret";
    private const string KeyId = "test-rsa";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private WebApplication _app = null!;

    private TestOpenIdProvider()
    {
    }

    /// <summary>The issuer (<c>http://localhost:PORT</c>): the authority to configure.</summary>
    public string Issuer { get; private set; } = null!;

    /// <summary>Points the server's OpenID Connect sign-in at this provider (its issuer, client and name claim; http on loopback).</summary>
    public void ConfigureClient(ToolCatalogOpenIdConnectOptions options)
    {
        options.Authority = Issuer;
        options.ClientId = ClientId;
        options.ClientSecret = ClientSecret;
        options.NameClaim = "preferred_username";
        options.RequireHttpsMetadata = false; // a provider on loopback
    }

    /// <summary>The claims of the user <c>/authorize</c> approves next (string or string[] values); null: it answers <c>access_denied</c>.</summary>
    public IReadOnlyDictionary<string, object>? User { get; set; }

    /// <summary>The <c>id_token_hint</c> of every end-session request, in order.</summary>
    public ConcurrentQueue<string> EndSessions { get; } = new();

    /// <summary>How many codes <c>/token</c> redeemed.</summary>
    public int TokensIssued => _tokensIssued;

    private int _tokensIssued;

    public static async Task<TestOpenIdProvider> StartAsync()
    {
        var provider = new TestOpenIdProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", provider.Discovery);
        app.MapGet("/jwks", provider.Jwks);
        app.MapGet("/authorize", provider.Authorize);
        app.MapPost("/token", provider.TokenAsync);
        app.MapGet("/endsession", provider.EndSession);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        provider.Issuer = $"http://localhost:{address.Port}";
        provider._app = app;
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _rsa.Dispose();
    }

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = Issuer + "/authorize",
        ["token_endpoint"] = Issuer + "/token",
        ["jwks_uri"] = Issuer + "/jwks",
        ["end_session_endpoint"] = Issuer + "/endsession",
        ["response_types_supported"] = new[] { "code" },
        ["response_modes_supported"] = new[] { "query" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
        ["scopes_supported"] = new[] { "openid", "profile" },
    });

    private IResult Jwks()
    {
        var key = _rsa.ExportParameters(includePrivateParameters: false);
        return Results.Json(new
        {
            keys = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = KeyId,
                    ["n"] = Base64UrlEncoder.Encode(key.Modulus), ["e"] = Base64UrlEncoder.Encode(key.Exponent),
                },
            },
        });
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        var redirectUri = query["redirect_uri"].ToString();
        if (query["client_id"] != ClientId || !Uri.TryCreate(redirectUri, UriKind.Absolute, out _))
        {
            return Results.BadRequest("unknown client or redirect_uri");
        }

        if (query["response_type"] != "code" || query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
        {
            return Redirect(redirectUri, ("error", "invalid_request"), ("state", query["state"].ToString()));
        }

        if (User is not { } user)
        {
            return Redirect(redirectUri, ("error", "access_denied"), ("state", query["state"].ToString()));
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _codes[code] = new Grant(redirectUri, query["code_challenge"].ToString(), query["nonce"].ToString(), new Dictionary<string, object>(user));
        // Approved on a page of the provider's own, as a real provider's login form is: the navigation back to the server
        // starts on the provider's site (a plain redirect would keep the server's page as its initiator).
        var back = WebUtility.HtmlEncode(WithParameters(redirectUri, ("code", code), ("state", query["state"].ToString())));
        return Results.Content(
            $"<!DOCTYPE html><html><head><meta http-equiv=\"refresh\" content=\"0;url={back}\" /><title>Test IdP</title></head><body>Approved.</body></html>",
            "text/html; charset=utf-8");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var (clientId, clientSecret) = (form["client_id"].ToString(), form["client_secret"].ToString());
        if (request.Headers.Authorization.ToString() is { } basic && basic.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..])).Split(':', 2);
            (clientId, clientSecret) = (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }

        if (clientId != ClientId || clientSecret != ClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        var verifier = form["code_verifier"].ToString();
        if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var grant)
            || grant.RedirectUri != form["redirect_uri"]
            || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.CodeChallenge)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var claims = new Dictionary<string, object>(grant.User);
        if (grant.Nonce.Length > 0)
        {
            claims["nonce"] = grant.Nonce;
        }

        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        });
        Interlocked.Increment(ref _tokensIssued);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24)),
            ["token_type"] = "Bearer",
            ["expires_in"] = 300,
            ["id_token"] = idToken,
        });
    }

    private IResult EndSession(HttpRequest request)
    {
        EndSessions.Enqueue(request.Query["id_token_hint"].ToString());
        return request.Query["post_logout_redirect_uri"].ToString() is { Length: > 0 } back
            ? Redirect(back, ("state", request.Query["state"].ToString()))
            : Results.Content("Signed out.");
    }

    private static IResult Redirect(string uri, params (string Name, string Value)[] parameters) => Results.Redirect(WithParameters(uri, parameters));

    private static string WithParameters(string uri, params (string Name, string Value)[] parameters) =>
        uri + (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?")
            + string.Join("&", parameters.Where(static p => p.Value.Length > 0).Select(static p => $"{p.Name}={WebUtility.UrlEncode(p.Value)}"));

    private sealed record Grant(string RedirectUri, string CodeChallenge, string Nonce, IReadOnlyDictionary<string, object> User);
}
