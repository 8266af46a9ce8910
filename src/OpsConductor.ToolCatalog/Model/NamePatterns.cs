using System.Text.RegularExpressions;

namespace OpsConductor.ToolCatalog.Model;

/// <summary>The documented forms of names and versions (see docs/validation.md).</summary>
internal static partial class NamePatterns
{
    /// <summary>Tool, capability and pattern names: a letter, then letters, digits, '_' or '-'; at most 100 characters
    /// (the database columns are VARCHAR(100)). Every canonical name of the original corpus fits: grep, Get-Service,
    /// Axis-VAPIX-Device-Info, asset-query, primary_capability.</summary>
    public static bool IsValidName(string name) => name.Length <= ToolFields.NameLength && Name().IsMatch(name);

    /// <summary>Versions: MAJOR.MINOR[.PATCH][-PRERELEASE], at most 20 characters (VARCHAR(20)): 1.0, 2.1.3, 1.0-rc.1.</summary>
    public static bool IsValidVersion(string version) => version.Length <= ToolFields.VersionLength && Version().IsMatch(version);

    public const string NameRule = "a letter, then letters, digits, '_' or '-', at most 100 characters (e.g. grep, Get-Service, asset-query, text_search)";

    public const string VersionRule = "MAJOR.MINOR[.PATCH][-PRERELEASE], at most 20 characters (e.g. \"1.0\", \"2.1.3\", \"1.0-rc.1\")";

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_\-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Name();

    [GeneratedRegex(@"^[0-9]+\.[0-9]+(\.[0-9]+)?(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Version();
}
