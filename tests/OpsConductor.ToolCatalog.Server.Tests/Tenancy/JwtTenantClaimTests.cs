using System.Security.Claims;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.Security;

namespace OpsConductor.ToolCatalog.Server.Tests.Tenancy;

/// <summary>How a token's tenant claim becomes the principal's <see cref="ToolCatalogClaims.Tenant"/>.</summary>
[TestFixture]
public sealed class JwtTenantClaimTests
{
    private static readonly ToolCatalogJwtOptions Options = new() { TenantClaim = "org" };

    private static ClaimsPrincipal Token(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(static c => new Claim(c.Type, c.Value)).Prepend(new Claim("sub", "alice")), "test"));

    private static ClaimsPrincipal? Map(ClaimsPrincipal token) =>
        ToolCatalogClaims.CreatePrincipal(token.Claims, Options.NameClaim, [Options.RoleClaim], Options.ToolClaim, ToolCatalogAuthenticationSchemes.Jwt, Options.TenantClaim);

    [Test]
    public void A_tokens_tenant_claim_binds_the_principal_to_that_tenant()
    {
        var principal = Map(Token(("org", "acme"), ("role", "admin")));

        Assert.That(principal!.FindAll(ToolCatalogClaims.Tenant).Select(static c => c.Value), Is.EqualTo(new[] { "acme" }));
    }

    [Test]
    public void A_token_naming_two_tenants_signs_nothing_in()
    {
        Assert.That(Map(Token(("org", "acme"), ("org", "globex"), ("role", "admin"))), Is.Null);
    }

    [Test]
    public void A_token_whose_tenant_is_not_a_tenant_id_signs_nothing_in()
    {
        Assert.That(Map(Token(("org", "Acme Inc"), ("role", "viewer"))), Is.Null);
    }

    [Test]
    public void A_token_cannot_smuggle_the_tenant_claim_type_past_the_mapping()
    {
        var principal = Map(Token((ToolCatalogClaims.Tenant, "globex"), ("role", "viewer")));

        Assert.That(principal!.HasClaim(static c => c.Type == ToolCatalogClaims.Tenant), Is.False, "only the configured TenantClaim gives a tenant");
    }
}
