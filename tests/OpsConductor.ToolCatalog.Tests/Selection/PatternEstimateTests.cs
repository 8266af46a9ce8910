using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Selection;

public sealed class PatternEstimateTests
{
    private static readonly Dictionary<string, double> Variables = new(StringComparer.Ordinal) { ["N"] = 40 };

    [Test]
    public void Estimates_equal_the_numbers_selection_ranks_with()
    {
        var snapshot = CatalogSnapshot.Create(GeneratedTools.CreateMany(3, prefix: "est"), 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var evaluation = new ToolSelector().Evaluate(snapshot, new SelectionRequest { Capabilities = ["capability_1"], Variables = Variables, RequireProductionSafe = false });

        var estimates = ToolSelector.Estimate(snapshot, snapshot.FindTool("est-00001")!.Patterns.Where(p => p.CapabilityName == "capability_1"), Variables);

        var ranked = evaluation.Ranked.Where(r => r.Candidate.ToolName == "est-00001").OrderBy(r => r.Candidate.PatternName, StringComparer.Ordinal).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(estimates.Select(e => e.Pattern.PatternName), Is.EqualTo(new[] { "pattern_0", "pattern_1", "pattern_2" }));
            Assert.That(estimates.Select(e => e.EstimatedTimeMs), Is.EqualTo(ranked.Select(r => (double?)r.Candidate.EstimatedTimeMs)));
            Assert.That(estimates.Select(e => e.EstimatedCost), Is.EqualTo(ranked.Select(r => (double?)r.Candidate.EstimatedCost)));
            Assert.That(estimates[2].EstimatedTimeMs, Is.EqualTo(102 + (1.5 * 40)));
            Assert.That(estimates.Select(e => e.Failure), Is.All.Null);
        });
    }

    [Test]
    public void A_tool_selection_skips_is_still_estimated()
    {
        var tool = GeneratedTools.Create(1, prefix: "off") with { Enabled = false };
        var snapshot = CatalogSnapshot.Create([tool], 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);

        var estimates = ToolSelector.Estimate(snapshot, snapshot.FindTool(tool.Name)!.Patterns, Variables);

        Assert.That(estimates.Select(e => e.EstimatedCost), Is.All.Not.Null);
        Assert.That(snapshot.PatternsFor("capability_0").Length, Is.Zero, "not selectable");
    }

    [Test]
    public void A_pattern_that_cannot_be_evaluated_says_why_as_selection_would()
    {
        var tool = GeneratedTools.Create(1, capabilities: 1, patterns: 1, prefix: "needy");
        var pattern = tool.Capabilities[0].Patterns[0] with { TimeEstimateMs = "10 * file_size_kb" };
        tool = tool with { Capabilities = [tool.Capabilities[0] with { Patterns = [pattern] }] };
        var snapshot = CatalogSnapshot.Create([tool], 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);

        var estimate = ToolSelector.Estimate(snapshot, snapshot.FindTool(tool.Name)!.Patterns, null).Single();

        Assert.Multiple(() =>
        {
            Assert.That(estimate.EstimatedTimeMs, Is.Null);
            Assert.That(estimate.Failure?.Rule, Is.EqualTo(ExclusionRule.MissingVariable));
            Assert.That(estimate.Failure?.Variable, Is.EqualTo("file_size_kb"));
        });
    }

    [Test]
    public void A_variable_that_breaks_a_rule_is_refused_naming_it()
    {
        var snapshot = CatalogSnapshot.Create(GeneratedTools.CreateMany(1, prefix: "bad"), 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);

        var refused = Assert.Throws<InvalidSelectionRequestException>(() =>
            ToolSelector.Estimate(snapshot, snapshot.FindTool("bad-00000")!.Patterns, new Dictionary<string, double> { ["N"] = -1 }));

        Assert.That(refused!.Field, Is.EqualTo("Variables[\"N\"]"));
    }
}
