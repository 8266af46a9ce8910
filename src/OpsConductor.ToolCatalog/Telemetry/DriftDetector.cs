namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>
/// Finds drift in one pattern's time-ordered log ratios <c>ln(actual / estimated)</c> with two-sided CUSUMs on robustly
/// standardised, clipped values (decision 1502):
/// <list type="bullet">
/// <item><b>From its estimate</b>: the level departs from 0 by more than <see cref="DriftOptions.EstimateTolerance"/>,
/// over the whole series.</item>
/// <item><b>From its own earlier behaviour</b>: after the reference window (the first third of the series, 20 to 500
/// values), the level departs from the reference window's median.</item>
/// </list>
/// The scale is 1.4826 × the reference window's median absolute deviation (at least <see cref="DriftOptions.MinimumScale"/>),
/// each standardised value is clipped to ±<see cref="DriftOptions.Clip"/> so that a few wild outliers cannot raise an
/// alarm alone, and a CUSUM alarms when its sum passes <see cref="DriftOptions.Threshold"/>; the change is estimated to
/// start just after the sum last stood at zero before the alarm. Pure and allocation-light; not thread-bound.
/// </summary>
internal static class DriftDetector
{
    /// <summary>Looks for drift in <paramref name="logRatios"/> (oldest first).</summary>
    public static DriftResult Detect(ReadOnlySpan<double> logRatios, DriftOptions? options = null)
    {
        options ??= DriftOptions.Default;
        var n = logRatios.Length;
        if (n < options.MinimumSamples)
        {
            return new DriftResult(n, Enough: false, null, null, 0, 0);
        }

        var referenceLength = Math.Clamp(n / 3, 20, 500);
        var reference = logRatios[..referenceLength].ToArray();
        var median = Median(reference);
        for (var i = 0; i < reference.Length; i++)
        {
            reference[i] = Math.Abs(reference[i] - median);
        }

        var scale = Math.Max(1.4826 * Median(reference), options.MinimumScale);
        var estimate = Cusum(logRatios, 0, -options.EstimateTolerance, options.EstimateTolerance, scale, options);
        var behaviour = Cusum(logRatios, referenceLength, median, median, scale, options);
        return new DriftResult(n, Enough: true, estimate, behaviour, median, scale);
    }

    /// <summary>
    /// A two-sided CUSUM from <paramref name="start"/>: values above <paramref name="upper"/> push the upper sum, values below
    /// <paramref name="lower"/> the lower one (in units of <paramref name="scale"/>, clipped, less the allowance). Returns the
    /// index where the change that raised the first alarm began, or null when neither sum reached the threshold.
    /// </summary>
    private static int? Cusum(ReadOnlySpan<double> x, int start, double lower, double upper, double scale, DriftOptions options)
    {
        double high = 0, low = 0;
        int highStart = start, lowStart = start;
        for (var i = start; i < x.Length; i++)
        {
            var up = Math.Clamp((x[i] - upper) / scale, -options.Clip, options.Clip);
            var down = Math.Clamp((lower - x[i]) / scale, -options.Clip, options.Clip);
            if (high == 0)
            {
                highStart = i;
            }

            if (low == 0)
            {
                lowStart = i;
            }

            high = Math.Max(0, high + up - options.Allowance);
            low = Math.Max(0, low + down - options.Allowance);
            if (high > options.Threshold)
            {
                return highStart;
            }

            if (low > options.Threshold)
            {
                return lowStart;
            }
        }

        return null;
    }

    /// <summary>The median of <paramref name="values"/> (sorted in place).</summary>
    internal static double Median(double[] values)
    {
        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}

/// <summary>The drift detector's settings (decision 1502 says how the defaults were chosen).</summary>
internal sealed record DriftOptions
{
    /// <summary>The defaults.</summary>
    public static DriftOptions Default { get; } = new();

    /// <summary>Fewer values than this give no verdict.</summary>
    public int MinimumSamples { get; init; } = 40;

    /// <summary>The CUSUM's allowance k, in robust standard deviations: half the smallest shift meant to be found quickly.</summary>
    public double Allowance { get; init; } = 0.5;

    /// <summary>The CUSUM's decision threshold h, in robust standard deviations.</summary>
    public double Threshold { get; init; } = 15;

    /// <summary>Standardised values are clipped to ±this before they are summed.</summary>
    public double Clip { get; init; } = 3;

    /// <summary>The smallest scale used (in log ratio), so that identical times do not make every change infinite.</summary>
    public double MinimumScale { get; init; } = 0.01;

    /// <summary>How far (in log ratio) the level may sit from the estimate without being drift: ln 1.1, about 10%.</summary>
    public double EstimateTolerance { get; init; } = Math.Log(1.1);
}

/// <summary>What <see cref="DriftDetector.Detect"/> found.</summary>
/// <param name="Samples">How many values were examined.</param>
/// <param name="Enough">Whether there were enough for a verdict.</param>
/// <param name="FromEstimate">Where the departure from the estimate began (an index), or null.</param>
/// <param name="FromEarlier">Where the departure from the reference window began (an index), or null.</param>
/// <param name="ReferenceMedian">The reference window's median log ratio.</param>
/// <param name="Scale">The robust scale used.</param>
internal sealed record DriftResult(int Samples, bool Enough, int? FromEstimate, int? FromEarlier, double ReferenceMedian, double Scale);
