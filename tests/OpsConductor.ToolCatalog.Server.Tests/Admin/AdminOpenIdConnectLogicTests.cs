using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.Admin;
using OpsConductor.ToolCatalog.Admin.Security;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.Security;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>
/// The admin UI's OpenID Connect sign-in without a browser: an id token's claims mapped to the session's (the claims an
/// API key's sign-in gives), the refusals, and the scheme existing only when a provider is configured.
/// </summary>
public sealed class AdminOpenIdConnectLogicTests
{
    [Test]
    public void The_role_and_tool_claims_become_the_sessions_role_and_owned_tools_whatever_their_case()
    {
        var (principal, refusal) = AdminOpenIdConnect.Map(
            [new("sub", "u-1"), new("preferred_username", "olga"), new("roles", "Owner"), new("roles", "staff"), new(ToolCatalogClaims.Tool, "systemctl"), new(ToolCatalogClaims.Tool, "journalctl")],
            new ToolCatalogOpenIdConnectOptions { NameClaim = "preferred_username" });

        Assert.That(refusal, Is.Null);
        Assert.Multiple(() =>
        {
            Assert.That(principal!.Identity!.Name, Is.EqualTo("olga"));
            Assert.That(principal.Identity.IsAuthenticated, Is.True);
            Assert.That(principal.FindAll(ClaimTypes.Role).Select(c => c.Value), Is.EqualTo(new[] { ToolCatalogRoles.Owner }));
            Assert.That(principal.FindAll(ToolCatalogClaims.Tool).Select(c => c.Value), Is.EqualTo(new[] { "systemctl", "journalctl" }));
        });
    }

    [TestCase("role")]
    [TestCase("roles")]
    public void By_default_both_the_role_and_the_roles_claim_are_read(string claim)
    {
        var (principal, _) = AdminOpenIdConnect.Map([new("sub", "u-2"), new(claim, "viewer")], new ToolCatalogOpenIdConnectOptions());

        Assert.That(principal?.IsInRole(ToolCatalogRoles.Viewer), Is.True);
        Assert.That(principal!.Identity!.Name, Is.EqualTo("u-2"), "no name claim: the subject");
    }

    [Test]
    public void A_configured_role_claim_is_the_only_one_read()
    {
        var oidc = new ToolCatalogOpenIdConnectOptions { RoleClaim = "groups", ToolClaim = "owns" };

        var (fromGroups, _) = AdminOpenIdConnect.Map([new("sub", "u-3"), new("groups", "admin")], oidc);
        var (_, fromRole) = AdminOpenIdConnect.Map([new("sub", "u-3"), new("role", "admin")], oidc);

        Assert.That(fromGroups?.IsInRole(ToolCatalogRoles.Admin), Is.True);
        Assert.That(fromRole, Is.EqualTo("no-role"));
    }

    [Test]
    public void A_user_without_a_catalog_role_or_without_a_name_gets_no_session()
    {
        var oidc = new ToolCatalogOpenIdConnectOptions();

        Assert.Multiple(() =>
        {
            Assert.That(AdminOpenIdConnect.Map([new("sub", "u-4"), new("roles", "staff")], oidc), Is.EqualTo(((ClaimsPrincipal?)null, "no-role")));
            Assert.That(AdminOpenIdConnect.Map([new("sub", "u-4")], oidc), Is.EqualTo(((ClaimsPrincipal?)null, "no-role")));
            Assert.That(AdminOpenIdConnect.Map([new("roles", "admin")], oidc), Is.EqualTo(((ClaimsPrincipal?)null, "no-name")));
        });
    }

    [Test]
    public void A_provider_user_never_passes_for_an_API_key_and_cannot_bring_its_own_role_claims()
    {
        var (principal, _) = AdminOpenIdConnect.Map(
            [new("sub", "key:deploy-bot"), new("role", "viewer"), new(ClaimTypes.Role, ToolCatalogRoles.Admin), new(ClaimTypes.Name, "key:root")],
            new ToolCatalogOpenIdConnectOptions());

        Assert.That(principal!.Identity!.Name, Is.EqualTo("jwt:key:deploy-bot"));
        Assert.That(principal.FindAll(ClaimTypes.Role).Select(c => c.Value), Is.EqualTo(new[] { ToolCatalogRoles.Viewer }));
    }

    [Test]
    public void The_tenant_claim_binds_the_session_to_that_tenant_as_a_bearer_tokens_does()
    {
        var (principal, refusal) = AdminOpenIdConnect.Map([new("sub", "u-5"), new("roles", "admin"), new(ToolCatalogClaims.Tenant, "acme")], new ToolCatalogOpenIdConnectOptions());
        var (renamed, _) = AdminOpenIdConnect.Map([new("sub", "u-6"), new("roles", "viewer"), new("org", "globex")], new ToolCatalogOpenIdConnectOptions { TenantClaim = "org" });

        Assert.Multiple(() =>
        {
            Assert.That(refusal, Is.Null);
            Assert.That(principal!.FindAll(ToolCatalogClaims.Tenant).Select(c => c.Value), Is.EqualTo(new[] { "acme" }), "not dropped: a session without it would be a global admin's");
            Assert.That(renamed!.FindFirst(ToolCatalogClaims.Tenant)?.Value, Is.EqualTo("globex"));
        });
    }

    [TestCase("acme", "globex")]
    [TestCase("Not A Tenant")]
    public void A_token_naming_several_tenants_or_a_malformed_one_signs_nobody_in(params string[] tenants)
    {
        var claims = new List<Claim> { new("sub", "u-7"), new("roles", "admin") };
        claims.AddRange(tenants.Select(static t => new Claim(ToolCatalogClaims.Tenant, t)));

        Assert.That(AdminOpenIdConnect.Map(claims, new ToolCatalogOpenIdConnectOptions()), Is.EqualTo(((ClaimsPrincipal?)null, "tenant-claim")));
    }

    [Test]
    public async Task The_sign_in_scheme_exists_only_when_a_provider_is_configured()
    {
        Assert.That(await SchemeAsync(null), Is.Null);

        var scheme = await SchemeAsync(o => (o.Authority, o.ClientId) = ("https://login.example.test/realms/ops", "toolcatalog-admin"));

        Assert.That(scheme?.DisplayName, Is.EqualTo("login.example.test"), "named after the authority's host when no display name is set");
    }

    private static async Task<AuthenticationScheme?> SchemeAsync(Action<ToolCatalogOpenIdConnectOptions>? configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddToolCatalogServer(o => configure?.Invoke(o.Authentication.OpenIdConnect));
        services.AddToolCatalogAdmin();
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(ToolCatalogAdmin.OpenIdConnectScheme);
    }
}
