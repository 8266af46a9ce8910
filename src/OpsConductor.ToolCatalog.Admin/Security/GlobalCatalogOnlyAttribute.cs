namespace OpsConductor.ToolCatalog.Admin.Security;

/// <summary>
/// Marks an admin page that shows the global catalog's own data (telemetry, experiments): the routes the API refuses a
/// principal bound to a tenant (<c>TenantScopeFilter</c>'s list, 403 <c>tenant-global-only</c>). The router's gate
/// (<c>TenantGate</c>) answers such a principal with a page saying why, server-side, before the page is built, and the
/// layout leaves these pages out of its navigation.
/// </summary>
/// <param name="what">What the page shows, as the refusal names it ("the telemetry of the catalog").</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class GlobalCatalogOnlyAttribute(string what) : Attribute
{
    /// <summary>What the page shows, as the refusal names it.</summary>
    public string What { get; } = what;
}
