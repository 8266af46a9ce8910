namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>The roles of the management server, as the role claim carries them.</summary>
public static class ToolCatalogRoles
{
    /// <summary>Creates, changes and deletes any tool, imports, manages keys.</summary>
    public const string Admin = "admin";

    /// <summary>Changes the tools named by its <see cref="ToolCatalogClaims.Tool"/> claims; reads everything.</summary>
    public const string Owner = "owner";

    /// <summary>Reads everything: tools, versions, audit, selection and estimates.</summary>
    public const string Viewer = "viewer";

    /// <summary>Whether <paramref name="role"/> is one of the three roles (case-sensitive, as claims compare).</summary>
    public static bool IsKnown(string? role) => role is Admin or Owner or Viewer;
}
