using OpsConductor.ToolCatalog.Admin.Catalog;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>The telemetry and experiment pages' logic without a browser: the SVG chart's scaling and the view models.</summary>
[TestFixture]
public sealed class AdminInsightLogicTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(10);

    [TestCase(0, 1)]
    [TestCase(0.7, 1)]
    [TestCase(1, 1)]
    [TestCase(1.2, 2)]
    [TestCase(2.2, 2.5)]
    [TestCase(3, 5)]
    [TestCase(1000, 1000)]
    [TestCase(1001, 2000)]
    [TestCase(7300, 10000)]
    [TestCase(double.NaN, 1)]
    public void The_value_axis_ends_at_a_round_number_at_or_above_the_largest_value(double largest, double maximum) =>
        Assert.That(LineChart.RoundUp(largest), Is.EqualTo(maximum));

    [Test]
    public void The_chart_places_the_window_across_the_plot_and_values_from_zero_at_the_bottom_to_the_round_maximum_at_the_top()
    {
        var chart = LineChart.Plot([new ChartSeries("actual", "#000", [(From, 0), (From.AddHours(5), 900), (To, 1800)])], From, To, width: 660, height: 236);

        var points = chart.Series.Single().Points;
        Assert.Multiple(() =>
        {
            Assert.That(chart.Maximum, Is.EqualTo(2000));
            Assert.That(points.Select(p => p.X), Is.EqualTo(new[] { LineChart.Left, 60 + 294.0, 660 - LineChart.Right }));
            Assert.That(points.Select(p => p.Y), Is.EqualTo(new[] { 236 - LineChart.Bottom, 210 - (200 * 0.45), 210 - (200 * 0.9) }).Within(1e-9));
            Assert.That(chart.Series.Single().Polyline, Is.EqualTo("60,210 354,120 648,30"));
            Assert.That(chart.ValueTicks.Select(t => t.Label), Is.EqualTo(new[] { "0", "500", "1,000", "1,500", "2,000" }));
            Assert.That(chart.ValueTicks.Select(t => t.Position), Is.EqualTo(new[] { 210.0, 160, 110, 60, 10 }));
            Assert.That(chart.TimeTicks.Select(t => t.Label), Is.EqualTo(new[] { "11-01 00:00", "11-01 05:00", "11-01 10:00" }));
        });
    }

    [Test]
    public void The_chart_leaves_out_values_that_are_not_finite_or_outside_the_window_and_an_empty_chart_has_an_axis_to_one()
    {
        var chart = LineChart.Plot([new ChartSeries("s", "#000", [(From.AddHours(-1), 99_999), (From.AddHours(1), double.NaN), (From.AddHours(2), 40), (To.AddHours(1), 99_999)])], From, To);
        var empty = LineChart.Plot([new ChartSeries("s", "#000", [])], From, To);

        Assert.Multiple(() =>
        {
            Assert.That(chart.Series.Single().Points.Select(p => p.Value), Is.EqualTo(new[] { 40.0 }));
            Assert.That(chart.Maximum, Is.EqualTo(50));
            Assert.That(empty.Maximum, Is.EqualTo(1));
            Assert.That(empty.Series.Single().Polyline, Is.Empty);
            Assert.Throws<ArgumentException>(() => LineChart.Plot([], To, From));
        });
    }

    [Test]
    public void Telemetry_charts_are_one_per_pattern_with_the_actual_and_the_estimate_lines_and_the_success_rate()
    {
        TelemetrySeriesPoint Point(string pattern, int hour, long count, long ok, double actual, double? estimate) => new()
        {
            Capability = "cap", Pattern = pattern, At = From.AddHours(hour), Count = count, Successes = ok, ActualP50Ms = actual, EstimatedP50Ms = estimate,
        };

        var charts = TelemetryView.Charts([Point("p1", 0, 10, 9, 1500, 1000), Point("p1", 2, 10, 10, 1500, null), Point("p2", 1, 4, 1, 80, 100)], From, To);

        Assert.Multiple(() =>
        {
            Assert.That(charts.Select(c => (c.Pattern, c.Executions, c.Successes, c.SuccessRate)), Is.EqualTo(new[] { ("p1", 20L, 19L, "95.0%"), ("p2", 4L, 1L, "25.0%") }));
            Assert.That(charts[0].Chart.Series.Select(s => (s.Name, s.Points.Count)), Is.EqualTo(new[] { ("actual (median ms)", 2), ("estimate (median ms)", 1) }));
            Assert.That(charts[0].Chart.Maximum, Is.EqualTo(2000));
        });
    }

    [Test]
    public void Drift_is_described_by_what_it_departs_from_and_since_when()
    {
        var row = new TelemetryReportRow
        {
            Tool = "t", Version = "1.0", Capability = "c", Pattern = "p", TimeEstimate = "1", Count = 1, Successes = 1, TimeP50Ms = 1, TimeP90Ms = 1, TimeP99Ms = 1, Estimated = 1,
        };

        Assert.Multiple(() =>
        {
            Assert.That(TelemetryView.Drift(row), Is.EqualTo("not checked"));
            Assert.That(TelemetryView.Drift(row with { DriftSamples = 100 }), Is.EqualTo("none"));
            Assert.That(TelemetryView.Drifting(row with { DriftSamples = 100 }), Is.False);
            Assert.That(TelemetryView.Drift(row with { DriftSamples = 100, DriftFromEstimateSince = From }), Is.EqualTo("from the estimate since 2026-11-01 00:00 UTC"));
            Assert.That(TelemetryView.Drift(row with { DriftSamples = 100, DriftFromEstimateSince = From, DriftFromEarlierSince = To }),
                Is.EqualTo("from the estimate since 2026-11-01 00:00 UTC; from earlier behaviour since 2026-11-01 10:00 UTC"));
            Assert.That(TelemetryView.Drifting(row with { DriftFromEarlierSince = To }), Is.True);
            Assert.That(TelemetryWindow.Of("30D").Length, Is.EqualTo(TimeSpan.FromDays(30)));
            Assert.That(TelemetryWindow.Of("<script>"), Is.SameAs(TelemetryWindow.Default));
        });
    }

    [Test]
    public void The_experiment_form_builds_the_definition_the_API_builds_with_lists_split_and_guardrails()
    {
        var form = new ExperimentForm
        {
            Name = " faster ", Tool = "t", VersionA = "1.0", VersionB = "2.0", Split = "0.25", Environments = "production, staging", Users = "ops-team,\n alice",
            Metric = "time", Guardrails = """[{"metric": "success", "max_drop": 0.02}]""", MinimumSamples = "50", AutoPromote = true,
        };

        var (definition, problems) = form.ToDefinition();

        Assert.That(problems, Is.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(definition!.Name, Is.EqualTo("faster"));
            Assert.That(definition.Split, Is.EqualTo(0.25));
            Assert.That(definition.Environments, Is.EqualTo(new[] { "production", "staging" }));
            Assert.That(definition.Users, Is.EqualTo(new[] { "ops-team", "alice" }));
            Assert.That(definition.Metric, Is.EqualTo(ExperimentMetric.Time));
            Assert.That(Guardrail.Parse(definition.Guardrails).Single(), Is.EqualTo(new Guardrail(ExperimentMetric.Success, 0.02)));
            Assert.That((definition.MinimumSampleSize, definition.AutoPromote, definition.Description), Is.EqualTo((50, true, (string?)null)));
        });
    }

    [Test]
    public void The_experiment_form_names_each_field_it_refuses_and_builds_nothing()
    {
        var (missing, missingProblems) = new ExperimentForm { Split = "half", MinimumSamples = "-1" }.ToDefinition();
        var (badRules, ruleProblems) = new ExperimentForm { Name = "x", Tool = "t", VersionA = "1.0", VersionB = "1.0", Split = "1.5", Guardrails = """[{"metric": "speed"}]""" }.ToDefinition();

        Assert.Multiple(() =>
        {
            Assert.That(missing, Is.Null);
            Assert.That(missingProblems.Select(p => p.Split(':')[0]), Is.EqualTo(new[] { "name", "tool", "a", "b", "split", "min_samples" }));
            Assert.That(badRules, Is.Null);
            Assert.That(string.Join(" ", ruleProblems), Does.Contain("split").And.Contain("guardrails"));
        });
    }

    [Test]
    public void Experiment_figures_show_their_intervals_the_SRM_check_and_the_actions_each_state_allows()
    {
        Experiment In(ExperimentState state) => new(1, new ExperimentDefinition { Name = "e", Tool = "t", VersionA = "1", VersionB = "2" }, state, null, null, null, null, From);

        Assert.Multiple(() =>
        {
            Assert.That(ExperimentView.Interval(new Estimate(0.9123, 0.88, 0.941)), Is.EqualTo("0.912 [0.880, 0.941]"));
            Assert.That(ExperimentView.Interval(new Estimate(double.NaN, double.NaN, double.NaN)), Is.EqualTo("–"));
            Assert.That(ExperimentView.PValue(0.00001), Is.EqualTo("< 0.0001"));
            Assert.That(ExperimentView.PValue(null), Is.EqualTo("–"));
            Assert.That(ExperimentView.SampleRatio(new SampleRatioCheck(0.5, 0.62, 14.4, 0.0002, true)),
                Is.EqualTo("expected share of b 0.500, observed 0.620, p = 0.0002: MISMATCH, no decision may be drawn"));
            Assert.That(new[] { ExperimentState.Draft, ExperimentState.Running, ExperimentState.Stopped, ExperimentState.Completed }
                    .Select(s => (ExperimentView.CanStart(In(s)), ExperimentView.CanStop(In(s)), ExperimentView.CanConclude(In(s)))),
                Is.EqualTo(new[] { (true, false, false), (false, true, true), (false, false, true), (false, false, false) }));
            Assert.That(ExperimentView.Arm(ExperimentConclusion.PromoteB), Is.EqualTo(ExperimentArm.B));
            Assert.That(ExperimentView.Arm(ExperimentConclusion.KeepA), Is.EqualTo(ExperimentArm.A));
            Assert.That(ExperimentView.KeepALabel(null), Is.EqualTo("Keep a"));
        });
    }
}
