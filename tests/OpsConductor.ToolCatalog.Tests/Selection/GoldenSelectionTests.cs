using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Selection;

/// <summary>
/// The original's selection numbers and behaviours (ORIGINAL-BEHAVIOUR.md §3.5, §4.9), on its own profiles file
/// <c>tool_optimization_profiles.44c1a4bf.yaml</c>, read in YAML mode (file order).
/// </summary>
public sealed class GoldenSelectionTests
{
    private static readonly string[] AssetCapabilities = ["asset_query", "live_asset_query"];
    private static CatalogSnapshot _profiles = null!;

    [OneTimeSetUp]
    public static void LoadProfiles()
    {
        var path = Path.Combine(TestPaths.OpsConductorCompat, "profiles", "tool_optimization_profiles.44c1a4bf.yaml");
        var document = new ToolYamlReader().ReadFile(path).ThrowIfUnreadable();
        _profiles = CatalogSnapshot.Create(document.Tools, 0, CatalogSource.Yaml, DateTimeOffset.UnixEpoch, keepFileOrder: true);
    }

    private static SelectionRequest Request(IReadOnlyList<string> capabilities, double n = 100, string? mode = null, string? query = null, double? costLimit = null, double? pages = null) => new()
    {
        Capabilities = capabilities,
        ExplicitMode = mode,
        Query = query,
        CostLimit = costLimit,
        Variables = pages is null ? new Dictionary<string, double> { ["N"] = n } : new Dictionary<string, double> { ["N"] = n, ["pages"] = pages.Value },
    };

    // pattern, time_ms, cost, balanced, fast, accurate (§3.5)
    [TestCase("count_aggregate", 122.0, 1, 0.7948, 0.8147, 0.7461)]
    [TestCase("list_summary", 900.0, 2, 0.6385, 0.6269, 0.6289)]
    [TestCase("single_lookup", 80.0, 1, 0.8267, 0.8535, 0.7701)]
    [TestCase("detailed_lookup", 800.0, 1, 0.7318, 0.7011, 0.6988)]
    [TestCase("parallel_poll", 4962.068, 100, 0.5103, 0.4706, 0.6327)]
    [TestCase("single_asset_poll", 5100.0, 1, 0.7595, 0.6566, 0.8197)]
    public void Scores_of_the_original_are_reproduced_to_four_decimals_in_both_policy_modes(string pattern, double time, double cost, double balanced, double fast, double accurate)
    {
        foreach (var policy in new[] { PolicyMode.Original, PolicyMode.Enforced })
        {
            var selector = new ToolSelector(new SelectionOptions { PolicyMode = policy });
            foreach (var (mode, expected) in new[] { ("balanced", balanced), ("fast", fast), ("accurate", accurate) })
            {
                var ranked = selector.Evaluate(_profiles, Request(AssetCapabilities, mode: mode)).Ranked.Single(r => r.Candidate.PatternName == pattern);
                Assert.That(ranked.Candidate.EstimatedTimeMs, Is.EqualTo(time).Within(0.001), $"{pattern} time");
                Assert.That(ranked.Candidate.EstimatedCost, Is.EqualTo(cost), $"{pattern} cost");
                Assert.That(Math.Round(ranked.Score, 4), Is.EqualTo(expected), $"{pattern} {mode} ({policy})");
            }
        }
    }

    [Test]
    public void How_many_linux_servers_selects_single_lookup_as_the_original_did()
    {
        var result = new ToolSelector().Select(_profiles, Request(["asset_query"], query: "how many linux servers"));

        Assert.Multiple(() =>
        {
            Assert.That(result.ToolName, Is.EqualTo("asset-service-query"));
            Assert.That(result.PatternName, Is.EqualTo("single_lookup"));
            Assert.That(Math.Round(result.FinalScore, 4), Is.EqualTo(0.8267));
            Assert.That(result.IsAmbiguous, Is.True, "gap 0.032 to count_aggregate");
            Assert.That(result.SelectionMethod, Is.EqualTo(SelectionMethod.Deterministic));
            Assert.That(result.ExecutionModeHint, Is.EqualTo(ExecutionModeHint.Immediate));
            Assert.That(result.SlaClass, Is.EqualTo(SlaClass.Interactive));
            Assert.That(result.Alternatives, Is.EqualTo(new[] { "asset-service-query.count_aggregate", "asset-service-query.detailed_lookup", "asset-service-query.list_summary" }));
            Assert.That(result.Justification, Is.EqualTo("Selected based on balanced optimization across all dimensions."));
            Assert.That(result.NumCandidates, Is.EqualTo(4));
            Assert.That(result.NumPolicyViolations, Is.Zero);
            Assert.That(result.ClarifyingQuestion, Is.Not.Null);
        });
    }

    [Test]
    public void A_cost_limit_of_one_filters_list_summary_and_counts_one_violation()
    {
        var result = new ToolSelector().Select(_profiles, Request(["asset_query"], costLimit: 1));
        Assert.That(result.NumPolicyViolations, Is.EqualTo(1));
        Assert.That(result.Evaluation.Excluded.Single().PatternName, Is.EqualTo("list_summary"));
        Assert.That(result.Evaluation.Excluded.Single().Reason, Is.EqualTo("Cost $2.00 exceeds limit $1.00"));
        Assert.That(result.NumCandidates, Is.EqualTo(4));
    }

    [Test]
    public void A_tiny_cost_limit_makes_every_candidate_violate_policies()
    {
        var error = Assert.Throws<ToolSelectionException>(() => new ToolSelector().Select(_profiles, Request(["asset_query"], costLimit: 0.0001)));
        Assert.That(error!.Message, Does.StartWith("All candidates violate policies. Violations: ['asset-service-query.count_aggregate: Cost $1.00 exceeds limit $0.00'"),
            "the original's message, each violation naming its tool and pattern (issue 12)");
        Assert.That(error.AllViolatePolicies, Is.True);
        Assert.That(error.Excluded, Has.Count.EqualTo(4));
    }

    [Test]
    public void An_unknown_capability_finds_no_viable_tools_and_an_empty_list_is_refused()
    {
        var unknown = Assert.Throws<ToolSelectionException>(() => new ToolSelector().Select(_profiles, Request(["teleportation"])));
        Assert.That(unknown!.Message, Is.EqualTo("No viable tools found for capabilities: ['teleportation']"));
        var empty = Assert.Throws<InvalidSelectionRequestException>(() => new ToolSelector().Select(_profiles, Request([])));
        Assert.That(empty!.Message, Is.EqualTo("Capabilities = []: a request must name at least one capability (such as service_control) or carry a query (Query) to search the catalog by"),
            "the original answered \"No viable tools found for capabilities: []\"; an empty request is the caller's mistake (issue 12)");
    }

    [TestCase(1, "single_lookup", 80, 1)]
    [TestCase(100, "single_lookup", 80, 1)]
    [TestCase(100, "detailed_lookup", 800, 1)]
    [TestCase(200, "detailed_lookup", 1600, 2)]
    public void Estimates_follow_the_context_as_in_the_original_tests(double n, string pattern, double time, double cost)
    {
        var candidate = new CandidateEnumerator().EnumerateCandidates(_profiles, ["asset_query"], new Dictionary<string, double> { ["N"] = n })
            .Single(c => c.PatternName == pattern);
        Assert.That((candidate.EstimatedTimeMs, candidate.EstimatedCost), Is.EqualTo((time, cost)));
    }

    [TestCase(1, 900, 2)]
    [TestCase(5, 2900, 6)]
    public void List_summary_scales_with_pages(double pages, double time, double cost)
    {
        var candidate = new CandidateEnumerator().EnumerateCandidates(_profiles, ["asset_query"], new Dictionary<string, double> { ["N"] = 100, ["pages"] = pages })
            .Single(c => c.PatternName == "list_summary");
        Assert.That((candidate.EstimatedTimeMs, candidate.EstimatedCost), Is.EqualTo((time, cost)));
    }

    [Test]
    public void Fast_mode_with_one_asset_picks_single_lookup()
    {
        var result = new ToolSelector().Select(_profiles, Request(["asset_query"], n: 1, mode: "fast"));
        Assert.That(result.PatternName, Is.EqualTo("single_lookup"));
        Assert.That(result.Justification, Is.EqualTo("Selected for fast response time. Optimized for speed preference."));
    }

    [Test]
    public void A_null_context_uses_the_original_no_context_defaults_and_an_empty_one_the_evaluator_defaults()
    {
        var enumerator = new CandidateEnumerator();
        var nullContext = enumerator.EnumerateCandidates(_profiles, ["live_asset_query"]).Single(c => c.PatternName == "single_asset_poll");
        var emptyContext = enumerator.EnumerateCandidates(_profiles, ["live_asset_query"], new Dictionary<string, double>()).Single(c => c.PatternName == "single_asset_poll");
        Assert.That(nullContext.EstimatedTimeMs, Is.EqualTo(6000), "5000 + p95_latency with p95_latency = 1000");
        Assert.That(emptyContext.EstimatedTimeMs, Is.EqualTo(5100), "5000 + p95_latency with the default 100");
    }

    [Test]
    public void Parallel_poll_for_a_hundred_assets_must_run_in_the_background_which_the_original_never_noticed()
    {
        var enforced = new ToolSelector().Evaluate(_profiles, Request(["live_asset_query"], mode: "accurate"));
        var poll = enforced.Ranked.Single(r => r.Candidate.PatternName == "parallel_poll");
        Assert.That(poll.ExecutionMode, Is.EqualTo(ExecutionModeHint.Background));
        Assert.That(poll.Policy.Notes, Has.Some.Contains("requires_background_if 'N > 50' holds"));
        Assert.That(poll.Policy.Notes, Has.Some.Contains("exceeds max_N_immediate 50"));

        var few = new ToolSelector().Evaluate(_profiles, Request(["live_asset_query"], n: 10, mode: "accurate"))
            .Ranked.Single(r => r.Candidate.PatternName == "parallel_poll");
        Assert.That(few.ExecutionMode, Is.EqualTo(ExecutionModeHint.Immediate), "3000 + 400·ln 10 + 120 < 5 s and N ≤ 50");

        var original = new ToolSelector(new SelectionOptions { PolicyMode = PolicyMode.Original }).Evaluate(_profiles, Request(["live_asset_query"], mode: "accurate"))
            .Ranked.Single(r => r.Candidate.PatternName == "parallel_poll");
        Assert.That(original.ExecutionMode, Is.EqualTo(ExecutionModeHint.Immediate), "4962 ms is under the 5 s rule and the original ignored the condition");
    }

    [Test]
    public void Requires_approval_sets_the_approval_hint()
    {
        var result = new ToolSelector().Select(_profiles, Request(["service_control"]));
        Assert.That(result.ToolName, Is.EqualTo("systemctl"));
        Assert.That(result.ExecutionModeHint, Is.EqualTo(ExecutionModeHint.ApprovalRequired));
    }
}
