using System.Text.RegularExpressions;

namespace OpsConductor.ToolCatalog.Tenancy;

/// <summary>
/// The rule for tenant ids, the same as the database's check (schema 0012): 1 to 63 characters, lower-case ASCII letters,
/// digits and <c>-</c>, starting and ending with a letter or a digit (a DNS label: safe in URLs, file names, claims and
/// notification payloads).
/// </summary>
public static partial class TenantId
{
    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "1 to 63 characters: lower-case letters a-z, digits and hyphens, starting and ending with a letter or digit";

    /// <summary>Whether <paramref name="id"/> follows the rule.</summary>
    /// <param name="id">A candidate tenant id.</param>
    /// <returns>True when it may name a tenant.</returns>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the id and the rule unless <paramref name="id"/> follows it.</summary>
    /// <param name="id">A candidate tenant id.</param>
    /// <param name="parameterName">The parameter (or option) the id came from, named in the error.</param>
    /// <exception cref="ArgumentException">The id breaks the rule.</exception>
    public static void ThrowIfInvalid(string? id, string parameterName)
    {
        if (!IsValid(id))
        {
            throw new ArgumentException($"The tenant id '{id}' is not valid: a tenant id has {Rule}.", parameterName);
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
