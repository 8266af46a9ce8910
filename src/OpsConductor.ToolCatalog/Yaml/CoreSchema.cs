using System.Globalization;
using System.Text.RegularExpressions;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>
/// Resolves plain scalars with the YAML 1.2 core schema (null, bool, int, float, str), and tells when
/// PyYAML's YAML 1.1 resolution (what the original system used) would have read the same text differently.
/// </summary>
internal static partial class CoreSchema
{
    public const string TagPrefix = "tag:yaml.org,2002:";
    public const string NullTag = TagPrefix + "null";
    public const string BoolTag = TagPrefix + "bool";
    public const string IntTag = TagPrefix + "int";
    public const string FloatTag = TagPrefix + "float";
    public const string StrTag = TagPrefix + "str";
    public const string SeqTag = TagPrefix + "seq";
    public const string MapTag = TagPrefix + "map";

    /// <summary>Resolves an untagged plain scalar.</summary>
    public static (ScalarKind Kind, object? Value) ResolvePlain(string text)
    {
        if (TryNull(text))
        {
            return (ScalarKind.Null, null);
        }

        if (TryBool(text, out var b))
        {
            return (ScalarKind.Boolean, b);
        }

        if (TryInt(text, out var number))
        {
            return number;
        }

        if (TryFloat(text, out var d))
        {
            return (ScalarKind.Float, d);
        }

        return (ScalarKind.String, text);
    }

    public static bool TryNull(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    public static bool TryBool(string text, out bool value)
    {
        switch (text)
        {
            case "true" or "True" or "TRUE":
                value = true;
                return true;
            case "false" or "False" or "FALSE":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Core-schema integers; a decimal too large for 64 bits resolves as a float, as YAML allows.</summary>
    public static bool TryInt(string text, out (ScalarKind Kind, object? Value) result)
    {
        result = default;
        if (DecimalInt().IsMatch(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                result = (ScalarKind.Integer, l);
            }
            else
            {
                result = (ScalarKind.Float, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
            }

            return true;
        }

        if (OctalInt().IsMatch(text))
        {
            return TryRadix(text[2..], 8, out result);
        }

        if (HexInt().IsMatch(text))
        {
            return TryRadix(text[2..], 16, out result);
        }

        return false;
    }

    public static bool TryFloat(string text, out double value)
    {
        value = 0;
        if (CoreFloat().IsMatch(text))
        {
            value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return true;
        }

        switch (text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                value = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// When PyYAML (YAML 1.1) would resolve this plain scalar to a different type or value than the core schema
    /// did, describes what PyYAML would have read (e.g. "the boolean true"); otherwise null.
    /// </summary>
    public static string? DescribeYaml11Difference(string text, ScalarKind kind, object? value)
    {
        if (text.Length == 0 || text.Length > 64 || !MayDifferUnderYaml11(text[0]))
        {
            return null;
        }

        if (Yaml11Bool().IsMatch(text))
        {
            var b = text[0] is 'y' or 'Y' || text is "on" or "On" or "ON" || text[0] is 't' or 'T';
            return kind == ScalarKind.Boolean && (bool)value! == b ? null : $"the boolean {(b ? "true" : "false")}";
        }

        if (Yaml11Int().IsMatch(text) && TryYaml11Int(text, out var i))
        {
            return kind == ScalarKind.Integer && (long)value! == i ? null : $"the integer {i.ToString(CultureInfo.InvariantCulture)}";
        }

        if (Yaml11Float().IsMatch(text))
        {
            return kind is ScalarKind.Float or ScalarKind.Integer ? null : "a float";
        }

        if (Yaml11Timestamp().IsMatch(text))
        {
            return "a timestamp (date)";
        }

        if (text == "=")
        {
            return "the 'value' key";
        }

        // Core-schema numbers that YAML 1.1 reads as strings (1e3, 0o17, 1.0e5 without a sign, .5e3).
        if (kind is ScalarKind.Integer or ScalarKind.Float && !Yaml11Int().IsMatch(text) && !Yaml11Float().IsMatch(text))
        {
            return "a string";
        }

        return null;
    }

    /// <summary>Only scalars starting like a YAML 1.1 bool, number, timestamp or the '=' key can resolve differently.</summary>
    private static bool MayDifferUnderYaml11(char first) =>
        first is (>= '0' and <= '9') or '+' or '-' or '.' or '=' or 'y' or 'Y' or 'n' or 'N' or 'o' or 'O' or 't' or 'T' or 'f' or 'F';

    private static bool TryYaml11Int(string text, out long value)
    {
        value = 0;
        var t = text.Replace("_", "", StringComparison.Ordinal);
        var negative = t.StartsWith('-');
        if (t.StartsWith('-') || t.StartsWith('+'))
        {
            t = t[1..];
        }

        try
        {
            if (t.Contains(':', StringComparison.Ordinal))
            {
                foreach (var part in t.Split(':'))
                {
                    value = checked((value * 60) + long.Parse(part, CultureInfo.InvariantCulture));
                }
            }
            else if (t.StartsWith("0b", StringComparison.Ordinal))
            {
                value = Convert.ToInt64(t[2..], 2);
            }
            else if (t.StartsWith("0x", StringComparison.Ordinal))
            {
                value = Convert.ToInt64(t[2..], 16);
            }
            else if (t.Length > 1 && t[0] == '0')
            {
                value = Convert.ToInt64(t[1..], 8);
            }
            else
            {
                value = long.Parse(t, CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is OverflowException or FormatException or ArgumentException)
        {
            return false;
        }

        value = negative ? -value : value;
        return true;
    }

    private static bool TryRadix(string digits, int radix, out (ScalarKind Kind, object? Value) result)
    {
        try
        {
            result = (ScalarKind.Integer, Convert.ToInt64(digits, radix));
            return true;
        }
        catch (OverflowException)
        {
            result = (ScalarKind.String, null);
            return false;
        }
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInt();

    [GeneratedRegex(@"^0o[0-7]+$", RegexOptions.CultureInvariant)]
    private static partial Regex OctalInt();

    [GeneratedRegex(@"^0x[0-9a-fA-F]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HexInt();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CoreFloat();

    // PyYAML's implicit resolvers (yaml/resolver.py).
    [GeneratedRegex(@"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$", RegexOptions.CultureInvariant)]
    private static partial Regex Yaml11Bool();

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Yaml11Int();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex Yaml11Float();

    [GeneratedRegex(@"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$", RegexOptions.CultureInvariant)]
    private static partial Regex Yaml11Timestamp();
}
