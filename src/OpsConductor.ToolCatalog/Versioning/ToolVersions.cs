using System.Globalization;
using System.Numerics;

namespace OpsConductor.ToolCatalog.Versioning;

/// <summary>Which part of a version a bump increments.</summary>
public enum VersionBump
{
    /// <summary>The third number: <c>1.2.3</c> → <c>1.2.4</c>, <c>1.0</c> → <c>1.0.1</c>.</summary>
    Patch,

    /// <summary>The second number, resetting the ones after it: <c>1.2.3</c> → <c>1.3.0</c>, <c>1</c> → <c>1.1</c>.</summary>
    Minor,

    /// <summary>The first number, resetting the ones after it: <c>1.2.3</c> → <c>2.0.0</c>, <c>1.0</c> → <c>2.0</c>.</summary>
    Major,
}

/// <summary>
/// The order of tool versions (which are free text such as <c>"1.0"</c>, <c>"2.0.3"</c> or <c>"1.0-beta"</c>) and how to
/// bump one. Versions are compared segment by segment (segments split at <c>.</c>, <c>-</c> and <c>+</c>): numbers as
/// numbers (<c>1.10</c> is after <c>1.9</c>), other text ordinally and before any number, a missing segment as <c>0</c>
/// (<c>1</c> and <c>1.0</c> are the same version in this order).
/// </summary>
public static class ToolVersions
{
    private static readonly char[] Separators = ['.', '-', '+'];

    /// <summary>Compares two versions: negative when <paramref name="left"/> is older, 0 when they are the same in this order, positive when it is newer.</summary>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var a = left.Trim().Split(Separators);
        var b = right.Trim().Split(Separators);
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "0";
            var y = i < b.Length ? b[i] : "0";
            var order = CompareSegment(x, y);
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }

    /// <summary>Whether <paramref name="next"/> comes after <paramref name="previous"/> (see <see cref="Compare"/>).</summary>
    public static bool Grows(string previous, string next) => Compare(next, previous) > 0;

    /// <summary>
    /// Bumps the numbers at the start of <paramref name="version"/> (its leading <c>N.N.N</c>; a suffix such as
    /// <c>-beta</c> is dropped). Missing numbers are added as <c>0</c> first, so a patch bump of <c>1.0</c> is
    /// <c>1.0.1</c>; the numbers after the bumped one become <c>0</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="version"/> does not start with a number, so there is nothing to bump.</exception>
    public static string Bump(string version, VersionBump part)
    {
        ArgumentNullException.ThrowIfNull(version);
        var numbers = new List<BigInteger>();
        foreach (var segment in version.Trim().Split('.'))
        {
            var digits = segment.TakeWhile(char.IsAsciiDigit).Count();
            if (digits == 0)
            {
                break;
            }

            numbers.Add(BigInteger.Parse(segment.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture));
            if (digits < segment.Length)
            {
                break;
            }
        }

        if (numbers.Count == 0)
        {
            throw new ArgumentException($"The version '{version}' does not start with a number (such as 1.0), so it cannot be bumped; give the new version in the tool instead.", nameof(version));
        }

        var index = part switch
        {
            VersionBump.Major => 0,
            VersionBump.Minor => 1,
            VersionBump.Patch => 2,
            _ => throw new ArgumentOutOfRangeException(nameof(part), part, "The part is patch, minor or major."),
        };
        while (numbers.Count <= index)
        {
            numbers.Add(BigInteger.Zero);
        }

        numbers[index]++;
        for (var i = index + 1; i < numbers.Count; i++)
        {
            numbers[i] = BigInteger.Zero;
        }

        return string.Join('.', numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)));
    }

    private static int CompareSegment(string x, string y)
    {
        var xNumber = x.Length > 0 && x.All(char.IsAsciiDigit);
        var yNumber = y.Length > 0 && y.All(char.IsAsciiDigit);
        if (xNumber && yNumber)
        {
            return BigInteger.Parse(x, NumberStyles.None, CultureInfo.InvariantCulture)
                .CompareTo(BigInteger.Parse(y, NumberStyles.None, CultureInfo.InvariantCulture));
        }

        if (xNumber != yNumber)
        {
            return xNumber ? 1 : -1;
        }

        return Math.Sign(string.CompareOrdinal(x, y));
    }
}
