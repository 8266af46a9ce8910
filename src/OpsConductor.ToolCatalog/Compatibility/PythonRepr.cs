using System.Globalization;
using System.Text;

namespace OpsConductor.ToolCatalog.Compatibility;

/// <summary>
/// Python's <c>repr</c> of the values the original showed in its messages and output: floats, strings and lists of
/// strings. This is the library's one formatter of a number "the Python way"; everything that writes a float as the
/// original would have (expression errors, <c>toolcatalog estimate</c>, strict validation messages) goes through
/// <see cref="Float"/>.
/// </summary>
internal static class PythonRepr
{
    /// <summary>Python's <c>repr(float)</c>: the shortest digits that round-trip, in fixed notation when the decimal
    /// exponent is in [-4, 16) (always with a fractional part: <c>5.0</c>, <c>1000000000000000.0</c>, <c>0.0001</c>),
    /// otherwise in scientific notation with a signed, at least two-digit exponent (<c>1e+16</c>, <c>1e-05</c>,
    /// <c>1.5e+300</c>); <c>-0.0</c>, <c>inf</c>, <c>-inf</c>, <c>nan</c>.</summary>
    /// <remarks>The original's evaluator returned <c>float(result)</c>, so an estimate is always a float there:
    /// <c>2150</c> computed from integers is shown as <c>2150.0</c>, as Python would print it.</remarks>
    public static string Float(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        // "R" gives the shortest round-trip digits (as Python's repr does), in .NET's own notation: split it into the
        // significant digits and the decimal exponent of the first of them, then lay them out as Python does.
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r.StartsWith('-');
        if (negative)
        {
            r = r[1..];
        }

        var exponent = 0;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        var mantissa = r;
        if (e >= 0)
        {
            mantissa = r[..e];
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var whole = dot >= 0 ? mantissa[..dot] : mantissa;
        var all = whole + (dot >= 0 ? mantissa[(dot + 1)..] : "");
        var digits = all.TrimStart('0');
        var leadingZeros = all.Length - digits.Length;
        digits = digits.TrimEnd('0');
        var text = new StringBuilder(negative ? "-" : "");
        if (digits.Length == 0)
        {
            return text.Append("0.0").ToString();
        }

        var scientific = whole.Length - 1 - leadingZeros + exponent; // decimal exponent of the first significant digit
        if (scientific is >= -4 and < 16)
        {
            if (scientific >= 0)
            {
                var integral = digits.Length > scientific + 1 ? digits[..(scientific + 1)] : digits.PadRight(scientific + 1, '0');
                var fraction = digits.Length > scientific + 1 ? digits[(scientific + 1)..] : "0";
                text.Append(integral).Append('.').Append(fraction);
            }
            else
            {
                text.Append("0.").Append('0', -scientific - 1).Append(digits);
            }
        }
        else
        {
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits.AsSpan(1));
            }

            text.Append('e').Append(scientific < 0 ? '-' : '+').Append(Math.Abs(scientific).ToString("00", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Python's <c>repr</c> of a list of strings: <c>['a', "it's"]</c>.</summary>
    public static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(String)) + "]";

    /// <summary>Python's <c>repr(str)</c>: single quotes unless the text holds a single quote and no double quote;
    /// backslash, the quote, <c>\n</c>, <c>\r</c>, <c>\t</c> and other control characters escaped.</summary>
    public static string String(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var text = new StringBuilder(value.Length + 2).Append(quote);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '\n': text.Append(@"\n"); break;
                case '\r': text.Append(@"\r"); break;
                case '\t': text.Append(@"\t"); break;
                case < ' ' or '\x7f': text.Append(@"\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default:
                    if (c == quote)
                    {
                        text.Append('\\');
                    }

                    text.Append(c);
                    break;
            }
        }

        return text.Append(quote).ToString();
    }
}
