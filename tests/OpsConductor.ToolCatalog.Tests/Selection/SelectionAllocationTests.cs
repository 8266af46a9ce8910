using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Testing;

namespace OpsConductor.ToolCatalog.Tests.Selection;

/// <summary>
/// What one selection allocates, on <c>SelectionBenchmarks</c>' small catalog and request (200 tools, 5 matching
/// patterns, N = 40, mode fast, cost limit 100): the figure docs/benchmarks.md records per row.
/// </summary>
public sealed class SelectionAllocationTests
{
    private const string Capability = "service_control";

    /// <summary>
    /// Bytes one <c>Select</c> without a query allocated before the relevance feature (docs/benchmarks.md, every row of
    /// the experiment-selection tables): the evaluation, its candidate and ranking arrays, 5 candidates and 5 ranked
    /// candidates, the enumeration's lists, the result. Relevance data must not make this larger.
    /// </summary>
    private const long BytesBeforeRelevance = 1_328;

    private static readonly Lazy<CatalogSnapshot> Snapshot = new(BuildSnapshot);

    private static readonly SelectionRequest Request = new()
    {
        Capabilities = [Capability],
        Variables = new Dictionary<string, double> { ["N"] = 40 },
        ExplicitMode = "fast",
        CostLimit = 100,
    };

    [Test]
    public void A_selection_without_a_query_allocates_no_more_than_before_relevance_existed()
    {
        var selector = new ToolSelector();
        Assert.That(selector.Select(Snapshot.Value, Request).Evaluation.Ranked, Has.Count.EqualTo(5), "the benchmark's 5 matching patterns");

        var perCall = Allocated(() => selector.Select(Snapshot.Value, Request)) / 100.0;

        Assert.That(perCall, Is.LessThanOrEqualTo(BytesBeforeRelevance), "bytes per selection without a query (5 candidates)");
    }

    [Test]
    public void An_extended_mode_selection_without_a_query_allocates_no_more_than_a_compatible_one()
    {
        var compatible = new ToolSelector();
        var extended = new ToolSelector(new SelectionOptions { ScoringMode = ScoringMode.Extended });

        var extra = (Allocated(() => extended.Select(Snapshot.Value, Request)) - Allocated(() => compatible.Select(Snapshot.Value, Request))) / 100.0;

        Assert.That(extra, Is.LessThan(16), "bytes per selection extended scoring adds when the request has no query");
    }

    [Test]
    public void A_selection_with_a_query_still_explains_each_candidates_match()
    {
        var selector = new ToolSelector(new SelectionOptions { ScoringMode = ScoringMode.Extended });
        var evaluation = selector.Evaluate(Snapshot.Value, Request with { Query = "restart the service quickly" });
        var first = evaluation.Ranked[0];

        Assert.Multiple(() =>
        {
            Assert.That(evaluation.Weights.Relevance, Is.EqualTo(0.25));
            Assert.That(first.MatchedTerms, Does.Contain("restart"));
            Assert.That(first.RelevanceScore, Is.GreaterThan(0));
            Assert.That(first.Relevance, Is.EqualTo(1).Within(1e-9), "the best match normalises to 1");
            Assert.That(first.Explain(evaluation.Weights).Select(c => c.Feature), Does.Contain("relevance"));
            Assert.That(first.Describe(evaluation.Weights), Does.Contain("query match BM25").And.Contain("on restart"));
        });
    }

    private static CatalogSnapshot BuildSnapshot()
    {
        // SelectionBenchmarks' "small" catalog: 200 synthetic tools, 5 of them given one realistic pattern of the capability.
        var tools = SyntheticCatalog.Generate(200, distinctCapabilities: 50);
        var random = new Random(11);
        for (var i = 0; i < 5; i++)
        {
            var index = i * 40;
            var pattern = SyntheticCatalog.Pattern(random, "restart") with
            {
                Policy = new PolicyDefinition { MaxCost = 50, RequiresBackgroundIf = "N > 50", MaxNImmediate = 100, ProductionSafe = true },
            };
            tools[index] = tools[index] with
            {
                Capabilities = [.. tools[index].Capabilities, new CapabilityDefinition { Name = Capability, Patterns = [pattern] }],
            };
        }

        return CatalogSnapshot.Create(tools, 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);
    }

    private static long Allocated(Action action)
    {
        for (var i = 0; i < 10; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
