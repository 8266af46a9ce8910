namespace OpsConductor.ToolCatalog.Storage;

/// <summary>The tool, or the version of it, does not exist (or was deleted).</summary>
public sealed class ToolNotFoundException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public ToolNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ToolNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ToolNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="toolName"/> (and <paramref name="version"/>, when given).</summary>
    public ToolNotFoundException(string toolName, string? version)
        : base(version is null
            ? $"Tool '{toolName}' does not exist (or was deleted)."
            : $"Version '{version}' of tool '{toolName}' does not exist (or was deleted).")
    {
        ToolName = toolName;
        Version = version;
    }

    internal static ToolNotFoundException For(string toolName, string? version) => new(toolName, version);

    /// <summary>The tool that was looked for.</summary>
    public string? ToolName { get; }

    /// <summary>The version that was looked for, if one was named.</summary>
    public string? Version { get; }
}
