using OpsConductor.ToolCatalog.Experiments;

namespace OpsConductor.ToolCatalog.Tests.Experiments;

/// <summary>
/// The decision logic on simulated outcomes held in memory (the database is not the point here): A/A false-positive
/// rates, the power to find a real improvement, the sample-ratio block and the guardrails.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ExperimentAnalysisTests
{
    private const int Seeds = 200;

    // With 200 runs, a rate of 0.05 lies below 0.05 + 3 standard errors (0.046) with near certainty.
    private static readonly double NominalBound = ExperimentAnalysis.Alpha + (3 * Math.Sqrt(ExperimentAnalysis.Alpha * (1 - ExperimentAnalysis.Alpha) / Seeds));

    [TestCase(ExperimentMetric.Time)]
    [TestCase(ExperimentMetric.Success)]
    public void An_AA_test_checked_after_every_batch_declares_a_winner_at_most_at_the_nominal_rate(ExperimentMetric metric)
    {
        var sequentialHits = 0;
        var naiveHits = 0;
        var onceHits = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var sim = new Simulation(seed, metric, timeRatioB: 1, successA: 0.9, successB: 0.9);
            bool sequential = false, naive = false;
            ExperimentResults? last = null;
            for (var look = 0; look < 10; look++)
            {
                sim.AddBatch(100, 100);
                last = sim.Analyze();
                sequential |= last.Winner is not null;
                naive |= last.FixedHorizonPValue < ExperimentAnalysis.Alpha;
            }

            sequentialHits += sequential ? 1 : 0;
            naiveHits += naive ? 1 : 0;
            onceHits += last!.FixedHorizonPValue < ExperimentAnalysis.Alpha ? 1 : 0;
        }

        Assert.That((double)sequentialHits / Seeds, Is.LessThanOrEqualTo(NominalBound), "the always-valid test after every batch");
        Assert.That((double)onceHits / Seeds, Is.LessThanOrEqualTo(NominalBound), "the fixed-horizon test read once, at the end");
        Assert.That((double)naiveHits / Seeds, Is.GreaterThan(NominalBound),
            "peeking at the fixed-horizon p-value after every batch does inflate false positives (what the sequential test prevents)");
    }

    [Test]
    public void A_real_15_percent_time_improvement_is_found_with_the_expected_power()
    {
        // Log-time standard deviation 1, looks every 100 executions per arm up to 2,000: the always-valid test's power
        // for a 15 % improvement is about 0.98 by simulation (a fixed-horizon test at 2,000 per arm: above 0.99).
        var found = 0;
        var wrong = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var sim = new Simulation(seed, ExperimentMetric.Time, timeRatioB: 0.85, successA: 1, successB: 1);
            for (var look = 0; look < 20; look++)
            {
                sim.AddBatch(100, 100);
                var results = sim.Analyze();
                if (results.Winner is { } winner)
                {
                    found += winner == ExperimentArm.B ? 1 : 0;
                    wrong += winner == ExperimentArm.A ? 1 : 0;
                    Assert.That(results.Decision, Is.EqualTo(winner == ExperimentArm.B ? ExperimentDecision.PromoteB : ExperimentDecision.KeepA));
                    break;
                }
            }
        }

        Assert.That((double)found / Seeds, Is.GreaterThanOrEqualTo(0.9), "power");
        Assert.That(wrong, Is.Zero, "never the wrong arm");
    }

    [Test]
    public void A_skewed_assignment_is_flagged_as_sample_ratio_mismatch_and_blocks_the_decision()
    {
        var sim = new Simulation(7, ExperimentMetric.Time, timeRatioB: 0.5, successA: 1, successB: 1);
        sim.AddBatch(5000, 5400);

        var results = sim.Analyze();

        Assert.That(results.SampleRatio.IsMismatch, Is.True);
        Assert.That(results.SampleRatio.PValue, Is.LessThan(ExperimentStatistics.MismatchThreshold));
        Assert.That(results.Significant, Is.True, "B is twice as fast: without the mismatch this would be conclusive");
        Assert.That(results.Decision, Is.EqualTo(ExperimentDecision.Blocked));
        Assert.That(results.Winner, Is.Null);
        Assert.That(results.Reason, Does.Contain("Sample-ratio mismatch"));
        var json = results.ToJsonObject();
        Assert.That(json["srm_mismatch"]!.GetValue<bool>(), Is.True);
        Assert.That(json["winner"], Is.Null);
    }

    [Test]
    public void A_balanced_assignment_is_not_flagged()
    {
        var sim = new Simulation(8, ExperimentMetric.Time, timeRatioB: 0.5, successA: 1, successB: 1);
        sim.AddBatch(5000, 5100);

        var results = sim.Analyze();

        Assert.That(results.SampleRatio.IsMismatch, Is.False);
        Assert.That(results.Decision, Is.EqualTo(ExperimentDecision.PromoteB));
    }

    [Test]
    public void A_breached_success_guardrail_rolls_back_even_before_the_minimum_sample_and_while_the_primary_metric_favours_b()
    {
        var sim = new Simulation(9, ExperimentMetric.Time, timeRatioB: 0.5, successA: 0.98, successB: 0.80,
            guardrails: """[{"metric": "success", "max_drop": 0.02}]""", minimumSample: 100_000);
        sim.AddBatch(1000, 1000);

        var results = sim.Analyze();

        Assert.That(results.MinimumSampleReached, Is.False);
        Assert.That(results.Guardrails.Single().Breached, Is.True);
        Assert.That(results.Decision, Is.EqualTo(ExperimentDecision.RollBack));
        Assert.That(results.Winner, Is.EqualTo(ExperimentArm.A));
        Assert.That(results.Reason, Does.StartWith("Guardrail success (max_drop 0.02) breached"));
    }

    [Test]
    public void A_drop_within_the_guardrails_tolerance_does_not_breach_it()
    {
        var sim = new Simulation(10, ExperimentMetric.Time, timeRatioB: 1, successA: 0.95, successB: 0.94,
            guardrails: """[{"metric": "success", "max_drop": 0.05}, {"metric": "time", "max_increase": 0.5}]""");
        sim.AddBatch(5000, 5000);

        var results = sim.Analyze();

        Assert.That(results.Guardrails.Select(g => g.Breached), Is.All.False);
        Assert.That(results.Decision, Is.Not.EqualTo(ExperimentDecision.RollBack));
    }

    [Test]
    public void A_time_guardrail_is_breached_when_b_is_clearly_slower_beyond_its_tolerance()
    {
        var sim = new Simulation(11, ExperimentMetric.Success, timeRatioB: 1.5, successA: 0.9, successB: 0.9,
            guardrails: """[{"metric": "time", "max_increase": 0.1}]""");
        sim.AddBatch(2000, 2000);

        var results = sim.Analyze();

        Assert.That(results.Guardrails.Single().Breached, Is.True);
        Assert.That(results.Guardrails.Single().Change, Is.EqualTo(1.5).Within(0.1));
        Assert.That(results.Decision, Is.EqualTo(ExperimentDecision.RollBack));
    }

    [Test]
    public void Without_the_minimum_sample_a_clear_difference_is_not_yet_a_winner()
    {
        var sim = new Simulation(12, ExperimentMetric.Time, timeRatioB: 0.5, successA: 1, successB: 1, minimumSample: 1000);
        sim.AddBatch(500, 500);

        var results = sim.Analyze();

        Assert.That(results.Significant, Is.True);
        Assert.That(results.Winner, Is.Null);
        Assert.That(results.Decision, Is.EqualTo(ExperimentDecision.Continue));
        Assert.That(results.Reason, Does.StartWith("Minimum sample not reached"));
    }

    [Test]
    public void Per_arm_figures_carry_intervals_that_contain_the_estimates()
    {
        var sim = new Simulation(13, ExperimentMetric.Success, timeRatioB: 1, successA: 0.9, successB: 0.8);
        sim.AddBatch(400, 400);

        var results = sim.Analyze();

        foreach (var arm in new[] { results.A, results.B })
        {
            Assert.That(arm.Executions, Is.EqualTo(400));
            Assert.That(arm.SuccessRate.Lower, Is.LessThan(arm.SuccessRate.Value));
            Assert.That(arm.SuccessRate.Upper, Is.GreaterThan(arm.SuccessRate.Value));
            Assert.That(arm.Time!.Median.Lower, Is.LessThanOrEqualTo(arm.Time.Median.Value));
            Assert.That(arm.Time.P90.Upper, Is.GreaterThanOrEqualTo(arm.Time.P90.Value));
            Assert.That(arm.Time.Mean.Lower, Is.LessThan(arm.Time.Mean.Value));
        }

        Assert.That(results.Winner, Is.EqualTo(ExperimentArm.A), "a succeeds 90 % against 80 %");
    }

    [TestCase("""[{"metric": "speed"}]""", "guardrails: [0].metric: required, \"success\" or \"time\".")]
    [TestCase("""[{"metric": "success", "max_drop": 2}]""", "guardrails: [0].max_drop: must be a number from 0 to 1")]
    [TestCase("""[{"metric": "time"}, {"metric": "time", "max_drop": 0.1}]""", "guardrails: [1].max_drop: not for metric time; use max_increase.")]
    [TestCase("""[{"metric": "time", "limit": 1}]""", "guardrails: [0].limit: unknown field")]
    [TestCase("""{"metric": "time"}""", "guardrails: must be a JSON array")]
    public void A_guardrail_that_breaks_a_rule_is_refused_naming_the_item_and_field(string json, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Guardrail.Parse(json));
        Assert.That(e!.Message, Does.StartWith(message));
        Assert.That(new ExperimentDefinition { Name = "x", Tool = "t", VersionA = "1", VersionB = "2", Guardrails = json }.Validate(),
            Has.Some.StartWith("guardrails: "));
    }

    [Test]
    public void Guardrails_read_their_metric_and_tolerance_with_zero_by_default()
    {
        var guardrails = Guardrail.Parse("""[{"metric": "success", "max_drop": 0.02}, {"metric": "time"}]""");

        Assert.That(guardrails, Is.EqualTo(new[] { new Guardrail(ExperimentMetric.Success, 0.02), new Guardrail(ExperimentMetric.Time, 0) }));
    }

    /// <summary>Two arms' simulated executions: log-normal times (log-sd 1) and Bernoulli successes.</summary>
    private sealed class Simulation(int seed, ExperimentMetric metric, double timeRatioB, double successA, double successB, string guardrails = "[]", int minimumSample = 100)
    {
        private readonly Random _random = new(seed);
        private readonly List<bool> _successA = [];
        private readonly List<bool> _successB = [];
        private readonly List<double> _timesA = [];
        private readonly List<double> _timesB = [];

        private readonly Experiment _experiment = new(
            1,
            new ExperimentDefinition
            {
                Name = "sim",
                Tool = "tool",
                VersionA = "1.0",
                VersionB = "2.0",
                Split = 0.5,
                Metric = metric,
                Guardrails = guardrails,
                MinimumSampleSize = minimumSample,
            },
            ExperimentState.Running,
            DateTimeOffset.UnixEpoch,
            null,
            null,
            "test",
            DateTimeOffset.UnixEpoch);

        public void AddBatch(int a, int b)
        {
            Add(a, 1, successA, _successA, _timesA);
            Add(b, timeRatioB, successB, _successB, _timesB);
        }

        public ExperimentResults Analyze() =>
            ExperimentAnalysis.Analyze(_experiment, ExperimentAttribution.Enrolled, new ArmSample(_successA, _timesA), new ArmSample(_successB, _timesB));

        private void Add(int count, double ratio, double successRate, List<bool> successes, List<double> times)
        {
            for (var i = 0; i < count; i++)
            {
                var success = _random.NextDouble() < successRate;
                successes.Add(success);
                if (success)
                {
                    times.Add(ratio * Math.Exp(5 + Normal()));
                }
            }
        }

        private double Normal() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
    }
}
