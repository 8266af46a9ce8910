namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>
/// The authorization policies every endpoint of the API names (registered by <c>AddToolCatalogServer</c>). A host may
/// use them on its own endpoints too.
/// </summary>
public static class ToolCatalogPolicies
{
    /// <summary>Any signed-in principal with one of the three roles: reads.</summary>
    public const string Viewer = "ToolCatalog.Viewer";

    /// <summary>The <see cref="ToolCatalogRoles.Admin"/> role: creating tools, import, keys.</summary>
    public const string Admin = "ToolCatalog.Admin";

    /// <summary>
    /// An admin, or an owner of the tool the route's <c>{name}</c> names: changing, enabling, disabling, deprecating,
    /// rolling back and deleting that tool.
    /// </summary>
    public const string ToolOwner = "ToolCatalog.ToolOwner";
}
