namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>Where the repository and the shared compatibility corpus are, found from the test assembly's folder.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpsConductor.ToolCatalog.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException(
            $"Could not find OpsConductor.ToolCatalog.sln above {AppContext.BaseDirectory}.");
    });

    /// <summary>The repository root (the folder holding the .sln).</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary><c>../shared/</c> next to the repository: design docs and compatibility data, never copied in.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>The OpsConductor-NG compatibility corpus.</summary>
    public static string OpsConductorCompat => Path.Combine(Shared, "compat", "opsconductor-ng");

    /// <summary>The 223 tool YAML files of the original's final snapshot.</summary>
    public static string CompatTools => Path.Combine(OpsConductorCompat, "tools");

    /// <summary>The sample catalog shipped with this repository.</summary>
    public static string SampleTools => Path.Combine(RepositoryRoot, "samples", "tools");
}
