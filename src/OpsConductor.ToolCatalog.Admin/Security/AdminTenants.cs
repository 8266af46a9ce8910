using Npgsql;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tenancy;

namespace OpsConductor.ToolCatalog.Admin.Security;

/// <summary>
/// Whether a principal bound to a tenant (an API key made with <c>--tenant</c>, an id token's tenant claim) may work in
/// the admin UI now, and the sentences that say why not. Checked at sign-in (both ways) and again on every page the
/// session opens, so a tenant disabled after its users signed in is refused from then on.
/// </summary>
internal static class AdminTenants
{
    /// <summary>The tenant has no row: the key or token names a tenant the catalog does not have.</summary>
    public const string Unknown = "tenant-unknown";

    /// <summary>The tenant is disabled (its overlay can no longer be written).</summary>
    public const string Disabled = "tenant-disabled";

    /// <summary>The tenants could not be read (the database is not reachable).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>
    /// The tenant <paramref name="tenant"/> read on the global path (<paramref name="store"/> must be the server's own,
    /// unscoped store: a tenant's scope may not list tenants), and why its principals may not work in the admin UI
    /// (<see cref="Unknown"/>, <see cref="Disabled"/>, <see cref="Unavailable"/>), or null when they may.
    /// </summary>
    public static async Task<(TenantInfo? Tenant, string? Refusal)> CheckAsync(ToolCatalogStore store, string tenant, CancellationToken cancellationToken)
    {
        IReadOnlyList<TenantInfo> all;
        try
        {
            all = await store.ListTenantsAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or ToolCatalogException)
        {
            return (null, Unavailable);
        }

        var info = all.FirstOrDefault(t => string.Equals(t.Id, tenant, StringComparison.Ordinal));
        return info is null ? (null, Unknown)
            : info.State == TenantState.Disabled ? (info, Disabled)
            : (info, null);
    }

    /// <summary>What <paramref name="refusal"/> (a code of <see cref="CheckAsync"/>) means for <paramref name="tenant"/>, as a sentence for the user.</summary>
    public static string Message(string refusal, string tenant) => refusal switch
    {
        Disabled => $"Tenant '{tenant}' is disabled, so its keys and users are not signed in to the admin UI: a disabled tenant's catalog "
            + $"can no longer be changed (the catalog refuses its writes: \"Tenant '{tenant}' is disabled\"). A global admin enables it again "
            + $"(toolcatalog tenants enable {tenant}, or PATCH /api/v1/tenants/{tenant}/enable).",
        Unknown => $"There is no tenant '{tenant}': the key or token names a tenant the catalog does not have, so it was not signed in "
            + "('toolcatalog tenants list' shows the tenants).",
        Unavailable => "The tenant could not be checked: the catalog database is not reachable. Try again in a moment.",
        _ => $"Tenant '{tenant}' cannot be served by this server: {refusal}.",
    };

    /// <summary>
    /// Why a principal of <paramref name="tenant"/> may not open a page of the global catalog (telemetry, experiments): the
    /// rule of the API's <c>tenant-global-only</c> answer (403), in the same words.
    /// </summary>
    public static string GlobalOnlyMessage(string? principal, string tenant, string page) =>
        $"'{principal}' works in tenant '{tenant}', and {page} belongs to the global catalog: telemetry, replay and experiments are global, "
        + "and tenants are managed by the global catalog's admins; only a principal without a tenant (a global admin or viewer) may use them. "
        + "Nothing was read or written.";
}
