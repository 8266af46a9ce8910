namespace OpsConductor.ToolCatalog.Storage;

/// <summary>The SQL that puts a transaction in a tenant's scope (schema 0012, decision 1901).</summary>
internal static class TenantSql
{
    /// <summary>The role a tenant's transactions run as: NOLOGIN, without BYPASSRLS, subject to the tenant policies.</summary>
    public const string TenantRole = "tool_catalog_tenant";

    /// <summary>
    /// Switches the current transaction to the tenant role and names the tenant, both transaction-local (<c>SET LOCAL
    /// ROLE</c> and <c>SET LOCAL tool_catalog.tenant</c> as one statement, so no extra round trip when sent in the batch
    /// of the transaction's first command). Parameter: <c>@Tenant</c>.
    /// </summary>
    public const string EnterTenant = "SELECT set_config('role', 'tool_catalog_tenant', true), set_config('tool_catalog.tenant', @Tenant, true)";
}
