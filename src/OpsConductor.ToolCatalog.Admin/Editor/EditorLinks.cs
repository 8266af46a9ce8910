namespace OpsConductor.ToolCatalog.Admin.Editor;

/// <summary>The addresses of the editor and the pages it links to.</summary>
internal static class EditorLinks
{
    public static string NewTool => ToolCatalogAdmin.Path + "/editor";

    public static string FromTemplate(string id) => $"{NewTool}?template={Uri.EscapeDataString(id)}";

    public static string CopyOf(string toolName) => $"{NewTool}?copy={Uri.EscapeDataString(toolName)}";

    public static string NewVersion(string toolName) => $"{NewTool}/{Uri.EscapeDataString(toolName)}";

    public static string Tool(string toolName) => $"{ToolCatalogAdmin.Path}/tools/{Uri.EscapeDataString(toolName)}";
}
