namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>The claim types the management server reads from a signed-in principal.</summary>
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
}
