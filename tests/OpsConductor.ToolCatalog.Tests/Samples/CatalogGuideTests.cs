using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Quality;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.Tests.Samples;

/// <summary>The shipped catalog follows the rules of docs/catalog-guide.md, read from the guide itself.</summary>
public sealed class CatalogGuideTests
{
    private static IEnumerable<CompiledPattern> AllPatterns => SampleCatalog.Snapshot.Tools.SelectMany(t => t.Patterns.AsSpan().ToArray());

    [Test]
    public void No_capability_name_is_generic()
    {
        var generic = SampleCatalog.GenericWords;
        Assert.That(generic, Is.SupersetOf(new[] { "management", "control", "monitoring", "analysis", "operations" }), "the guide's list");

        Assert.That(CatalogConventions.Default.GenericWords, Is.EquivalentTo(generic), "the library checks the guide's list (rule TOOL029)");

        var offending = CatalogQuality.Score(SampleCatalog.Tools).Tools
            .SelectMany(t => t.Reasons.Where(r => r.Code == ValidationCodes.CapabilityGenericName).Select(r => $"{t.Name}.{r.Place}"))
            .ToList();
        Assert.That(offending, Is.Empty);
    }

    [Test]
    public void The_guide_names_every_capability_of_the_catalog_and_each_means_the_same_in_every_tool()
    {
        var vocabulary = SampleCatalog.CapabilityVocabulary;
        var used = SampleCatalog.Tools.SelectMany(t => t.Capabilities.Select(c => (Tool: t.Name, Capability: c))).ToList();

        Assert.That(used.Select(u => u.Capability.Name).Distinct(), Is.EquivalentTo(vocabulary.Keys), "the vocabulary table and the catalog list the same capabilities");
        foreach (var (tool, capability) in used)
        {
            Assert.That(capability.Description, Is.EqualTo(vocabulary[capability.Name]), $"{tool}.{capability.Name} describes the operation as the guide does");
        }
    }

    [Test]
    public void Every_expression_evaluates_for_a_request_giving_only_the_common_variables_of_the_guide()
    {
        var common = SampleCatalog.CommonVariables;
        Assert.That(common.Keys, Is.SupersetOf(new[] { "N", "file_size_kb", "lines", "hours" }));

        var estimates = ToolSelector.Estimate(SampleCatalog.Snapshot, AllPatterns, common);
        var failures = estimates.Where(e => e.Failure is not null).Select(e => e.Failure!.ToString()).ToList();
        Assert.That(failures, Is.Empty);
        Assert.That(estimates, Has.Count.GreaterThanOrEqualTo(400));
        Assert.That(estimates.All(e => e.EstimatedTimeMs > 0 && e.EstimatedCost > 0), Is.True, "no pattern is free for a request");
    }

    [Test]
    public void A_request_that_gives_no_variable_gets_an_estimate_from_every_pattern_and_none_is_free()
    {
        var estimates = ToolSelector.Estimate(SampleCatalog.Snapshot, AllPatterns, new Dictionary<string, double>());

        Assert.That(estimates.Where(e => e.Failure is not null).Select(e => e.Failure!.ToString()), Is.Empty);
        Assert.That(estimates.Where(e => !(e.EstimatedCost >= 1)).Select(e => e.Pattern.ToString()), Is.Empty, "N = 0 is costed as one target (max(N, 1))");
    }

    [Test]
    public void Within_a_capability_the_faster_pattern_never_declares_the_lower_speed_score_nor_the_cheaper_the_lower_cost_score()
    {
        // The library's rules TOOL033 and TOOL034 compare every pair of patterns of a capability across the catalog, at the
        // guide's reference request (CatalogConventions.Default.CommonVariables, equal to the guide's table: ModellingRulesTests).
        var problems = CatalogQuality.Score(SampleCatalog.Tools).Tools
            .SelectMany(t => t.Reasons)
            .Where(r => r.Code is ValidationCodes.PatternSpeedScoreInconsistent or ValidationCodes.PatternCostScoreInconsistent)
            .Select(r => r.Message)
            .ToList();

        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void Estimates_grow_with_the_number_of_targets_for_every_pattern_that_takes_targets()
    {
        var takesTargets = AllPatterns
            .Where(p => p.Definition.RequiredInputs.Any(i => i.Description?.Contains("N is", StringComparison.Ordinal) == true)
                        || p.Definition.Scope == "single_item"
                        || p.Definition.RequiredInputs.Any(i => i.Name is "host" or "computer"))
            .ToList();
        var one = ToolSelector.Estimate(SampleCatalog.Snapshot, takesTargets, new Dictionary<string, double> { ["N"] = 1 });
        var many = ToolSelector.Estimate(SampleCatalog.Snapshot, takesTargets, new Dictionary<string, double> { ["N"] = 100 });

        var flat = one.Zip(many)
            .Where(x => !(x.Second.EstimatedTimeMs > x.First.EstimatedTimeMs || x.Second.EstimatedCost > x.First.EstimatedCost))
            .Select(x => $"{x.First.Pattern}: {x.First.EstimatedTimeMs} ms, cost {x.First.EstimatedCost} for 1 and for 100 targets")
            .ToList();
        Assert.That(takesTargets, Has.Count.GreaterThanOrEqualTo(300));
        Assert.That(flat, Is.Empty);
    }

    [Test]
    public void Every_old_capability_name_selects_the_operation_its_alias_names_and_no_alias_is_a_capability_of_the_catalog()
    {
        var catalog = CapabilityAliases.Catalog;
        var names = SampleCatalog.Snapshot.CapabilityNames.ToHashSet(StringComparer.Ordinal);
        var selector = new ToolSelector();
        foreach (var (canonical, aliases) in catalog.AliasesByCanonical)
        {
            Assert.That(names, Does.Contain(canonical), $"{canonical} is a capability of the shipped catalog");
            foreach (var alias in aliases)
            {
                Assert.That(names, Does.Not.Contain(alias), $"{alias} would match literally as well as through its alias");
                var result = selector.Select(SampleCatalog.Snapshot, new SelectionRequest { Capabilities = [alias], Variables = new Dictionary<string, double> { ["N"] = 1 } });
                Assert.That(result.CapabilityName, Is.EqualTo(canonical), alias);
            }
        }

        Assert.That(new SelectionOptions().Aliases, Is.SameAs(CapabilityAliases.Catalog), "the default table");
        foreach (var (canonical, aliases) in CapabilityAliases.Original.AliasesByCanonical)
        {
            Assert.That(aliases.Prepend(canonical).All(a => catalog.Canonicalize(a) != a || names.Contains(a)), Is.True,
                $"every name of the original's table ({canonical}) still reaches a capability of the shipped catalog");
        }
    }
}
