using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Tests.Telemetry;

/// <summary>
/// The recalibration of estimate expressions on synthetic executions drawn from a known law, with lognormal noise (10 %)
/// and 1 % wild outliers (×20): it recovers the law's constants, keeps the expression's form, and recommends nothing when
/// the estimate is already right or the data is too thin.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class EstimateFitterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Executions of <paramref name="law"/> at N drawn from 1 to <paramref name="maxN"/>, oldest first.</summary>
    internal static List<FitObservation> Executions(Func<double, double> law, int count, int seed, int maxN = 100, double outliers = 0.01, double noise = 0.1)
    {
        var random = new Random(seed);
        var list = new List<FitObservation>(count);
        for (var i = 0; i < count; i++)
        {
            var n = random.Next(1, maxN + 1);
            var time = law(n) * Math.Exp(noise * Gaussian(random));
            if (random.NextDouble() < outliers)
            {
                time *= 20;
            }

            list.Add(new FitObservation(new Dictionary<string, double> { ["N"] = n }, Math.Round(time), Start.AddMinutes(i)));
        }

        return list;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    public void A_wrong_linear_estimate_is_recalibrated_to_the_law_within_5_percent_for_a_and_2_percent_for_b(int seed)
    {
        var executions = Executions(n => 1200 + (310 * n), 3000, seed);

        var fit = EstimateFitter.Fit("1500 + 350 * N", executions);

        TestContext.Out.WriteLine($"seed {seed}: {fit.Recommended}, {fit.Reason}");
        Assert.That(fit.IsRecommended, Is.True, fit.Reason);
        Assert.That(fit.Method, Is.EqualTo("theil-sen a + b*N"));
        Assert.That(fit.Intercept, Is.EqualTo(1200).Within(5).Percent);
        Assert.That(fit.Slope, Is.EqualTo(310).Within(2).Percent);
        Assert.That(fit.Recommended, Does.Match(@"^\d+ \+ \d+(\.\d+)? \* N$"), "the form a + b * N, with numbers a person would write");
        Assert.That(fit.RecommendedError, Is.LessThan(fit.CurrentError! * 0.8));
        Assert.That((fit.TrainSamples, fit.TestSamples), Is.EqualTo((2100, 900)), "fit on the oldest 70 %, measured on the newest 30 %");
    }

    [TestCase("350 * N + 1500")]
    [TestCase("1500 + N * 350")]
    [TestCase("N*350+1500")]
    [TestCase("350 * N")]
    public void Every_spelling_of_a_plus_b_N_keeps_the_form(string current)
    {
        var fit = EstimateFitter.Fit(current, Executions(n => 1200 + (310 * n), 2000, seed: 7));

        Assert.That(fit.Method, Is.EqualTo("theil-sen a + b*N"));
        Assert.That(fit.Recommended, Does.Match(@"^\d+ \+ \d+(\.\d+)? \* N$"));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    public void An_estimate_that_is_already_right_gets_no_recommendation(int seed)
    {
        var fit = EstimateFitter.Fit("1200 + 310 * N", Executions(n => 1200 + (310 * n), 3000, seed));

        Assert.That(fit.IsRecommended, Is.False);
        Assert.That(fit.Reason, Does.Contain("not clearly better").Or.Contain("is the current expression"));
    }

    [Test]
    public void Too_few_records_get_no_recommendation_and_say_the_minimum()
    {
        var fit = EstimateFitter.Fit("1500 + 350 * N", Executions(n => 1200 + (310 * n), 39, seed: 1));

        Assert.That(fit.IsRecommended, Is.False);
        Assert.That(fit.Reason, Is.EqualTo("too few usable records: 39, fewer than the minimum 40"));
    }

    [Test]
    public void Too_few_distinct_values_of_N_get_no_slope()
    {
        var fit = EstimateFitter.Fit("1500 + 350 * N", Executions(n => 1200 + (310 * n), 500, seed: 1, maxN: 2));

        Assert.That(fit.IsRecommended, Is.False);
        Assert.That(fit.Reason, Is.EqualTo("too few distinct values of N for a slope: 2, fewer than the minimum 3"));
    }

    [Test]
    public void A_constant_estimate_becomes_the_median_actual()
    {
        var fit = EstimateFitter.Fit("5000", Executions(_ => 800, 500, seed: 3));

        Assert.That(fit.IsRecommended, Is.True, fit.Reason);
        Assert.That(double.Parse(fit.Recommended!, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(800).Within(3).Percent);
    }

    [TestCase("max(500, 40 * N)", 1)]
    [TestCase("max(500, 40 * N)", 2)]
    [TestCase("200 * log(N + 1)", 1)]
    [TestCase("200 * log(N + 1)", 2)]
    public void Another_form_gets_an_offset_and_scale_that_lower_the_held_out_error(string current, int seed)
    {
        var f = EstimateExpression.Compile(current, VariableTable.CreateDefault());
        var law = (double n) =>
        {
            var context = new ExpressionContext(f.VariableTable);
            context.Set("N", n);
            return 100 + (1.3 * f.Evaluate(context));
        };

        var fit = EstimateFitter.Fit(current, Executions(law, 2000, seed));

        Assert.That(fit.IsRecommended, Is.True, fit.Reason);
        Assert.That(fit.Method, Is.EqualTo("theil-sen offset+scale"));
        Assert.That(fit.Recommended, Does.EndWith($" * ({current})"));
        Assert.That(fit.Slope, Is.EqualTo(1.3).Within(5).Percent);
        Assert.That(fit.RecommendedError, Is.LessThan(fit.CurrentError! * 0.8));
        var recommended = EstimateExpression.Compile(fit.Recommended!, VariableTable.CreateDefault());
        Assert.That(recommended.Variables, Is.EqualTo(f.Variables), "the same variables");
    }

    [TestCase("1500 + 350 * N", 1500, 350, "N")]
    [TestCase("350*N + 1500", 1500, 350, "N")]
    [TestCase("N * 350 - 100", -100, 350, "N")]
    [TestCase("-(2 * pages) + 3", 3, -2, "pages")]
    [TestCase("N / 4", 0, 0.25, "N")]
    [TestCase("42", 42, 0, null)]
    public void The_affine_form_is_read_from_the_syntax_tree(string text, double a, double b, string? variable)
    {
        var form = AffineForm.Of(Parser.Parse(text, ExpressionLanguage.Estimate, ExpressionOptions.Default).Root);

        Assert.That(form, Is.EqualTo(new AffineForm(a, b, variable)));
    }

    [TestCase("max(500, 40 * N)")]
    [TestCase("N * N")]
    [TestCase("N + pages")]
    [TestCase("200 * log(N + 1)")]
    public void Other_forms_are_not_affine(string text) =>
        Assert.That(AffineForm.Of(Parser.Parse(text, ExpressionLanguage.Estimate, ExpressionOptions.Default).Root), Is.Null);

    [TestCase(1234.5678, "1235")]
    [TestCase(123456, "123500")]
    [TestCase(0.0123456, "0.01235")]
    [TestCase(-306.44, "-306.4")]
    [TestCase(1210, "1210")]
    public void Numbers_are_written_with_four_significant_digits(double value, string expected) =>
        Assert.That(EstimateFitter.Number(value), Is.EqualTo(expected));

    [Test]
    public void The_sign_test_is_small_when_the_candidate_wins_almost_always_and_one_half_or_more_when_it_does_not()
    {
        var current = Enumerable.Repeat(10.0, 20).ToArray();
        var better = Enumerable.Repeat(5.0, 18).Concat([20.0, 20.0]).ToArray();
        var even = Enumerable.Repeat(5.0, 10).Concat(Enumerable.Repeat(20.0, 10)).ToArray();

        Assert.That(EstimateFitter.SignTest(current, better), Is.EqualTo(211.0 / 1048576).Within(1e-9), "P(X >= 18 | 20, 1/2)");
        Assert.That(EstimateFitter.SignTest(current, even), Is.GreaterThan(0.5));
    }
}
