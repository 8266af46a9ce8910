using System.Globalization;
using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Compatibility;

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
        YamlScalar { Kind: ScalarKind.Float } f => PythonRepr.Float((double)f.Value!),
        YamlScalar s => PythonRepr.String(s.Text),
        YamlSequence seq => "[" + string.Join(", ", seq.Items.Select(Repr)) + "]",
        YamlMapping map => "{" + string.Join(", ", map.Entries.Select(e => Repr(e.Key) + ": " + Repr(e.Value))) + "}",
        _ => node.ToString() ?? "",
    };

    [GeneratedRegex(@"^[+-]?(?:(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?|inf|infinity|nan)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex FloatString();
}
