using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.Tests.Selection;

/// <summary>The original's normaliser, weights and golden numbers (ORIGINAL-BEHAVIOUR.md §3.4–3.5).</summary>
public sealed class ScoringTests
{
    [TestCase(50, 1.0)]
    [TestCase(80, 0.93371)]
    [TestCase(100, 0.902237)]
    [TestCase(500, 0.675238)]
    [TestCase(1000, 0.577475)]
    [TestCase(2000, 0.479712)]
    [TestCase(5000, 0.350477)]
    [TestCase(10000, 0.252714)]
    [TestCase(60000, 0.0)]
    [TestCase(10, 1.0)]
    [TestCase(1e9, 0.0)]
    public void Time_normalises_on_the_original_log_scale(double timeMs, double expected)
    {
        Assert.That(FeatureNormalizer.Default.NormalizeTime(timeMs), Is.EqualTo(expected).Within(5e-7));
    }

    [TestCase(0, 1.0)]
    [TestCase(1, 0.9)]
    [TestCase(2, 0.8)]
    [TestCase(10, 0.0)]
    [TestCase(100, 0.0)]
    [TestCase(-5, 1.0)]
    public void Cost_normalises_linearly_between_zero_and_ten(double cost, double expected)
    {
        Assert.That(FeatureNormalizer.Default.NormalizeCost(cost), Is.EqualTo(expected).Within(1e-12));
    }

    // pattern, time_ms, cost, complexity_score, accuracy, completeness, balanced, fast, accurate (§3.5)
    [TestCase("count_aggregate", 122.0, 1, 0.1, 0.6, 0.7, 0.7948, 0.8147, 0.7461)]
    [TestCase("list_summary", 900.0, 2, 0.3, 0.6, 0.5, 0.6385, 0.6269, 0.6289)]
    [TestCase("single_lookup", 80.0, 1, 0.1, 0.6, 0.8, 0.8267, 0.8535, 0.7701)]
    [TestCase("detailed_lookup", 800.0, 1, 0.4, 0.6, 0.95, 0.7318, 0.7011, 0.6988)]
    [TestCase("parallel_poll", 4962.068, 100, 0.8, 1.0, 1.0, 0.5103, 0.4706, 0.6327)]
    [TestCase("single_asset_poll", 5100.0, 1, 0.4, 1.0, 0.95, 0.7595, 0.6566, 0.8197)]
    public void Golden_scores_of_the_original_are_reproduced_to_four_decimals(
        string pattern, double timeMs, double cost, double complexity, double accuracy, double completeness,
        double balanced, double fast, double accurate)
    {
        var n = FeatureNormalizer.Default;
        var features = new ScoreFeatures(n.NormalizeTime(timeMs), n.NormalizeCost(cost), FeatureNormalizer.NormalizeComplexity(complexity), accuracy, completeness, 0, 0, 0);
        Assert.Multiple(() =>
        {
            Assert.That(Math.Round(features.Score(FeatureWeights.ForMode(PreferenceMode.Balanced)), 4), Is.EqualTo(balanced), pattern);
            Assert.That(Math.Round(features.Score(FeatureWeights.ForMode(PreferenceMode.Fast)), 4), Is.EqualTo(fast), pattern);
            Assert.That(Math.Round(features.Score(FeatureWeights.ForMode(PreferenceMode.Accurate)), 4), Is.EqualTo(accurate), pattern);
        });
    }

    [Test]
    public void Every_preset_mode_sums_to_one_and_extended_modes_use_the_declared_scores()
    {
        foreach (var mode in Enum.GetValues<PreferenceMode>())
        {
            Assert.That(FeatureWeights.ForMode(mode).Validate().Total, Is.EqualTo(1.0).Within(1e-9), mode.ToString());
            var extended = FeatureWeights.ExtendedForMode(mode).Validate();
            Assert.That(extended.UsesDeclaredScores, Is.True, mode.ToString());
            Assert.That(FeatureWeights.ForMode(mode).UsesDeclaredScores, Is.False, mode.ToString());
        }
    }

    [Test]
    public void Custom_weights_that_do_not_sum_to_one_are_refused_with_the_original_message()
    {
        var weights = new FeatureWeights { Time = 0.5, Cost = 0.5, Accuracy = 0.5 };
        Assert.That(() => weights.Validate(), Throws.ArgumentException.With.Message.StartsWith("Feature weights must sum to 1.0, got 1.5"));
        Assert.That(() => new FeatureWeights { Time = 1.2, Cost = -0.2 }.Validate(), Throws.ArgumentException.With.Message.Contains("'cost'"));
    }

    [Test]
    public void Declared_scores_change_the_score_only_in_extended_mode()
    {
        var quickOnPaper = new ScoreFeatures(0.5, 0.5, 0.5, 0.5, 0.5, DeclaredSpeed: 1.0, DeclaredCost: 0.5, DeclaredSimplicity: 0.5);
        var slowOnPaper = quickOnPaper with { DeclaredSpeed = 0.0 };
        Assert.That(quickOnPaper.Score(FeatureWeights.ForMode(PreferenceMode.Fast)), Is.EqualTo(slowOnPaper.Score(FeatureWeights.ForMode(PreferenceMode.Fast))));
        Assert.That(quickOnPaper.Score(FeatureWeights.ExtendedForMode(PreferenceMode.Fast)), Is.GreaterThan(slowOnPaper.Score(FeatureWeights.ExtendedForMode(PreferenceMode.Fast))));
    }

    [Test]
    public void Explanation_lists_each_feature_with_weight_and_contribution_largest_first()
    {
        var features = new ScoreFeatures(0.9337, 0.9, 0.9, 0.6, 0.8, 0, 0, 0);
        var weights = FeatureWeights.ForMode(PreferenceMode.Fast);
        var explained = features.Explain(weights);
        Assert.That(explained.Select(c => c.Feature), Is.EqualTo(new[] { "time", "cost", "complexity", "completeness", "accuracy" }));
        Assert.That(explained.Sum(c => c.Contribution), Is.EqualTo(features.Score(weights)).Within(1e-12));
        Assert.That(explained[0].Weight, Is.EqualTo(0.40));
    }

    [Test]
    public void Explanation_into_a_span_is_the_same_and_ties_keep_the_feature_order()
    {
        // accuracy and completeness tie (0.15 × 0.8); cost and complexity tie (0.15 × 0.9): each pair keeps its order.
        var features = new ScoreFeatures(0.5, 0.9, 0.9, 0.8, 0.8, 0.7, 0.6, 0.5);
        foreach (var weights in new[] { FeatureWeights.ForMode(PreferenceMode.Fast), FeatureWeights.ExtendedForMode(PreferenceMode.Thorough) })
        {
            var room = new FeatureContribution[8];
            var count = features.Explain(weights, room);

            Assert.That(count, Is.EqualTo(ScoreFeatures.FeatureCount(weights)));
            Assert.That(room.Take(count), Is.EqualTo(features.Explain(weights)));
            Assert.That(room.Take(count).Select(c => c.Contribution), Is.Ordered.Descending);
        }

        Assert.That(ScoreFeatures.FeatureCount(FeatureWeights.ForMode(PreferenceMode.Fast)), Is.EqualTo(5));
        Assert.That(ScoreFeatures.FeatureCount(FeatureWeights.ExtendedForMode(PreferenceMode.Fast)), Is.EqualTo(8));
        var explainedFast = features.Explain(FeatureWeights.ForMode(PreferenceMode.Fast)).Select(c => c.Feature).ToList();
        Assert.That(explainedFast.IndexOf("cost"), Is.LessThan(explainedFast.IndexOf("complexity")));
        Assert.That(explainedFast.IndexOf("accuracy"), Is.LessThan(explainedFast.IndexOf("completeness")));
        Assert.Throws<ArgumentException>(() => features.Explain(FeatureWeights.ExtendedForMode(PreferenceMode.Fast), new FeatureContribution[5]));
    }
}
