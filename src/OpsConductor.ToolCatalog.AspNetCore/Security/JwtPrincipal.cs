using System.Security.Claims;

namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>
/// Turns a validated token's principal into the catalog's: its name from <see cref="ToolCatalogJwtOptions.NameClaim"/>
/// (else <c>sub</c>), the values of <see cref="ToolCatalogJwtOptions.RoleClaim"/> that are catalog roles (any case) as
/// <see cref="ClaimTypes.Role"/>, the values of <see cref="ToolCatalogJwtOptions.ToolClaim"/> as
/// <see cref="ToolCatalogClaims.Tool"/>, the one value of <see cref="ToolCatalogJwtOptions.TenantClaim"/> as
/// <see cref="ToolCatalogClaims.Tenant"/> (several, or one that is not a tenant id: no principal). The token's other
/// claims are kept, except those of the four types the policies read, which only the mapping may give.
/// </summary>
internal static class JwtPrincipal
{
    public static ClaimsPrincipal? Map(ClaimsPrincipal token, ToolCatalogJwtOptions options)
    {
        var claims = token.Claims.ToList();
        var name = First(options.NameClaim) ?? First("sub");
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        // A token must never pass for an API key in the audit log.
        if (name.StartsWith(ApiKeyStore.PrincipalPrefix, StringComparison.Ordinal))
        {
            name = "jwt:" + name;
        }

        // At most one tenant, and a valid id: a token naming two tenants (or a malformed one) must not pick either.
        var tenants = claims.Where(c => c.Type == options.TenantClaim).Select(static c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        if (tenants.Count > 1 || (tenants.Count == 1 && !OpsConductor.ToolCatalog.Tenancy.TenantId.IsValid(tenants[0])))
        {
            return null;
        }

        var mapped = new List<Claim> { new(ClaimTypes.Name, name) };
        if (tenants.Count == 1)
        {
            mapped.Add(new Claim(ToolCatalogClaims.Tenant, tenants[0]));
        }

        mapped.AddRange(claims
            .Where(c => c.Type == options.RoleClaim)
            .Select(static c => c.Value.ToLowerInvariant())
            .Where(ToolCatalogRoles.IsKnown)
            .Distinct(StringComparer.Ordinal)
            .Select(static role => new Claim(ClaimTypes.Role, role)));
        mapped.AddRange(claims
            .Where(c => c.Type == options.ToolClaim && c.Value.Length > 0)
            .Select(static c => c.Value)
            .Distinct(StringComparer.Ordinal)
            .Select(static tool => new Claim(ToolCatalogClaims.Tool, tool)));
        mapped.AddRange(claims.Where(c => c.Type is not (ClaimTypes.Name or ClaimTypes.Role or ToolCatalogClaims.Tool or ToolCatalogClaims.Tenant) && c.Type != options.TenantClaim));
        return new ClaimsPrincipal(new ClaimsIdentity(mapped, ToolCatalogAuthenticationSchemes.Jwt, ClaimTypes.Name, ClaimTypes.Role));

        string? First(string type) => claims.FirstOrDefault(c => c.Type == type)?.Value;
    }
}
