namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>The repository root and the shared compatibility corpus (never copied into the repository).</summary>
internal static class CliPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpsConductor.ToolCatalog.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"Could not find OpsConductor.ToolCatalog.sln above {AppContext.BaseDirectory}.");
    });

    public static string RepositoryRoot => Root.Value;

    public static string Compat => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "compat", "opsconductor-ng"));

    public static string Samples => Path.Combine(RepositoryRoot, "samples", "tools");
}
