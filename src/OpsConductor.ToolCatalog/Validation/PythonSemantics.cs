using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Validation;

/// <summary>
/// The bits of Python behaviour strict mode needs to reproduce <c>validate_tool.py</c> exactly: truthiness
/// (<c>not data[f]</c>), <c>float(x)</c> acceptance, and <c>str(x)</c> as f-strings render values in messages.
/// </summary>
internal static partial class PythonSemantics
{
    /// <summary>Python truthiness of the value PyYAML would have built.</summary>
    public static bool IsTruthy(YamlNode node) => node switch
    {
        YamlScalar { Kind: ScalarKind.Null } => false,
        YamlScalar { Kind: ScalarKind.Boolean } s => (bool)s.Value!,
        YamlScalar { Kind: ScalarKind.Integer } s => (long)s.Value! != 0,
        YamlScalar { Kind: ScalarKind.Float } s => (double)s.Value! != 0,
        YamlScalar s => s.Text.Length > 0,
        YamlSequence seq => seq.Items.Count > 0,
        YamlMapping map => map.Count > 0,
        _ => true,
    };

    /// <summary>Whether Python's <c>float(x)</c> succeeds (booleans and numeric strings included), and its value.</summary>
    public static bool TryFloat(YamlNode node, out double value)
    {
        value = 0;
        switch (node)
        {
            case YamlScalar { Kind: ScalarKind.Boolean } b:
                value = (bool)b.Value! ? 1 : 0;
                return true;
            case YamlScalar { IsNumber: true } n:
                value = n.AsDouble();
                return true;
            case YamlScalar { Kind: ScalarKind.String } s:
                return TryParseFloatString(s.Text, out value);
            default:
                return false;
        }
    }

    /// <summary>Python's <c>float(str)</c>: surrounding whitespace, '_' between digits, inf/infinity/nan in any case.</summary>
    public static bool TryParseFloatString(string text, out double value)
    {
        value = 0;
        var t = text.Trim();
        if (!FloatString().IsMatch(t))
        {
            return false;
        }

        var negative = t.StartsWith('-');
        var body = t.TrimStart('+', '-').ToUpperInvariant();
        if (body is "INF" or "INFINITY")
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (body == "NAN")
        {
            value = double.NaN;
            return true;
        }

        return double.TryParse(t.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Python's <c>str(x)</c> of the value PyYAML would have built.</summary>
    public static string Str(YamlNode node) => node is YamlScalar { Kind: ScalarKind.String } s ? s.Text : Repr(node);

    private static string Repr(YamlNode node) => node switch
    {
        YamlScalar { Kind: ScalarKind.Null } => "None",
        YamlScalar { Kind: ScalarKind.Boolean } b => (bool)b.Value! ? "True" : "False",
        YamlScalar { Kind: ScalarKind.Integer } i => ((long)i.Value!).ToString(CultureInfo.InvariantCulture),
        YamlScalar { Kind: ScalarKind.Float } f => FloatRepr((double)f.Value!),
        YamlScalar s => StringRepr(s.Text),
        YamlSequence seq => "[" + string.Join(", ", seq.Items.Select(Repr)) + "]",
        YamlMapping map => "{" + string.Join(", ", map.Entries.Select(e => Repr(e.Key) + ": " + Repr(e.Value))) + "}",
        _ => node.ToString() ?? "",
    };

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, fixed notation for exponents in [-4, 16).</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        // "E16" then trim gives the digits; "R" gives the shortest round-trip digits.
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r.StartsWith('-');
        if (negative)
        {
            r = r[1..];
        }

        string mantissa;
        var exponent = 0;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            mantissa = r[..e];
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        else
        {
            mantissa = r;
        }

        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return (negative ? "-" : "") + "0.0";
        }

        // Scientific exponent of the first significant digit.
        var sciExp = intPart.Length - 1 - leadingZeros + exponent;
        var text = new StringBuilder(negative ? "-" : "");
        if (sciExp >= -4 && sciExp < 16)
        {
            if (sciExp >= 0)
            {
                var whole = digits.Length > sciExp + 1 ? digits[..(sciExp + 1)] : digits.PadRight(sciExp + 1, '0');
                var frac = digits.Length > sciExp + 1 ? digits[(sciExp + 1)..] : "0";
                text.Append(whole).Append('.').Append(frac);
            }
            else
            {
                text.Append("0.").Append('0', -sciExp - 1).Append(digits);
            }
        }
        else
        {
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits.AsSpan(1));
            }

            text.Append('e').Append(sciExp < 0 ? '-' : '+').Append(Math.Abs(sciExp).ToString("00", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static string StringRepr(string text)
    {
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var body = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        if (quote == '\'')
        {
            body = body.Replace("'", "\\'", StringComparison.Ordinal);
        }

        return quote + body + quote;
    }

    [GeneratedRegex(@"^[+-]?(?:(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?|inf|infinity|nan)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex FloatString();
}
