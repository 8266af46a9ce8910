using System.Security.Claims;

namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>The claim types the management server reads from a signed-in principal, and the mapping of a provider's claims to them.</summary>
public static class ToolCatalogClaims
{
    /// <summary>One claim per tool an <see cref="ToolCatalogRoles.Owner"/> may change; the value is the tool's name.</summary>
    public const string Tool = "toolcatalog:tool";

    /// <summary>
    /// The tenant a principal is bound to (at most one claim; a tenant id): its requests read and write that tenant's
    /// catalog (the global one and the tenant's overlay) and may not administer the global catalog. A principal without
    /// it is a principal of the global catalog.
    /// </summary>
    public const string Tenant = "toolcatalog:tenant";

    /// <summary>
    /// The catalog's principal for the claims of a token from an identity provider (a bearer token of the API, the admin
    /// UI's OpenID Connect sign-in): its name from <paramref name="nameClaim"/> (else <c>sub</c>; a name starting with
    /// <c>key:</c> becomes <c>jwt:key:…</c>, so a token never passes for an API key in the audit log), the values of the
    /// <paramref name="roleClaims"/> that are catalog roles (<see cref="ToolCatalogRoles"/>, any case) as
    /// <see cref="ClaimTypes.Role"/>, the values of <paramref name="toolClaim"/> as <see cref="Tool"/>, and the one value of
    /// <paramref name="tenantClaim"/> (when given) as <see cref="Tenant"/>. The other claims are kept, except those of the
    /// four types the policies read (and <paramref name="tenantClaim"/>'s), which only this mapping gives. A principal with
    /// no catalog role is signed in but allowed nothing.
    /// </summary>
    /// <param name="claims">The token's claims, with the provider's own claim types (no inbound mapping).</param>
    /// <param name="nameClaim">The claim that names the principal.</param>
    /// <param name="roleClaims">The claims that carry roles (one claim per value; a JSON array in a token gives several).</param>
    /// <param name="toolClaim">The claim that carries the tools an owner may change.</param>
    /// <param name="authenticationType">The identity's authentication type (the scheme that signed it in).</param>
    /// <param name="tenantClaim">The claim that binds the principal to a tenant; null: the claims bind it to none.</param>
    /// <returns>The principal; null when the claims name no one (neither <paramref name="nameClaim"/> nor <c>sub</c>), or
    /// name several tenants, or a tenant that is not a tenant id (a token must not pick one of them).</returns>
    public static ClaimsPrincipal? CreatePrincipal(IEnumerable<Claim> claims, string nameClaim, IReadOnlyCollection<string> roleClaims, string toolClaim, string authenticationType, string? tenantClaim = null)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(roleClaims);
        var all = claims.ToList();
        var name = First(nameClaim) ?? First("sub");
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        if (name.StartsWith(ApiKeyStore.PrincipalPrefix, StringComparison.Ordinal))
        {
            name = "jwt:" + name;
        }

        // At most one tenant, and a valid id: a token naming two tenants (or a malformed one) must not pick either.
        var tenants = tenantClaim is null ? [] : all.Where(c => c.Type == tenantClaim).Select(static c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        if (tenants.Count > 1 || (tenants.Count == 1 && !OpsConductor.ToolCatalog.Tenancy.TenantId.IsValid(tenants[0])))
        {
            return null;
        }

        var mapped = new List<Claim> { new(ClaimTypes.Name, name) };
        if (tenants.Count == 1)
        {
            mapped.Add(new Claim(Tenant, tenants[0]));
        }

        mapped.AddRange(all
            .Where(c => roleClaims.Contains(c.Type, StringComparer.Ordinal))
            .Select(static c => c.Value.ToLowerInvariant())
            .Where(ToolCatalogRoles.IsKnown)
            .Distinct(StringComparer.Ordinal)
            .Select(static role => new Claim(ClaimTypes.Role, role)));
        mapped.AddRange(all
            .Where(c => c.Type == toolClaim && c.Value.Length > 0)
            .Select(static c => c.Value)
            .Distinct(StringComparer.Ordinal)
            .Select(static tool => new Claim(Tool, tool)));
        mapped.AddRange(all.Where(c => c.Type is not (ClaimTypes.Name or ClaimTypes.Role or Tool or Tenant) && c.Type != tenantClaim));
        return new ClaimsPrincipal(new ClaimsIdentity(mapped, authenticationType, ClaimTypes.Name, ClaimTypes.Role));

        string? First(string type) => all.FirstOrDefault(c => c.Type == type)?.Value;
    }
}
