using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Server.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Security;

/// <summary>
/// Bearer tokens from an OpenID Connect provider, configured as a company would (role, tool and name claims of its
/// own), signed with a key generated here (the test configures it instead of an authority: no network).
/// </summary>
[TestFixture]
public sealed class JwtSignInTests
{
    private const string Issuer = "https://idp.example.test/realms/ops";
    private const string Audience = "toolcatalog-api";

    private static readonly SymmetricSecurityKey SigningKey = new(RandomNumberGenerator.GetBytes(32)) { KeyId = "test-key" };
    private static readonly SymmetricSecurityKey OtherKey = new(RandomNumberGenerator.GetBytes(32)) { KeyId = "test-key" };

    private ServerHost _host = null!;
    private SignInRecorder _recorder = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync(h =>
    {
        _recorder = SignInRecorder.AddTo(h.UseRealSignIn());
        h.ConfigureServices(services =>
        {
            services.Configure<ToolCatalogServerOptions>(o =>
            {
                o.Authentication.Jwt.RoleClaim = "roles";
                o.Authentication.Jwt.ToolClaim = "owns";
                o.Authentication.Jwt.NameClaim = "preferred_username";
            });
            services.PostConfigure<JwtBearerOptions>(ToolCatalogAuthenticationSchemes.Jwt, o =>
            {
                o.TokenValidationParameters.IssuerSigningKey = SigningKey;
                o.TokenValidationParameters.ValidIssuer = Issuer;
                o.TokenValidationParameters.ValidAudience = Audience;
            });
        });
    });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task A_token_with_a_catalog_role_signs_in_under_its_name_claim_and_reads()
    {
        using var response = await GetRevisionAsync("viewer-token", Token(new() { ["sub"] = "u-1", ["preferred_username"] = "ada", ["roles"] = new[] { "viewer", "unrelated" } }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var user = _recorder["viewer-token"].User;
        Assert.That(user.Identity!.Name, Is.EqualTo("ada"));
        Assert.That(user.FindAll(ClaimTypes.Role).Select(c => c.Value), Is.EqualTo(new[] { "viewer" }));
        Assert.That(_recorder["viewer-token"].Change.Actor, Is.EqualTo("ada"), "the audit log's actor");
    }

    [Test]
    public async Task The_providers_role_and_tool_claims_become_the_catalogs_roles_and_owned_tools_whatever_their_case()
    {
        using var response = await GetRevisionAsync("owner-token", Token(new() { ["sub"] = "u-2", ["roles"] = new[] { "Owner" }, ["owns"] = new[] { "systemctl", "journalctl" } }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var user = _recorder["owner-token"].User;
        Assert.That(user.IsInRole(ToolCatalogRoles.Owner), Is.True);
        Assert.That(user.FindAll(ToolCatalogClaims.Tool).Select(c => c.Value), Is.EqualTo(new[] { "systemctl", "journalctl" }));
        Assert.That(user.Identity!.Name, Is.EqualTo("u-2"), "no name claim: the subject");
    }

    [Test]
    public async Task A_token_cannot_give_itself_tools_or_roles_through_the_claim_types_the_policies_read()
    {
        using var response = await GetRevisionAsync("smuggler", Token(new()
        {
            ["sub"] = "u-3",
            ["roles"] = "viewer",
            [ToolCatalogClaims.Tool] = "systemctl",
            [ClaimTypes.Role] = "admin",
        }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var user = _recorder["smuggler"].User;
        Assert.That(user.IsInRole(ToolCatalogRoles.Admin), Is.False);
        Assert.That(user.FindAll(ToolCatalogClaims.Tool), Is.Empty);
    }

    [Test]
    public async Task A_token_whose_subject_looks_like_a_key_never_passes_for_one_in_the_audit_log()
    {
        using var response = await GetRevisionAsync("impostor", Token(new() { ["sub"] = "key:deploy-bot", ["roles"] = "viewer" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_recorder["impostor"].User.Identity!.Name, Is.EqualTo("jwt:key:deploy-bot"));
    }

    [Test]
    public async Task A_valid_token_without_a_catalog_role_is_forbidden_with_a_problem_naming_the_principal()
    {
        using var response = await GetRevisionAsync("no-role", Token(new() { ["sub"] = "u-4", ["preferred_username"] = "grace", ["roles"] = "billing" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("#problem-forbidden"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("'grace'"));
    }

    [Test]
    public async Task A_token_signed_with_another_key_is_refused() =>
        await AssertRefusedAsync(Token(new() { ["sub"] = "u-5", ["roles"] = "admin" }, key: OtherKey));

    [Test]
    public async Task An_expired_token_is_refused() =>
        await AssertRefusedAsync(Token(new() { ["sub"] = "u-6", ["roles"] = "admin" }, expires: TimeProvider.System.GetUtcNow().AddMinutes(-10)));

    [Test]
    public async Task A_token_for_another_audience_is_refused() =>
        await AssertRefusedAsync(Token(new() { ["sub"] = "u-7", ["roles"] = "admin" }, audience: "someone-else"));

    [Test]
    public async Task A_token_from_another_issuer_is_refused() =>
        await AssertRefusedAsync(Token(new() { ["sub"] = "u-8", ["roles"] = "admin" }, issuer: "https://evil.example.test"));

    [Test]
    public async Task Api_keys_still_sign_in_beside_tokens()
    {
        var created = await _host.Services.GetRequiredService<ApiKeyStore>().CreateAsync("beside-jwt", "viewer", null, "test");
        using var client = _host.ClientWithKey(created.Key);

        using var response = await client.GetAsync("/api/v1/revision");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private async Task AssertRefusedAsync(string token)
    {
        using var response = await GetRevisionAsync(null, token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    private async Task<HttpResponseMessage> GetRevisionAsync(string? requestId, string token)
    {
        using var client = _host.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (requestId is not null)
        {
            client.DefaultRequestHeaders.Add(SignInRecorder.RequestIdHeader, requestId);
        }

        return await client.GetAsync("/api/v1/revision");
    }

    private static string Token(Dictionary<string, object> claims, SecurityKey? key = null, DateTimeOffset? expires = null, string audience = Audience, string issuer = Issuer)
    {
        var now = TimeProvider.System.GetUtcNow();
        var until = expires ?? now.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (until < now ? until.AddMinutes(-5) : now).UtcDateTime,
            NotBefore = (until < now ? until.AddMinutes(-5) : now).UtcDateTime,
            Expires = until.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? SigningKey, SecurityAlgorithms.HmacSha256),
        });
    }
}
