namespace OpsConductor.ToolCatalog.Tenancy;

/// <summary>A tenant of the catalog: its own overlay over the global catalog (see <c>docs/tenancy.md</c>).</summary>
/// <param name="Id">The tenant's id (see <see cref="TenantId"/> for the rule).</param>
/// <param name="Name">A display name.</param>
/// <param name="State">Active or disabled.</param>
/// <param name="CreatedAt">When the tenant was created.</param>
/// <param name="CreatedBy">Who created it.</param>
public sealed record TenantInfo(string Id, string Name, TenantState State, DateTimeOffset CreatedAt, string CreatedBy);
