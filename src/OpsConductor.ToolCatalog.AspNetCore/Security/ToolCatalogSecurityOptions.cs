using OpsConductor.ToolCatalog.AspNetCore.Security;

namespace OpsConductor.ToolCatalog.AspNetCore;

/// <summary>
/// Sign-in settings of the management server (<see cref="ToolCatalogServerOptions.Authentication"/>): API keys always,
/// bearer tokens (JWT) from an OpenID Connect provider when <see cref="Jwt"/> names one, and OpenID Connect sign-in for
/// the admin UI when <see cref="OpenIdConnect"/> names a provider.
/// </summary>
public sealed class ToolCatalogAuthenticationOptions
{
    /// <summary>
    /// How long the server remembers a validated API key before asking the database again (30 seconds): a key revoked
    /// from another process (the CLI, another server) stops working here within this time. Zero asks on every request.
    /// </summary>
    public TimeSpan ApiKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bearer tokens from an OpenID Connect provider.</summary>
    public ToolCatalogJwtOptions Jwt { get; set; } = new();

    /// <summary>OpenID Connect sign-in for the admin UI (beside its API-key form).</summary>
    public ToolCatalogOpenIdConnectOptions OpenIdConnect { get; set; } = new();
}

/// <summary>
/// OpenID Connect sign-in for the admin UI (<c>AddToolCatalogAdmin()</c>; the REST API does not use it): when
/// <see cref="Authority"/> and <see cref="ClientId"/> are set, the sign-in page offers "Sign in with
/// <see cref="DisplayName"/>" beside the API-key form. The user signs in at the provider with the authorization code flow
/// and PKCE; the id token's <see cref="RoleClaim"/> values that are catalog roles (<see cref="ToolCatalogRoles"/>, any
/// case) become the session's role, its <see cref="ToolClaim"/> values the tools an owner may change, its
/// <see cref="TenantClaim"/> the tenant it works in (the tenant's catalog only), its
/// <see cref="NameClaim"/> (else <c>sub</c>) the name the audit log records: the claims an API key's sign-in gives. A user
/// with no catalog role is refused at sign-in. Register <c>{server}/admin/signin-oidc</c> as the client's redirect URI and
/// <c>{server}/admin/signout-callback-oidc</c> as its post-logout redirect URI at the provider.
/// </summary>
public sealed class ToolCatalogOpenIdConnectOptions
{
    /// <summary>The provider's issuer URL (<c>https://login.example.com/realms/ops</c>), whose discovery document names its endpoints and keys; null: the UI signs in with API keys only.</summary>
    public string? Authority { get; set; }

    /// <summary>The client id the provider registered for the admin UI; required with <see cref="Authority"/>.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client's secret (a confidential client); null for a public client, which PKCE alone protects.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The provider's name on the sign-in button ("Sign in with …"); null: the authority's host name.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The scopes asked for, separated by spaces (<c>openid profile</c>); must include <c>openid</c>.</summary>
    public string Scope { get; set; } = "openid profile";

    /// <summary>The id token's claim that carries the roles; null (the default) reads both <c>role</c> and <c>roles</c>. A JSON array gives several.</summary>
    public string? RoleClaim { get; set; }

    /// <summary>The id token's claim that carries the tools an owner may change (<c>toolcatalog:tool</c>), one value per tool.</summary>
    public string ToolClaim { get; set; } = ToolCatalogClaims.Tool;

    /// <summary>The id token's claim whose value names the user in the audit log and the page header (<c>sub</c>; <c>preferred_username</c> or <c>email</c> read better).</summary>
    public string NameClaim { get; set; } = "sub";

    /// <summary>
    /// The id token's claim that binds the user to a tenant (<c>toolcatalog:tenant</c>; one value, a tenant id): the user
    /// then works in that tenant's catalog only, as a bearer token with <see cref="ToolCatalogJwtOptions.TenantClaim"/>
    /// does in the API. A token with several values or one that is not a tenant id signs nobody in.
    /// </summary>
    public string TenantClaim { get; set; } = ToolCatalogClaims.Tenant;

    /// <summary>Whether the authority must be HTTPS (true; turn off only for a provider on loopback in development).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>
/// Bearer tokens (JWT) from any OpenID Connect provider: set <see cref="Authority"/> and <see cref="Audience"/>; the
/// signing keys come from the authority's discovery document. The token's <see cref="RoleClaim"/> values that are
/// catalog roles (<see cref="ToolCatalogRoles"/>, any case) become the principal's roles, its <see cref="ToolClaim"/>
/// values the tools it owns, its <see cref="TenantClaim"/> the tenant it works in, its <see cref="NameClaim"/> (else <c>sub</c>) its name in the audit log.
/// </summary>
public sealed class ToolCatalogJwtOptions
{
    /// <summary>The provider's issuer URL (<c>https://login.example.com/realms/ops</c>); null: tokens are not accepted (API keys only).</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must be issued for (the API's client id or resource URI); required with <see cref="Authority"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim that carries the roles (<c>role</c>); a JSON array gives several.</summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>The claim that carries the tools an owner may change (<c>toolcatalog:tool</c>), one value per tool.</summary>
    public string ToolClaim { get; set; } = ToolCatalogClaims.Tool;

    /// <summary>
    /// The claim that binds the principal to a tenant (<c>toolcatalog:tenant</c>; one value, a tenant id): it then works
    /// in that tenant's catalog only. A token with several values or one that is not a tenant id signs nothing in.
    /// </summary>
    public string TenantClaim { get; set; } = ToolCatalogClaims.Tenant;

    /// <summary>The claim whose value names the principal in the audit log (<c>sub</c>; <c>preferred_username</c> or <c>email</c> read better).</summary>
    public string NameClaim { get; set; } = "sub";

    /// <summary>Whether the discovery document must be fetched over HTTPS (true; turn off only for a provider on loopback in development).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>
/// The API's rate limit (<see cref="ToolCatalogServerOptions.RateLimit"/>): a fixed window per signed-in principal (an
/// API key, a token's subject), per IP address for requests that are not signed in. A request over the limit gets 429
/// with <c>Retry-After</c>. Needs <c>app.UseToolCatalogServer()</c>.
/// </summary>
public sealed class ToolCatalogRateLimitOptions
{
    /// <summary>Whether requests to the API are limited (true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many requests a principal may make per <see cref="Window"/> (1,000).</summary>
    public int PermitLimit { get; set; } = 1000;

    /// <summary>The window (10 seconds).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many requests over the limit wait for the next window instead of getting 429 at once (0).</summary>
    public int QueueLimit { get; set; }
}
