namespace OpsConductor.ToolCatalog.Tenancy;

/// <summary>Whether a tenant's overlay may be written.</summary>
public enum TenantState
{
    /// <summary>The tenant works normally.</summary>
    Active,

    /// <summary>The tenant was disabled by a global administrator: the database refuses writes to its overlay (its rows stay).</summary>
    Disabled,
}
