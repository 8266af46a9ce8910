using System.Globalization;
using MathNet.Numerics.Distributions;

namespace OpsConductor.ToolCatalog.Experiments;

/// <summary>One arm's raw outcomes, as read from telemetry.</summary>
/// <param name="Successes">Per execution, whether it succeeded.</param>
/// <param name="TimesMs">The successful executions' times in milliseconds.</param>
/// <param name="ByVersion">How many of the executions were attributed by version.</param>
internal sealed record ArmSample(IReadOnlyList<bool> Successes, IReadOnlyList<double> TimesMs, long ByVersion = 0)
{
    public long Count => Successes.Count;

    public long SuccessCount => Successes.Count(s => s);
}

/// <summary>
/// Turns two arms' outcomes into <see cref="ExperimentResults"/> (decision 1603): the sample-ratio check first (a
/// mismatch blocks everything), then the guardrails (a breach rolls back), then the minimum sample, then the primary
/// metric's always-valid test. Pure: the simulations test it on arrays.
/// </summary>
public static class ExperimentAnalysis
{
    /// <summary>The significance level of the decisions and guardrails (0.05), and 1 − the intervals' confidence.</summary>
    public const double Alpha = 0.05;

    /// <summary>Times below this many milliseconds count as it on the log scale (the table holds whole milliseconds; 0 has no log).</summary>
    public const double TimeFloorMs = 1;

    internal static ExperimentResults Analyze(Experiment experiment, ExperimentAttribution attribution, ArmSample a, ArmSample b)
    {
        var definition = experiment.Definition;
        var guardrails = Guardrail.Parse(definition.Guardrails);
        var srm = a.Count + b.Count == 0
            ? new SampleRatioCheck(definition.Split, double.NaN, 0, 1, false)
            : ExperimentStatistics.SampleRatio(a.Count, b.Count, definition.Split);
        var armA = Summarize(ExperimentArm.A, definition.VersionA, a);
        var armB = Summarize(ExperimentArm.B, definition.VersionB, b);
        var (fixedP, sequentialP, effect) = Test(definition.Metric, a, b);
        var significant = sequentialP < Alpha;
        var minimum = a.Count >= definition.MinimumSampleSize && b.Count >= definition.MinimumSampleSize;
        var guardrailResults = guardrails.Select(g => Evaluate(g, a, b)).ToList();

        ExperimentArm? winner = null;
        ExperimentDecision decision;
        string reason;
        if (srm.IsMismatch)
        {
            decision = ExperimentDecision.Blocked;
            reason = string.Create(CultureInfo.InvariantCulture,
                $"Sample-ratio mismatch: arm b has {srm.ObservedShareB:P2} of the executions where the split asks for {srm.ExpectedShareB:P2} (chi-square p = {srm.PValue:G3} < {ExperimentStatistics.MismatchThreshold}); assignment or logging is broken, so no decision may be drawn.");
        }
        else if (guardrailResults.FirstOrDefault(g => g.Breached) is { } breached)
        {
            decision = ExperimentDecision.RollBack;
            winner = ExperimentArm.A;
            reason = breached.Guardrail.Metric == ExperimentMetric.Success
                ? string.Create(CultureInfo.InvariantCulture, $"Guardrail success (max_drop {breached.Guardrail.Tolerance}) breached: b's success rate is {-breached.Change:0.####} below a's (interval {breached.Interval.Lower:0.####} to {breached.Interval.Upper:0.####}).")
                : string.Create(CultureInfo.InvariantCulture, $"Guardrail time (max_increase {breached.Guardrail.Tolerance}) breached: b's typical time is {breached.Change:0.###} times a's (interval {breached.Interval.Lower:0.###} to {breached.Interval.Upper:0.###}).");
        }
        else if (!minimum)
        {
            decision = ExperimentDecision.Continue;
            reason = string.Create(CultureInfo.InvariantCulture, $"Minimum sample not reached: a has {a.Count}, b has {b.Count}, each needs {definition.MinimumSampleSize}.");
        }
        else if (!significant)
        {
            decision = ExperimentDecision.Continue;
            reason = string.Create(CultureInfo.InvariantCulture, $"Not conclusive yet: the always-valid p-value is {sequentialP:G3} (needs < {Alpha}).");
        }
        else
        {
            var bBetter = definition.Metric == ExperimentMetric.Success ? effect!.Value.Value > 0 : effect!.Value.Value < 1;
            winner = bBetter ? ExperimentArm.B : ExperimentArm.A;
            decision = bBetter ? ExperimentDecision.PromoteB : ExperimentDecision.KeepA;
            reason = string.Create(CultureInfo.InvariantCulture, $"Conclusive for {(bBetter ? "b" : "a")}: the always-valid p-value is {sequentialP:G3} < {Alpha} and every guardrail holds.");
        }

        return new ExperimentResults(experiment.Name, experiment.State, definition.Metric, attribution, armA, armB, srm, fixedP, sequentialP, effect,
            significant, minimum, winner, guardrailResults, decision, reason);
    }

    private static ArmResult Summarize(ExperimentArm arm, string version, ArmSample sample)
    {
        var n = sample.Count;
        var successes = sample.SuccessCount;
        var rate = n == 0 ? new Estimate(double.NaN, double.NaN, double.NaN) : Wilson(successes, n);
        var time = sample.TimesMs.Count >= 2 ? ExperimentStatistics.Summarize(sample.TimesMs.ToArray()) : null;
        return new ArmResult(arm, version, n, sample.ByVersion, successes, rate, time);
    }

    /// <summary>The Wilson score interval of a proportion (good near 0 and 1, unlike the normal approximation).</summary>
    private static Estimate Wilson(long successes, long n)
    {
        var z = Normal.InvCDF(0, 1, 1 - (Alpha / 2));
        var p = (double)successes / n;
        var denominator = 1 + (z * z / n);
        var centre = (p + (z * z / (2 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z * z / (4.0 * n * n))) / denominator;
        return new Estimate(p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>The primary metric's fixed-horizon p-value, always-valid p-value and effect with its always-valid interval.</summary>
    private static (double? FixedP, double SequentialP, Estimate? Effect) Test(ExperimentMetric metric, ArmSample a, ArmSample b)
    {
        if (metric == ExperimentMetric.Success)
        {
            if (a.Count == 0 || b.Count == 0)
            {
                return (null, 1, null);
            }

            var c = ExperimentStatistics.CompareProportions(a.SuccessCount, a.Count, b.SuccessCount, b.Count);
            if (!(c.Variance > 0))
            {
                return (c.PValue, 1, new Estimate(c.Difference, c.Lower, c.Upper));
            }

            var p = ExperimentStatistics.SequentialPValue(c.Difference, c.Variance, ExperimentStatistics.ProportionMixtureVariance);
            return (c.PValue, p, ExperimentStatistics.SequentialInterval(c.Difference, c.Variance, ExperimentStatistics.ProportionMixtureVariance, 1 - Alpha));
        }

        if (a.TimesMs.Count < 2 || b.TimesMs.Count < 2)
        {
            return (null, 1, null);
        }

        var t = ExperimentStatistics.CompareTimes(Floor(a.TimesMs), Floor(b.TimesMs));
        if (!(t.Variance > 0))
        {
            return (t.PValue, 1, new Estimate(t.Ratio, t.Lower, t.Upper));
        }

        var sequential = ExperimentStatistics.SequentialPValue(t.LogDifference, t.Variance, ExperimentStatistics.LogTimeMixtureVariance);
        var interval = ExperimentStatistics.SequentialInterval(t.LogDifference, t.Variance, ExperimentStatistics.LogTimeMixtureVariance, 1 - Alpha);
        return (t.PValue, sequential, new Estimate(Math.Exp(interval.Value), Math.Exp(interval.Lower), Math.Exp(interval.Upper)));
    }

    private static GuardrailResult Evaluate(Guardrail guardrail, ArmSample a, ArmSample b)
    {
        var nothing = new Estimate(double.NaN, double.NaN, double.NaN);
        if (guardrail.Metric == ExperimentMetric.Success)
        {
            if (a.Count == 0 || b.Count == 0)
            {
                return new GuardrailResult(guardrail, double.NaN, nothing, false);
            }

            var c = ExperimentStatistics.CompareProportions(a.SuccessCount, a.Count, b.SuccessCount, b.Count);
            if (!(c.Variance > 0))
            {
                return new GuardrailResult(guardrail, c.Difference, new Estimate(c.Difference, c.Difference, c.Difference), false);
            }

            var interval = ExperimentStatistics.SequentialInterval(c.Difference, c.Variance, ExperimentStatistics.ProportionMixtureVariance, 1 - Alpha);
            return new GuardrailResult(guardrail, c.Difference, interval, interval.Upper < 0 && c.Difference < -guardrail.Tolerance);
        }

        if (a.TimesMs.Count < 2 || b.TimesMs.Count < 2)
        {
            return new GuardrailResult(guardrail, double.NaN, nothing, false);
        }

        var t = ExperimentStatistics.CompareTimes(Floor(a.TimesMs), Floor(b.TimesMs));
        if (!(t.Variance > 0))
        {
            return new GuardrailResult(guardrail, t.Ratio, new Estimate(t.Ratio, t.Ratio, t.Ratio), false);
        }

        var log = ExperimentStatistics.SequentialInterval(t.LogDifference, t.Variance, ExperimentStatistics.LogTimeMixtureVariance, 1 - Alpha);
        var ratio = new Estimate(t.Ratio, Math.Exp(log.Lower), Math.Exp(log.Upper));
        return new GuardrailResult(guardrail, t.Ratio, ratio, ratio.Lower > 1 && t.Ratio > 1 + guardrail.Tolerance);
    }

    private static double[] Floor(IReadOnlyList<double> times)
    {
        var floored = new double[times.Count];
        for (var i = 0; i < floored.Length; i++)
        {
            floored[i] = Math.Max(times[i], TimeFloorMs);
        }

        return floored;
    }
}
