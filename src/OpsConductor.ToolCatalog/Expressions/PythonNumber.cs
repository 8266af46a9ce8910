using System.Globalization;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>Writes numbers as Python's <c>repr</c> does (<c>inf</c>, <c>nan</c>, <c>1e+200</c>), for messages and output.</summary>
internal static class PythonNumber
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        if (value == Math.Floor(value) && Math.Abs(value) < 1e16)
        {
            return value.ToString("0", CultureInfo.InvariantCulture);
        }

        return value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
    }
}
