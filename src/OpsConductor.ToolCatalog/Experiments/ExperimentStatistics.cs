using MathNet.Numerics.Distributions;

namespace OpsConductor.ToolCatalog.Experiments;

/// <summary>Whether the arms' sizes fit the split: Pearson's chi-square test with one degree of freedom.</summary>
/// <param name="ExpectedShareB">The split: the share of enrolments expected in arm B.</param>
/// <param name="ObservedShareB">The share observed in arm B.</param>
/// <param name="ChiSquare">The statistic.</param>
/// <param name="PValue">Its p-value.</param>
/// <param name="IsMismatch">Whether p &lt; <see cref="ExperimentStatistics.MismatchThreshold"/>: assignment or logging is broken, and no decision may be drawn.</param>
public sealed record SampleRatioCheck(double ExpectedShareB, double ObservedShareB, double ChiSquare, double PValue, bool IsMismatch);

/// <summary>Success rates of the two arms compared.</summary>
/// <param name="RateA">Arm A's success rate.</param>
/// <param name="RateB">Arm B's success rate.</param>
/// <param name="Difference">B − A.</param>
/// <param name="Lower">The difference's confidence interval, lower end (unpooled normal approximation).</param>
/// <param name="Upper">The difference's confidence interval, upper end.</param>
/// <param name="PValue">The two-sided p-value of the two-proportion z-test (pooled variance) at a fixed horizon.</param>
/// <param name="Variance">The variance of <paramref name="Difference"/> (unpooled), for the sequential test.</param>
public sealed record ProportionComparison(double RateA, double RateB, double Difference, double Lower, double Upper, double PValue, double Variance);

/// <summary>Execution times of the two arms compared on the log scale (Welch's t-test on log time).</summary>
/// <param name="Ratio">B's geometric-mean time ÷ A's (below 1: B is faster).</param>
/// <param name="Lower">The ratio's confidence interval, lower end.</param>
/// <param name="Upper">The ratio's confidence interval, upper end.</param>
/// <param name="PValue">The two-sided p-value at a fixed horizon.</param>
/// <param name="LogDifference">mean(log B) − mean(log A), for the sequential test.</param>
/// <param name="Variance">The variance of <paramref name="LogDifference"/>, for the sequential test.</param>
public sealed record TimeComparison(double Ratio, double Lower, double Upper, double PValue, double LogDifference, double Variance);

/// <summary>A figure with its confidence interval.</summary>
/// <param name="Value">The estimate.</param>
/// <param name="Lower">The interval's lower end.</param>
/// <param name="Upper">The interval's upper end.</param>
public readonly record struct Estimate(double Value, double Lower, double Upper);

/// <summary>One arm's execution times: mean, median and 90th percentile, each with a confidence interval.</summary>
/// <param name="Count">How many executions.</param>
/// <param name="Mean">The mean (Student's t interval).</param>
/// <param name="Median">The median (distribution-free order-statistic interval).</param>
/// <param name="P90">The 90th percentile (order-statistic interval).</param>
public sealed record TimeSummary(int Count, Estimate Mean, Estimate Median, Estimate P90);

/// <summary>
/// An always-valid test of "no difference" (the mixture sequential probability ratio test, mSPRT, with a normal mixing
/// distribution; Johari, Koomen, Pekelis and Walsh, "Always Valid Inference", Operations Research 70(3), 2022): its
/// p-value may be read after every batch, as often as anyone likes, and is below α with probability at most α when the
/// arms do not differ. Feed it the current estimate of the difference and its variance at each look.
/// </summary>
/// <param name="MixtureVariance">τ², the variance of the normal mixture over effect sizes, in the squared units of the
/// difference: about the square of the effect worth detecting (<see cref="ExperimentStatistics.LogTimeMixtureVariance"/>,
/// <see cref="ExperimentStatistics.ProportionMixtureVariance"/>).</param>
public sealed class SequentialTest(double MixtureVariance)
{
    private double _pValue = 1;

    /// <summary>τ².</summary>
    public double MixtureVariance { get; } = MixtureVariance > 0 && double.IsFinite(MixtureVariance)
        ? MixtureVariance
        : throw new ArgumentOutOfRangeException(nameof(MixtureVariance), MixtureVariance, "The mixture variance must be a finite number > 0.");

    /// <summary>The always-valid p-value after the looks so far (never rises).</summary>
    public double PValue => _pValue;

    /// <summary>How many looks were taken.</summary>
    public int Looks { get; private set; }

    /// <summary>Takes one look.</summary>
    /// <param name="difference">The current estimate of the difference (B − A).</param>
    /// <param name="variance">Its variance (&gt; 0).</param>
    /// <returns>The always-valid p-value after this look.</returns>
    public double Look(double difference, double variance)
    {
        Looks++;
        if (variance > 0 && double.IsFinite(variance) && double.IsFinite(difference))
        {
            _pValue = Math.Min(_pValue, ExperimentStatistics.SequentialPValue(difference, variance, MixtureVariance));
        }

        return _pValue;
    }
}

/// <summary>
/// The statistics of an A/B test: the sample-ratio-mismatch check, the fixed-horizon tests (two proportions for
/// success, Welch's t on log time), the always-valid sequential p-value and confidence interval (mSPRT), and per-arm
/// summaries with intervals. Distributions from MathNet.Numerics.
/// </summary>
public static class ExperimentStatistics
{
    /// <summary>A sample-ratio mismatch is flagged below this p-value (0.001).</summary>
    public const double MismatchThreshold = 0.001;

    /// <summary>τ² for time on the log scale (0.01: effects of about 10 %).</summary>
    public const double LogTimeMixtureVariance = 0.01;

    /// <summary>τ² for a success rate (0.0004: differences of about 2 points).</summary>
    public const double ProportionMixtureVariance = 0.0004;

    /// <summary>Checks the arms' sizes against the split.</summary>
    /// <param name="enrolledA">Enrolments in arm A.</param>
    /// <param name="enrolledB">Enrolments in arm B.</param>
    /// <param name="split">The share expected in arm B (strictly between 0 and 1).</param>
    /// <returns>The check.</returns>
    public static SampleRatioCheck SampleRatio(long enrolledA, long enrolledB, double split)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(enrolledA);
        ArgumentOutOfRangeException.ThrowIfNegative(enrolledB);
        if (!(split is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(split), split, "The split must be strictly between 0 and 1 for a sample-ratio check.");
        }

        double total = enrolledA + enrolledB;
        if (total == 0)
        {
            return new SampleRatioCheck(split, double.NaN, 0, 1, false);
        }

        var expectedB = total * split;
        var expectedA = total - expectedB;
        var chi = ((enrolledA - expectedA) * (enrolledA - expectedA) / expectedA) + ((enrolledB - expectedB) * (enrolledB - expectedB) / expectedB);
        var p = 1 - ChiSquared.CDF(1, chi);
        return new SampleRatioCheck(split, enrolledB / total, chi, p, p < MismatchThreshold);
    }

    /// <summary>Compares the arms' success rates.</summary>
    /// <param name="successesA">Successes in A.</param>
    /// <param name="countA">Executions in A (&gt; 0).</param>
    /// <param name="successesB">Successes in B.</param>
    /// <param name="countB">Executions in B (&gt; 0).</param>
    /// <param name="confidence">The interval's confidence level (0.95).</param>
    /// <returns>The comparison.</returns>
    public static ProportionComparison CompareProportions(long successesA, long countA, long successesB, long countB, double confidence = 0.95)
    {
        CheckCount(successesA, countA, nameof(successesA));
        CheckCount(successesB, countB, nameof(successesB));
        var z = Normal.InvCDF(0, 1, 1 - ((1 - CheckConfidence(confidence)) / 2));
        var a = (double)successesA / countA;
        var b = (double)successesB / countB;
        var variance = (a * (1 - a) / countA) + (b * (1 - b) / countB);
        var pooled = (double)(successesA + successesB) / (countA + countB);
        var pooledSe = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / countA) + (1.0 / countB)));
        var p = pooledSe == 0 ? (a == b ? 1 : 0) : 2 * (1 - Normal.CDF(0, 1, Math.Abs(b - a) / pooledSe));
        var half = z * Math.Sqrt(variance);
        return new ProportionComparison(a, b, b - a, b - a - half, b - a + half, p, variance);
    }

    /// <summary>Compares the arms' execution times on the log scale (Welch's t-test; times must be &gt; 0).</summary>
    /// <param name="timesA">A's times (at least 2).</param>
    /// <param name="timesB">B's times (at least 2).</param>
    /// <param name="confidence">The interval's confidence level (0.95).</param>
    /// <returns>The comparison.</returns>
    public static TimeComparison CompareTimes(ReadOnlySpan<double> timesA, ReadOnlySpan<double> timesB, double confidence = 0.95)
    {
        var (meanA, varA, nA) = LogMoments(timesA, nameof(timesA));
        var (meanB, varB, nB) = LogMoments(timesB, nameof(timesB));
        var sa = varA / nA;
        var sb = varB / nB;
        var variance = sa + sb;
        var d = meanB - meanA;
        if (variance == 0)
        {
            return new TimeComparison(Math.Exp(d), Math.Exp(d), Math.Exp(d), d == 0 ? 1 : 0, d, 0);
        }

        var df = variance * variance / ((sa * sa / (nA - 1)) + (sb * sb / (nB - 1)));
        var se = Math.Sqrt(variance);
        var t = StudentT.InvCDF(0, 1, df, 1 - ((1 - CheckConfidence(confidence)) / 2));
        var p = 2 * (1 - StudentT.CDF(0, 1, df, Math.Abs(d) / se));
        return new TimeComparison(Math.Exp(d), Math.Exp(d - (t * se)), Math.Exp(d + (t * se)), p, d, variance);
    }

    /// <summary>
    /// The mSPRT's mixture likelihood ratio for a difference estimate θ̂ with variance V under a normal mixture N(0, τ²):
    /// Λ = √(V / (V + τ²)) · exp(θ̂² τ² / (2 V (V + τ²))); its p-value min(1, 1/Λ).
    /// </summary>
    /// <param name="difference">θ̂.</param>
    /// <param name="variance">V (&gt; 0).</param>
    /// <param name="mixtureVariance">τ² (&gt; 0).</param>
    /// <returns>The p-value of this look (take the running minimum over looks: <see cref="SequentialTest"/>).</returns>
    public static double SequentialPValue(double difference, double variance, double mixtureVariance)
    {
        var sum = variance + mixtureVariance;
        var logLambda = (0.5 * Math.Log(variance / sum)) + (difference * difference * mixtureVariance / (2 * variance * sum));
        return logLambda <= 0 ? 1 : Math.Exp(-logLambda);
    }

    /// <summary>
    /// The always-valid confidence interval of the difference at this look (the mSPRT's confidence sequence):
    /// θ̂ ± √(V (V + τ²) / τ² · (2 ln(1/α) + ln((V + τ²) / V))).
    /// </summary>
    /// <param name="difference">θ̂.</param>
    /// <param name="variance">V (&gt; 0).</param>
    /// <param name="mixtureVariance">τ² (&gt; 0).</param>
    /// <param name="confidence">1 − α (0.95).</param>
    /// <returns>The interval.</returns>
    public static Estimate SequentialInterval(double difference, double variance, double mixtureVariance, double confidence = 0.95)
    {
        var alpha = 1 - CheckConfidence(confidence);
        var sum = variance + mixtureVariance;
        var half = Math.Sqrt(variance * sum / mixtureVariance * ((2 * Math.Log(1 / alpha)) + Math.Log(sum / variance)));
        return new Estimate(difference, difference - half, difference + half);
    }

    /// <summary>One arm's times: mean, median and p90 with intervals.</summary>
    /// <param name="times">The times (at least 2).</param>
    /// <param name="confidence">The intervals' confidence level (0.95).</param>
    /// <returns>The summary.</returns>
    public static TimeSummary Summarize(ReadOnlySpan<double> times, double confidence = 0.95)
    {
        if (times.Length < 2)
        {
            throw new ArgumentException("At least two times are needed for a summary with intervals.", nameof(times));
        }

        var level = CheckConfidence(confidence);
        var sorted = times.ToArray();
        Array.Sort(sorted);
        var n = sorted.Length;
        double mean = 0;
        foreach (var t in sorted)
        {
            mean += t;
        }

        mean /= n;
        double squares = 0;
        foreach (var t in sorted)
        {
            squares += (t - mean) * (t - mean);
        }

        var half = StudentT.InvCDF(0, 1, n - 1, 1 - ((1 - level) / 2)) * Math.Sqrt(squares / (n - 1) / n);
        return new TimeSummary(n, new Estimate(mean, mean - half, mean + half), Quantile(sorted, 0.5, level), Quantile(sorted, 0.9, level));
    }

    /// <summary>A quantile of sorted values with the distribution-free interval between two order statistics (normal approximation to the binomial).</summary>
    private static Estimate Quantile(double[] sorted, double q, double confidence)
    {
        var n = sorted.Length;
        var z = Normal.InvCDF(0, 1, 1 - ((1 - confidence) / 2));
        var spread = z * Math.Sqrt(n * q * (1 - q));
        var lower = Math.Clamp((int)Math.Floor((n * q) - spread), 0, n - 1);
        var upper = Math.Clamp((int)Math.Ceiling((n * q) + spread), 0, n - 1);
        var position = q * (n - 1);
        var below = (int)Math.Floor(position);
        var value = sorted[below] + ((position - below) * (sorted[Math.Min(below + 1, n - 1)] - sorted[below]));
        return new Estimate(value, sorted[lower], sorted[upper]);
    }

    private static (double Mean, double Variance, int Count) LogMoments(ReadOnlySpan<double> times, string name)
    {
        if (times.Length < 2)
        {
            throw new ArgumentException("At least two times per arm are needed.", name);
        }

        double mean = 0;
        for (var i = 0; i < times.Length; i++)
        {
            if (!(times[i] > 0 && double.IsFinite(times[i])))
            {
                throw new ArgumentException($"Times must be finite and > 0 to compare on the log scale; item {i} is {times[i]}.", name);
            }

            mean += Math.Log(times[i]);
        }

        mean /= times.Length;
        double squares = 0;
        foreach (var t in times)
        {
            var d = Math.Log(t) - mean;
            squares += d * d;
        }

        return (mean, squares / (times.Length - 1), times.Length);
    }

    private static void CheckCount(long successes, long count, string name)
    {
        if (count <= 0 || successes < 0 || successes > count)
        {
            throw new ArgumentOutOfRangeException(name, successes, $"Successes must be from 0 to the count, and the count > 0; got {successes} of {count}.");
        }
    }

    private static double CheckConfidence(double confidence) => confidence is > 0 and < 1
        ? confidence
        : throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level must be strictly between 0 and 1.");
}
