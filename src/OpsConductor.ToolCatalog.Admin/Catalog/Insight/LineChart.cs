using System.Globalization;

namespace OpsConductor.ToolCatalog.Admin.Catalog;

/// <summary>A line to draw: a name for the legend, its colour, and its values over time.</summary>
internal sealed record ChartSeries(string Name, string Color, IReadOnlyList<(DateTimeOffset At, double Value)> Values);

/// <summary>A value placed in the chart's SVG coordinates.</summary>
internal readonly record struct ChartPoint(double X, double Y, DateTimeOffset At, double Value);

/// <summary>A series placed in the chart: its points, and the SVG <c>points</c> attribute of its polyline.</summary>
internal sealed record PlottedSeries(string Name, string Color, IReadOnlyList<ChartPoint> Points)
{
    /// <summary>"x,y x,y …" with invariant numbers, one decimal.</summary>
    public string Polyline => string.Join(' ', Points.Select(static p => string.Create(CultureInfo.InvariantCulture, $"{p.X:0.#},{p.Y:0.#}")));
}

/// <summary>A label on an axis, at its SVG coordinate (x for the time axis, y for the value axis).</summary>
internal readonly record struct AxisTick(double Position, string Label);

/// <summary>
/// A time-series line chart laid out for plain SVG (decision 1701's addendum): time runs linearly from the window's start
/// to its end across the plot; values from 0 to a round maximum (1, 2, 2.5 or 5 times a power of ten) at or above the
/// largest value, bottom to top. Values that are not finite, or outside the window, are left out.
/// </summary>
internal sealed class LineChart
{
    public const double Left = 60;
    public const double Right = 12;
    public const double Top = 10;
    public const double Bottom = 26;

    private LineChart(double width, double height, double maximum, IReadOnlyList<PlottedSeries> series, IReadOnlyList<AxisTick> valueTicks, IReadOnlyList<AxisTick> timeTicks)
    {
        Width = width;
        Height = height;
        Maximum = maximum;
        Series = series;
        ValueTicks = valueTicks;
        TimeTicks = timeTicks;
    }

    public double Width { get; }

    public double Height { get; }

    /// <summary>The value at the top of the plot.</summary>
    public double Maximum { get; }

    public IReadOnlyList<PlottedSeries> Series { get; }

    /// <summary>0, a quarter, half, three quarters and all of <see cref="Maximum"/>, with their y.</summary>
    public IReadOnlyList<AxisTick> ValueTicks { get; }

    /// <summary>The window's start, middle and end, with their x.</summary>
    public IReadOnlyList<AxisTick> TimeTicks { get; }

    /// <summary>The x of the plot's left edge, and of its right edge.</summary>
    public double PlotLeft { get; } = Left;

    public double PlotRight => Width - Right;

    /// <summary>The y of the plot's bottom (value 0), and of its top (<see cref="Maximum"/>).</summary>
    public double PlotBottom => Height - Bottom;

    public double PlotTop { get; } = Top;

    public static LineChart Plot(IReadOnlyList<ChartSeries> series, DateTimeOffset from, DateTimeOffset to, double width = 640, double height = 220)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (to <= from)
        {
            throw new ArgumentException($"The chart's window must end after it starts ({from:O} to {to:O}).", nameof(to));
        }

        var kept = series.Select(s => (s, Values: s.Values.Where(v => double.IsFinite(v.Value) && v.At >= from && v.At <= to).OrderBy(static v => v.At).ToList())).ToList();
        var largest = kept.SelectMany(static k => k.Values).Select(static v => v.Value).DefaultIfEmpty(0).Max();
        var maximum = RoundUp(largest);
        var span = (to - from).Ticks;
        double X(DateTimeOffset at) => Left + ((width - Left - Right) * (at - from).Ticks / span);
        double Y(double value) => height - Bottom - ((height - Bottom - Top) * Math.Max(0, value) / maximum);

        var plotted = kept.Select(k => new PlottedSeries(k.s.Name, k.s.Color, [.. k.Values.Select(v => new ChartPoint(X(v.At), Y(v.Value), v.At, v.Value))])).ToList();
        var valueTicks = Enumerable.Range(0, 5).Select(i => maximum * i / 4).Select(v => new AxisTick(Y(v), Number(v))).ToList();
        var timeTicks = new[] { from, from + ((to - from) / 2), to }.Select(t => new AxisTick(X(t), t.UtcDateTime.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture))).ToList();
        return new LineChart(width, height, maximum, plotted, valueTicks, timeTicks);
    }

    /// <summary>The smallest of 1, 2, 2.5, 5 × 10^k at or above <paramref name="value"/> (1 for nothing above 0).</summary>
    internal static double RoundUp(double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            // A tolerance for the power's rounding (1000 must stay 1000, not become 2000).
            if (step * power >= value * (1 - 1e-12))
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    /// <summary>A value's label: whole numbers with thousands separators, else up to two decimals.</summary>
    internal static string Number(double value) =>
        value.ToString(Math.Abs(value - Math.Round(value)) < 1e-9 ? "#,0" : "#,0.##", CultureInfo.InvariantCulture);
}
