using MathNet.Numerics.Distributions;
using OpsConductor.ToolCatalog.Experiments;

namespace OpsConductor.ToolCatalog.Tests.Experiments;

/// <summary>
/// The A/B statistics on simulated experiments: the sample-ratio check, the fixed-horizon tests at their nominal level and
/// power, and the sequential (always-valid) test that keeps its level when looked at after every batch.
/// </summary>
public sealed class ExperimentStatisticsTests
{
    private const int Seeds = 400;

    [Test]
    public void An_even_split_passes_the_sample_ratio_check_and_a_skewed_one_is_a_mismatch()
    {
        var even = ExperimentStatistics.SampleRatio(10_030, 9_970, 0.5);
        var skewed = ExperimentStatistics.SampleRatio(10_000, 10_600, 0.5);
        var uneven = ExperimentStatistics.SampleRatio(8_010, 1_990, 0.2);

        Assert.That(even.IsMismatch, Is.False);
        Assert.That(even.PValue, Is.GreaterThan(0.5));
        Assert.That(skewed.ChiSquare, Is.EqualTo(2 * 300.0 * 300 / 10_300).Within(1e-9));
        Assert.That(skewed.PValue, Is.LessThan(0.001));
        Assert.That(skewed.IsMismatch, Is.True);
        Assert.That(uneven.IsMismatch, Is.False, "a 20 % split expects a fifth in B");
    }

    [Test]
    public void Two_proportions_match_the_textbook_z_test()
    {
        var result = ExperimentStatistics.CompareProportions(450, 1_000, 500, 1_000);

        // Pooled p = 0.475; se = sqrt(0.475 × 0.525 × 2 / 1000) = 0.022332; z = 2.2389; p = 0.02516.
        Assert.That(result.Difference, Is.EqualTo(0.05).Within(1e-12));
        Assert.That(result.PValue, Is.EqualTo(0.02516).Within(5e-5));
        var half = 1.959964 * Math.Sqrt((0.45 * 0.55 / 1000) + (0.5 * 0.5 / 1000));
        Assert.That(result.Lower, Is.EqualTo(0.05 - half).Within(1e-6));
        Assert.That(result.Upper, Is.EqualTo(0.05 + half).Within(1e-6));
    }

    [Test]
    public void Equal_time_samples_give_a_ratio_of_one_and_bad_times_are_refused_naming_the_item()
    {
        double[] times = [100, 120, 90, 110];
        var same = ExperimentStatistics.CompareTimes(times, times);

        Assert.That(same.Ratio, Is.EqualTo(1).Within(1e-12));
        Assert.That(same.PValue, Is.EqualTo(1).Within(1e-12));
        Assert.That(() => ExperimentStatistics.CompareTimes(times, [100, 0]), Throws.ArgumentException.With.Message.Contains("item 1 is 0"));
        Assert.That(() => ExperimentStatistics.CompareTimes([1], times), Throws.ArgumentException.With.Message.Contains("At least two"));
    }

    [Test]
    public void An_A_A_test_is_significant_at_the_nominal_rate_once_and_the_sequential_test_stays_below_it_when_peeked_at_every_batch()
    {
        int fixedOnce = 0, naivePeeking = 0, sequential = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var run = Simulate(seed, effect: 1.0, batches: 20, batchSize: 100);
            fixedOnce += run.FinalP < 0.05 ? 1 : 0;
            naivePeeking += run.AnyFixedP < 0.05 ? 1 : 0;
            sequential += run.SequentialP < 0.05 ? 1 : 0;
        }

        var slack = 3 * Math.Sqrt(0.05 * 0.95 / Seeds);
        TestContext.Out.WriteLine($"A/A over {Seeds} seeds: fixed once {fixedOnce}, fixed after every batch {naivePeeking}, sequential {sequential}");
        Assert.That((double)fixedOnce / Seeds, Is.EqualTo(0.05).Within(slack), "one look at the end: the nominal 5 %");
        Assert.That((double)sequential / Seeds, Is.LessThanOrEqualTo(0.05 + slack), "always valid: 20 looks do not inflate it");
        Assert.That((double)naivePeeking / Seeds, Is.GreaterThan(0.05 + slack), "why it is needed: a fixed test read after every batch inflates false positives");
    }

    [Test]
    public void A_real_fifteen_percent_time_improvement_is_found_with_the_expected_power()
    {
        // Log-normal times (σ = 0.5 on the log scale), B 15 % faster, 150 executions per arm, α = 0.05 two-sided.
        const int PerArm = 150;
        var shift = Math.Abs(Math.Log(0.85)) / (0.5 * Math.Sqrt(2.0 / PerArm));
        var expectedPower = Normal.CDF(0, 1, shift - 1.959964) + Normal.CDF(0, 1, -shift - 1.959964);
        var found = 0;
        var foundSequentially = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            found += Simulate(seed, effect: 0.85, batches: 1, batchSize: PerArm).FinalP < 0.05 ? 1 : 0;
            foundSequentially += Simulate(seed, effect: 0.85, batches: 20, batchSize: 100).SequentialP < 0.05 ? 1 : 0;
        }

        var slack = 3 * Math.Sqrt(expectedPower * (1 - expectedPower) / Seeds);
        TestContext.Out.WriteLine($"15 % faster over {Seeds} seeds: expected power {expectedPower:0.000}, found {found}, sequentially {foundSequentially}");
        Assert.That(expectedPower, Is.EqualTo(0.80).Within(0.01));
        Assert.That((double)found / Seeds, Is.EqualTo(expectedPower).Within(slack));
        Assert.That((double)foundSequentially / Seeds, Is.GreaterThan(0.95), "with up to 2,000 per arm, the sequential test finds it");
    }

    [Test]
    public void An_A_A_test_of_success_rates_keeps_its_level_sequentially()
    {
        var falsePositives = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var random = new Random(seed);
            var test = new SequentialTest(ExperimentStatistics.ProportionMixtureVariance);
            long sa = 0, sb = 0, n = 0;
            for (var batch = 0; batch < 20; batch++)
            {
                for (var i = 0; i < 200; i++)
                {
                    sa += random.NextDouble() < 0.9 ? 1 : 0;
                    sb += random.NextDouble() < 0.9 ? 1 : 0;
                }

                n += 200;
                var comparison = ExperimentStatistics.CompareProportions(sa, n, sb, n);
                test.Look(comparison.Difference, comparison.Variance);
            }

            falsePositives += test.PValue < 0.05 ? 1 : 0;
        }

        TestContext.Out.WriteLine($"A/A success rates over {Seeds} seeds, 20 looks: {falsePositives} false positives");
        Assert.That((double)falsePositives / Seeds, Is.LessThanOrEqualTo(0.05 + (3 * Math.Sqrt(0.05 * 0.95 / Seeds))));
    }

    [Test]
    public void The_median_interval_covers_the_true_median_about_as_often_as_it_says()
    {
        var covered = 0;
        var trueMedian = Math.Exp(Math.Log(1000));
        for (var seed = 0; seed < Seeds; seed++)
        {
            var times = LogNormal(new Random(seed), 200, 1000);
            var summary = ExperimentStatistics.Summarize(times);
            covered += summary.Median.Lower <= trueMedian && trueMedian <= summary.Median.Upper ? 1 : 0;
            Assert.That(summary.P90.Lower, Is.LessThanOrEqualTo(summary.P90.Value));
            Assert.That(summary.P90.Value, Is.LessThanOrEqualTo(summary.P90.Upper));
        }

        TestContext.Out.WriteLine($"median interval covered the true median in {covered} of {Seeds}");
        Assert.That((double)covered / Seeds, Is.EqualTo(0.95).Within(0.04));
    }

    [Test]
    public void The_sequential_interval_is_wider_than_the_fixed_one_and_excludes_zero_exactly_when_its_p_value_is_below_alpha()
    {
        foreach (var (difference, variance) in new[] { (0.05, 0.0004), (0.2, 0.001), (0.01, 0.001), (-0.3, 0.002) })
        {
            var interval = ExperimentStatistics.SequentialInterval(difference, variance, ExperimentStatistics.LogTimeMixtureVariance);
            var p = ExperimentStatistics.SequentialPValue(difference, variance, ExperimentStatistics.LogTimeMixtureVariance);
            Assert.That(interval.Upper - interval.Lower, Is.GreaterThan(2 * 1.96 * Math.Sqrt(variance)));
            Assert.That(interval.Lower > 0 || interval.Upper < 0, Is.EqualTo(p < 0.05), $"θ̂ = {difference}, V = {variance}, p = {p}");
        }
    }

    private static double[] LogNormal(Random random, int count, double median, double sigma = 0.5)
    {
        var normal = new Normal(0, 1, random);
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            times[i] = median * Math.Exp(sigma * normal.Sample());
        }

        return times;
    }

    /// <summary>An experiment looked at after every batch: fixed-horizon p at the end, the smallest fixed p of any look, the sequential p.</summary>
    private static (double FinalP, double AnyFixedP, double SequentialP) Simulate(int seed, double effect, int batches, int batchSize)
    {
        var random = new Random(seed);
        var a = new List<double>();
        var b = new List<double>();
        var test = new SequentialTest(ExperimentStatistics.LogTimeMixtureVariance);
        var anyFixed = 1.0;
        TimeComparison? last = null;
        for (var batch = 0; batch < batches; batch++)
        {
            a.AddRange(LogNormal(random, batchSize, 1000));
            b.AddRange(LogNormal(random, batchSize, 1000 * effect));
            last = ExperimentStatistics.CompareTimes(a.ToArray(), b.ToArray());
            anyFixed = Math.Min(anyFixed, last.PValue);
            test.Look(last.LogDifference, last.Variance);
        }

        return (last!.PValue, anyFixed, test.PValue);
    }
}
