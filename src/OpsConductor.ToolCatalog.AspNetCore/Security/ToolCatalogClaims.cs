namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>The claim types the management server reads from a signed-in principal.</summary>
public static class ToolCatalogClaims
{
    /// <summary>One claim per tool an <see cref="ToolCatalogRoles.Owner"/> may change; the value is the tool's name.</summary>
    public const string Tool = "toolcatalog:tool";
}
