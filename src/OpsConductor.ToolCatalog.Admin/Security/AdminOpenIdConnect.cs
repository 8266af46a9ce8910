using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.Security;

namespace OpsConductor.ToolCatalog.Admin.Security;

/// <summary>
/// The admin UI's OpenID Connect sign-in (<see cref="ToolCatalogOpenIdConnectOptions"/>): the scheme
/// <see cref="ToolCatalogAdmin.OpenIdConnectScheme"/> exists only when the server's options name a provider (a remote
/// scheme that is not configured would fail every request), signs in with the authorization code flow and PKCE into the
/// admin cookie, and maps the id token's claims to the catalog's with <see cref="ToolCatalogClaims.CreatePrincipal"/>,
/// as bearer tokens are. A user with no catalog role, a provider's error and a provider that cannot be reached end on the
/// sign-in page with a message, never an exception.
/// </summary>
internal static class AdminOpenIdConnect
{
    /// <summary>The id token, kept in the cookie's properties as the end-session request's <c>id_token_hint</c>.</summary>
    private const string IdToken = "id_token";

    public static void Add(IServiceCollection services)
    {
        services.AddOptions<AuthenticationOptions>()
            .Configure<IOptions<ToolCatalogServerOptions>>(static (auth, server) =>
            {
                var oidc = server.Value.Authentication.OpenIdConnect;
                if (IsConfigured(oidc) && !auth.SchemeMap.ContainsKey(ToolCatalogAdmin.OpenIdConnectScheme))
                {
                    auth.AddScheme(ToolCatalogAdmin.OpenIdConnectScheme, b =>
                    {
                        b.HandlerType = typeof(OpenIdConnectHandler);
                        b.DisplayName = DisplayName(oidc);
                    });
                }
            });

        // What AddOpenIdConnect registers, without registering the scheme itself.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddOptions<OpenIdConnectOptions>(ToolCatalogAdmin.OpenIdConnectScheme)
            .Configure<IOptions<ToolCatalogServerOptions>>(static (o, server) => Configure(o, server.Value.Authentication.OpenIdConnect))
            .Validate(static o =>
            {
                o.Validate(ToolCatalogAdmin.OpenIdConnectScheme);
                return true;
            });
    }

    /// <summary>Whether the server's options name a provider (they are validated at start: an authority needs a client id).</summary>
    public static bool IsConfigured(ToolCatalogOpenIdConnectOptions oidc) => !string.IsNullOrWhiteSpace(oidc.Authority);

    /// <summary>The provider's name on the sign-in button: <see cref="ToolCatalogOpenIdConnectOptions.DisplayName"/>, else the authority's host.</summary>
    public static string DisplayName(ToolCatalogOpenIdConnectOptions oidc) =>
        !string.IsNullOrWhiteSpace(oidc.DisplayName) ? oidc.DisplayName
        : Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) ? authority.Host
        : "OpenID Connect";

    /// <summary>The claims that carry roles: <see cref="ToolCatalogOpenIdConnectOptions.RoleClaim"/>, else <c>role</c> and <c>roles</c>.</summary>
    public static IReadOnlyCollection<string> RoleClaims(ToolCatalogOpenIdConnectOptions oidc) =>
        oidc.RoleClaim is { } claim ? [claim] : ["role", "roles"];

    /// <summary>
    /// The admin session's principal for an id token's claims (the claims an API key's sign-in gives: name, role, owned
    /// tools, the tenant of <see cref="ToolCatalogOpenIdConnectOptions.TenantClaim"/>), or why there is none:
    /// <c>no-name</c> (no name claim and no <c>sub</c>), <c>tenant-claim</c> (several tenants, or one that is not a tenant
    /// id) or <c>no-role</c> (no catalog role).
    /// </summary>
    public static (ClaimsPrincipal? Principal, string? Refusal) Map(IEnumerable<Claim> claims, ToolCatalogOpenIdConnectOptions oidc)
    {
        var all = claims as IReadOnlyCollection<Claim> ?? [.. claims];
        var principal = ToolCatalogClaims.CreatePrincipal(all, oidc.NameClaim, RoleClaims(oidc), oidc.ToolClaim, ToolCatalogAdmin.OpenIdConnectScheme, oidc.TenantClaim);
        return principal is null ? (null, all.Any(c => c.Type == oidc.NameClaim || c.Type == "sub") ? "tenant-claim" : "no-name")
            : !principal.HasClaim(static c => c.Type == ClaimTypes.Role) ? (null, "no-role")
            : (principal, null);
    }

    private static void Configure(OpenIdConnectOptions o, ToolCatalogOpenIdConnectOptions oidc)
    {
        if (!IsConfigured(oidc))
        {
            return;
        }

        o.Authority = oidc.Authority;
        o.ClientId = oidc.ClientId;
        o.ClientSecret = string.IsNullOrEmpty(oidc.ClientSecret) ? null : oidc.ClientSecret;
        o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        // The code comes back on a top-level GET, so the correlation and nonce cookies can be SameSite=Lax (form_post
        // needs SameSite=None, which browsers refuse without Secure).
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.Scope.Clear();
        foreach (var scope in oidc.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            o.Scope.Add(scope);
        }

        o.CallbackPath = ToolCatalogAdmin.OpenIdConnectCallbackPath;
        o.SignedOutCallbackPath = ToolCatalogAdmin.OpenIdConnectSignedOutCallbackPath;
        o.SignInScheme = ToolCatalogAdmin.CookieScheme;
        o.SignOutScheme = ToolCatalogAdmin.CookieScheme;
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = false;
        o.SaveTokens = false; // only the id token is kept (below), not the access and refresh tokens
        foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        }

        o.Events = new OpenIdConnectEvents
        {
            OnTokenValidated = async context =>
            {
                var (principal, refusal) = Map(context.Principal?.Claims ?? [], oidc);
                var tenant = principal?.FindFirst(ToolCatalogClaims.Tenant)?.Value;
                if (principal is not null && tenant is not null)
                {
                    // A user of a disabled (or unknown) tenant is not signed in, as a key of that tenant is not.
                    var store = context.HttpContext.RequestServices.GetRequiredService<OpsConductor.ToolCatalog.Storage.ToolCatalogStore>();
                    refusal = (await AdminTenants.CheckAsync(store, tenant, context.HttpContext.RequestAborted)).Refusal;
                }

                if (principal is null || refusal is not null)
                {
                    context.Response.Redirect(AdminSignInEndpoints.SignInPage(refusal!, tenant: refusal is AdminTenants.Disabled or AdminTenants.Unknown ? tenant : null));
                    context.HandleResponse();
                    return;
                }

                context.Principal = principal;
                if ((context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage?.IdToken) is { Length: > 0 } idToken)
                {
                    context.Properties!.StoreTokens([new AuthenticationToken { Name = IdToken, Value = idToken }]);
                }
            },
            OnRemoteFailure = context =>
            {
                // The provider's error (access denied, …), a state or nonce that does not match, a token that fails
                // validation, a provider that cannot be reached while redeeming the code.
                context.Response.Redirect(AdminSignInEndpoints.SignInPage("provider"));
                context.HandleResponse();
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>
    /// Whether a session signed in through the provider should also end the provider's session: it kept an id token and the
    /// provider's discovery document names an end-session endpoint (false when the provider cannot be reached).
    /// </summary>
    public static async Task<bool> HasEndSessionAsync(HttpContext http, AuthenticationProperties? session)
    {
        if (session?.GetTokenValue(IdToken) is null
            || await http.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(ToolCatalogAdmin.OpenIdConnectScheme) is null)
        {
            return false;
        }

        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(ToolCatalogAdmin.OpenIdConnectScheme);
        try
        {
            var configuration = options.ConfigurationManager is { } manager
                ? await manager.GetConfigurationAsync(http.RequestAborted)
                : options.Configuration;
            return !string.IsNullOrEmpty(configuration?.EndSessionEndpoint);
        }
        catch (InvalidOperationException)
        {
            return false; // the discovery document could not be read: sign out here only
        }
    }
}
