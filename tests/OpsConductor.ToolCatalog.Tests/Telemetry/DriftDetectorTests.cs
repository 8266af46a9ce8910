using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Tests.Telemetry;

/// <summary>
/// The drift detector on synthetic log ratios: lognormal noise of 10% (σ = 0.1 in log), optionally 1% wild outliers
/// (×20), and optionally a step at a known index. Rates are measured over many seeds and written to the test output.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class DriftDetectorTests
{
    private const int Length = 600;

    private static double[] Series(int seed, double before = 0, double step = 0, int at = Length, double outliers = 0, int length = Length)
    {
        var random = new Random(seed);
        var x = new double[length];
        for (var i = 0; i < length; i++)
        {
            var u1 = 1 - random.NextDouble();
            var u2 = random.NextDouble();
            var noise = 0.1 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            x[i] = before + (i >= at ? Math.Log(1 + step) : 0) + noise;
            if (random.NextDouble() < outliers)
            {
                x[i] += Math.Log(20);
            }
        }

        return x;
    }

    [Test]
    public void A_step_of_forty_percent_is_found_with_its_start_within_a_few_records_as_both_kinds()
    {
        for (var seed = 1; seed <= 20; seed++)
        {
            var result = DriftDetector.Detect(Series(seed, step: 0.4, at: 400, outliers: 0.01));

            Assert.That(result.FromEarlier, Is.InRange(390, 410), $"seed {seed}: departs from its earlier behaviour at 400");
            Assert.That(result.FromEstimate, Is.InRange(390, 410), $"seed {seed}: departs from its estimate at 400");
        }
    }

    [Test]
    public void A_fall_of_thirty_percent_is_found_as_well()
    {
        var result = DriftDetector.Detect(Series(7, step: -0.3, at: 300));

        Assert.That(result.FromEarlier, Is.InRange(295, 305));
        Assert.That(result.FromEstimate, Is.InRange(295, 305));
    }

    [Test]
    public void An_estimate_that_was_always_forty_percent_low_departs_from_the_estimate_from_the_start_but_not_from_earlier_behaviour()
    {
        var result = DriftDetector.Detect(Series(3, before: Math.Log(1.4)));

        Assert.That(result.FromEstimate, Is.InRange(0, 3));
        Assert.That(result.FromEarlier, Is.Null);
    }

    [Test]
    public void Stationary_data_raises_a_false_alarm_in_at_most_one_percent_of_500_seeds_with_or_without_wild_outliers()
    {
        foreach (var outliers in new[] { 0, 0.01 })
        {
            var alarms = Enumerable.Range(1, 500).Count(seed =>
            {
                var result = DriftDetector.Detect(Series(seed, outliers: outliers));
                return result.FromEarlier is not null || result.FromEstimate is not null;
            });

            TestContext.Out.WriteLine($"stationary, {outliers:P0} wild outliers, {Length} records: {alarms} false alarms in 500 series");
            Assert.That(alarms, Is.LessThanOrEqualTo(5), $"outliers {outliers:P0}");
        }
    }

    [Test]
    public void A_step_of_twenty_percent_in_the_later_half_is_found_in_at_least_95_percent_of_500_seeds()
    {
        foreach (var step in new[] { 0.1, 0.2 })
        {
            var found = Enumerable.Range(1, 500).Count(seed => DriftDetector.Detect(Series(seed, step: step, at: 300, outliers: 0.01)).FromEarlier is { } start && Math.Abs(start - 300) <= 30);
            TestContext.Out.WriteLine($"step +{step:P0} at 300 of {Length} (1% wild outliers): found with its start within 30 records in {found} of 500 series");
            if (step == 0.2)
            {
                Assert.That(found, Is.GreaterThanOrEqualTo(475));
            }
        }
    }

    [Test]
    public void Too_few_records_give_no_verdict()
    {
        var result = DriftDetector.Detect(Series(1, step: 1, at: 10, length: 39));

        Assert.That(result.Enough, Is.False);
        Assert.That((result.FromEarlier, result.FromEstimate), Is.EqualTo(((int?)null, (int?)null)));
    }
}
