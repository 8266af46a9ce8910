namespace OpsConductor.ToolCatalog.Storage;

/// <summary>The SQL of tenant scopes (schemas 0012 and 0013, decision 1901): entering one, and the predicates that say which
/// rows a query is about. Every predicate takes <c>@Tenant</c> (null on the global path) and names the row alias it filters.</summary>
internal static class TenantSql
{
    /// <summary>The role a tenant's transactions run as: NOLOGIN, without BYPASSRLS, subject to the tenant policies.</summary>
    public const string TenantRole = "tool_catalog_tenant";

    /// <summary>
    /// Switches the current transaction to the tenant role and names the tenant, both transaction-local (schema 0013's
    /// procedure: <c>SET LOCAL ROLE</c> and <c>SET LOCAL tool_catalog.tenant</c>). A CALL returns no result set, so it is
    /// sent in the batch of the transaction's first command (<see cref="Enter"/>): no extra round trip, and the reader sees
    /// the command's own results. Parameter: <c>@Tenant</c>.
    /// </summary>
    public const string EnterTenant = "CALL tool_catalog.enter_tenant(@Tenant)";

    /// <summary><paramref name="sql"/> preceded by <see cref="EnterTenant"/> in the same batch (one round trip).</summary>
    public static string Enter(string sql) => EnterTenant + ";\n" + sql;

    /// <summary>Tool rows (alias <c>t</c>) of the catalog being written: the tenant's own rows in a tenant scope, the
    /// global rows otherwise. Writes (version heads, clearing the latest flag) and exports see only these.</summary>
    public const string Own = "t.tenant_id IS NOT DISTINCT FROM @Tenant::text";

    /// <summary>Change-feed rows (no alias) a scope reads: the global rows, and in a tenant scope the tenant's too.</summary>
    public const string VisibleChange = "(tenant_id IS NULL OR tenant_id = @Tenant::text)";

    /// <summary>Audit rows (alias <c>a</c>) a scope reads: the global rows, and in a tenant scope the tenant's too.</summary>
    public const string VisibleAudit = "(a.tenant_id IS NULL OR a.tenant_id = @Tenant::text)";

    /// <summary>
    /// Tool rows (alias <c>t</c>) that make up the catalog as a scope sees it (the overlay): on the global path the global
    /// rows; in a tenant scope the tenant's own rows, and the global rows of every name the tenant neither shadows (it has
    /// a latest version of its own under that name) nor disabled for itself.
    /// </summary>
    public const string InView = """
        (t.tenant_id = @Tenant::text
            OR (t.tenant_id IS NULL AND (@Tenant::text IS NULL
                OR (NOT EXISTS (SELECT 1 FROM tool_catalog.tools shadow
                                WHERE shadow.tool_name = t.tool_name AND shadow.tenant_id = @Tenant::text AND shadow.is_latest)
                    AND NOT EXISTS (SELECT 1 FROM tool_catalog.tenant_disabled_tools hidden
                                    WHERE hidden.tenant_id = @Tenant::text AND hidden.tool_name = t.tool_name)))))
        """;
}
