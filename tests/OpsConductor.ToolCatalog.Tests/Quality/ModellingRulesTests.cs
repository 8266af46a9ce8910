using System.Globalization;
using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Quality;
using OpsConductor.ToolCatalog.Tests.Samples;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Quality;

/// <summary>
/// The modelling rules of docs/catalog-guide.md (TOOL029 to TOOL037) and the quality score, each rule shown failing on
/// a broken copy of the shipped <c>ping</c> tool (one capability, host_reachability, with the patterns single_host,
/// sweep and latency_profile) and passing on the tool as shipped.
/// </summary>
public sealed partial class ModellingRulesTests
{
    private static readonly Lazy<ToolDefinition> LazyPing = new(() =>
        new ToolYamlReader().ReadFile(Path.Combine(TestPaths.SampleTools, "network", "ping.yaml")).Tools.Single());

    private static ToolDefinition Ping => LazyPing.Value;

    private static IReadOnlyList<string> Codes(params ToolDefinition[] tools) =>
        [.. CatalogQuality.Score(tools).Tools.SelectMany(t => t.Reasons).Select(r => r.Code)];

    private static ToolDefinition WithPattern(ToolDefinition tool, string pattern, Func<PatternDefinition, PatternDefinition> change) => tool with
    {
        Capabilities = tool.Capabilities.Select(c => c with
        {
            Patterns = c.Patterns.Select(p => p.Name == pattern ? change(p) : p).ToEquatableArray(),
        }).ToEquatableArray(),
    };

    private static ToolDefinition WithCapabilityName(ToolDefinition tool, string name) => tool with
    {
        Capabilities = tool.Capabilities.Select(c => c with { Name = name }).ToEquatableArray(),
    };

    [Test]
    public void The_shipped_ping_breaks_no_rule_and_scores_100()
    {
        var quality = CatalogQuality.Score([Ping]);

        Assert.That(quality.Tools.Single().Reasons, Is.Empty);
        Assert.That(quality.Score, Is.EqualTo(100));
        Assert.That(new ToolValidator(ValidationOptions.Modelling).Validate(Ping).Findings, Is.Empty);
    }

    [Test]
    public void A_capability_name_with_a_generic_word_is_reported_and_a_specific_one_is_not()
    {
        Assert.That(Codes(WithCapabilityName(Ping, "host_monitoring")), Does.Contain(ValidationCodes.CapabilityGenericName));
        Assert.That(Codes(WithCapabilityName(Ping, "system_reachability")), Does.Contain(ValidationCodes.CapabilityGenericName));
        Assert.That(Codes(Ping), Does.Not.Contain(ValidationCodes.CapabilityGenericName));
    }

    [Test]
    public void A_capability_outside_the_documented_vocabulary_is_reported_unless_the_conventions_add_it()
    {
        var renamed = WithCapabilityName(Ping, "host_pingability");

        Assert.That(Codes(renamed), Is.EqualTo(new[] { ValidationCodes.CapabilityNotInVocabulary }));
        var extended = CatalogConventions.Default with
        {
            Capabilities = new Dictionary<string, string>(CatalogConventions.Default.Capabilities) { ["host_pingability"] = "Whether hosts answer ping" },
        };
        Assert.That(CatalogQuality.Score([renamed], extended).Tools.Single().Reasons, Is.Empty);
    }

    [Test]
    public void A_variable_that_is_neither_a_common_request_variable_nor_a_defaulted_input_is_reported()
    {
        var undefaulted = WithPattern(Ping, "single_host", p => p with { TimeEstimateMs = "max(N, 1) * (1000 * probes + 200)" });
        var reasons = CatalogQuality.Score([undefaulted]).Tools.Single().Reasons;
        Assert.That(reasons.Select(r => r.Code), Is.EqualTo(new[] { ValidationCodes.PatternVariableNotProvided }));
        Assert.That(reasons[0].Place, Is.EqualTo("capabilities.host_reachability.patterns.single_host.time_estimate_ms"));
        Assert.That(reasons[0].Message, Does.Contain("'probes'"));

        var patternVariable = WithPattern(Ping, "sweep", p => p with { CostEstimate = "1 + max(N, 1) / 250 + duration_s" });
        Assert.That(Codes(patternVariable), Is.EqualTo(new[] { ValidationCodes.PatternVariableNotProvided }), "a pattern-specific variable needs the pattern's default");

        var common = WithPattern(Ping, "sweep", p => p with { CostEstimate = "1 + max(N, 1) / 250 + hours / 1000" });
        Assert.That(Codes(common), Is.Empty, "a common request variable needs no default");
        Assert.That(Ping.Capabilities[0].Patterns[0].TimeEstimateMs, Does.Contain("count"), "ping's own 'count' has a numeric default, so it passes");
    }

    [Test]
    public void A_single_target_pattern_whose_estimates_ignore_N_is_reported()
    {
        var flat = WithPattern(Ping, "single_host", p => p with { TimeEstimateMs = "1200", CostEstimate = "1" });

        var reasons = CatalogQuality.Score([flat]).Tools.Single().Reasons;
        Assert.That(reasons.Select(r => r.Code), Does.Contain(ValidationCodes.PatternEstimateIgnoresN));
        Assert.That(reasons.Single(r => r.Code == ValidationCodes.PatternEstimateIgnoresN).Message, Does.Contain("1200 ms and cost 1 for N = 1, 1200 ms and cost 1 for N = 100"));

        var batchQuery = WithPattern(Ping, "sweep", p => p with { TimeEstimateMs = "850", CostEstimate = "1", RequiredInputs = [] });
        Assert.That(Codes(batchQuery), Does.Not.Contain(ValidationCodes.PatternEstimateIgnoresN), "a batch pattern without a host input may be flat (a query of a central system)");
        Assert.That(ModellingRules.TakesTargets(Ping.Capabilities[0].Patterns[0]), Is.True, "single_host is scope single_item");
    }

    [Test]
    public void The_faster_or_cheaper_pattern_declaring_the_lower_score_is_reported()
    {
        // At the reference request (N = 10) single_host takes about 42,000 ms and costs 10; sweep takes 850 ms and costs 1.04.
        var slowClaimsFast = WithPattern(Ping, "single_host", p => p with { PreferenceMatch = p.PreferenceMatch with { Speed = 0.9 } });
        var speed = CatalogQuality.Score([slowClaimsFast]).Tools.Single().Reasons;
        Assert.That(speed.Select(r => r.Code), Has.All.EqualTo(ValidationCodes.PatternSpeedScoreInconsistent));
        Assert.That(speed.Select(r => r.Place), Does.Contain("capabilities.host_reachability.patterns.sweep.preference_match.speed"),
            "sweep is faster than single_host yet declares less");

        var expensiveClaimsCheap = WithPattern(Ping, "latency_profile", p => p with { PreferenceMatch = p.PreferenceMatch with { Cost = 0.99 } });
        Assert.That(Codes(expensiveClaimsCheap), Does.Contain(ValidationCodes.PatternCostScoreInconsistent));
        Assert.That(Codes(Ping), Is.Empty);
    }

    [Test]
    public void The_preference_rules_compare_the_patterns_of_a_capability_across_tools()
    {
        var other = WithPattern(Ping with { Name = "ping-copy" }, "single_host", p => p with { PreferenceMatch = p.PreferenceMatch with { Speed = 0.99 } });

        Assert.That(Codes(other), Does.Contain(ValidationCodes.PatternSpeedScoreInconsistent), "within the tool");
        var together = CatalogQuality.Score([Ping, other with { Capabilities = [other.Capabilities[0] with { Patterns = [other.Capabilities[0].Patterns[0]] }] }]);
        Assert.That(together.Tools[0].Reasons.Select(r => r.Code), Does.Contain(ValidationCodes.PatternSpeedScoreInconsistent), "ping's faster sweep now meets ping-copy's slow single_host claiming 0.99");
    }

    [Test]
    public void Missing_use_cases_limitations_and_examples_are_reported()
    {
        Assert.That(Codes(WithPattern(Ping, "sweep", p => p with { TypicalUseCases = [] })), Is.EqualTo(new[] { ValidationCodes.PatternMissingUseCases }));
        Assert.That(Codes(WithPattern(Ping, "sweep", p => p with { Limitations = [] })), Is.EqualTo(new[] { ValidationCodes.PatternMissingLimitations }));
        Assert.That(Codes(Ping with { Examples = [] }), Is.EqualTo(new[] { ValidationCodes.ToolMissingExamples }));
    }

    [Test]
    public void A_tool_loses_each_rules_weight_in_proportion_to_what_breaks_it_and_the_catalog_scores_the_mean()
    {
        Assert.That(CatalogQuality.Weights.Values.Sum(), Is.EqualTo(100));

        var oneOfThree = CatalogQuality.Score([WithPattern(Ping, "sweep", p => p with { Limitations = [] })]).Tools.Single();
        Assert.That(oneOfThree.Reasons.Single().Points, Is.EqualTo(3.33), "limitations weigh 10; one pattern of three");
        Assert.That(oneOfThree.Score, Is.EqualTo(96.7));

        var twoRules = CatalogQuality.Score([WithPattern(Ping, "sweep", p => p with { Limitations = [], TypicalUseCases = [] }) with { Examples = [] }]).Tools.Single();
        Assert.That(twoRules.Reasons.Select(r => r.Points), Is.EquivalentTo(new[] { 3.33, 3.33, 10 }));
        Assert.That(twoRules.Score, Is.EqualTo(83.3));

        var generic = WithCapabilityName(Ping, "host_management") with { Name = "ping-generic" };
        var catalog = CatalogQuality.Score([Ping, generic]);
        Assert.That(catalog.Tools.Select(t => t.Score), Is.EqualTo(new[] { 100, 75 }), "generic name 20 and not in the vocabulary 5, on its one capability");
        Assert.That(catalog.Score, Is.EqualTo(87.5));
        Assert.That(CatalogQuality.Score([]).Score, Is.EqualTo(100));
    }

    [Test]
    public void The_validator_reports_the_rules_as_positioned_warnings_in_lenient_mode_by_default_and_not_in_strict_mode()
    {
        var yaml = File.ReadAllText(Path.Combine(TestPaths.SampleTools, "network", "ping.yaml")).Replace("  host_reachability:", "  host_monitoring:", StringComparison.Ordinal);
        var document = new ToolYamlReader().Read(yaml, "ping.yaml");

        foreach (var options in new[] { ValidationOptions.Lenient, ValidationOptions.Modelling, new ValidationOptions() })
        {
            var lenient = new ToolValidator(options).Validate(document);
            Assert.That(lenient.IsValid, Is.True, "a modelling rule is a warning, never an error");
            var generic = lenient.Warnings.Single(f => f.Code == ValidationCodes.CapabilityGenericName);
            Assert.That((generic.Path, generic.Line, generic.File), Is.EqualTo(("capabilities.host_monitoring", 15, "ping.yaml")));
        }

        Assert.That(new ToolValidator(ValidationOptions.StrictOriginal with { ModellingRules = true }).Validate(document).Warnings.Select(f => f.Code),
            Does.Contain(ValidationCodes.CapabilityGenericName), "strict mode reports them as warnings when asked");
        Assert.That(new ToolValidator(ValidationOptions.StrictOriginal).Validate(document).Findings, Is.Empty, "strict mode reproduces the original validator: no modelling rule");
        Assert.That(new ToolValidator(ValidationOptions.Lenient with { ModellingRules = false }).Validate(document).Findings, Is.Empty, "turned off, lenient mode is as before");
        Assert.That(new ToolValidator().Validate(new ToolYamlReader().ReadFile(Path.Combine(TestPaths.SampleTools, "network", "ping.yaml"))).Findings,
            Is.Empty, "the shipped tool follows the rules");
    }

    [Test]
    public void The_conventions_are_the_tables_of_the_catalog_guide()
    {
        var conventions = CatalogConventions.Default;

        Assert.That(conventions.GenericWords, Is.EquivalentTo(SampleCatalog.GenericWords));
        Assert.That(conventions.Capabilities, Is.EquivalentTo(SampleCatalog.CapabilityVocabulary));
        Assert.That(conventions.CommonVariables, Is.EquivalentTo(SampleCatalog.CommonVariables));
        Assert.That(conventions.PatternVariables, Is.EquivalentTo(SampleCatalog.PatternVariables));
    }

    [Test]
    public void The_shipped_catalog_scores_at_least_90_with_no_tool_under_75_and_in_fact_breaks_no_rule()
    {
        var quality = CatalogQuality.Score(SampleCatalog.Tools);

        Assert.That(quality.Tools, Has.Count.GreaterThanOrEqualTo(200));
        Assert.That(quality.Score, Is.GreaterThanOrEqualTo(90));
        Assert.That(quality.Tools.Where(t => t.Score < 75).Select(t => t.Name), Is.Empty);
        Assert.That(quality.Tools.SelectMany(t => t.Reasons.Select(r => $"{t.Name}: {r.Code} {r.Place}: {r.Message}")), Is.Empty);
    }

    [Test]
    public void The_original_corpus_score_in_the_catalog_guide_is_the_computed_one()
    {
        var validator = new ToolValidator();
        var tools = new ToolYamlReader().ReadFolder(TestPaths.CompatTools)
            .Where(d => validator.Validate(d).IsValid)
            .SelectMany(d => d.Tools);
        var quality = CatalogQuality.Score(tools);

        var line = SampleCatalog.Guide.Split('\n').Single(l => l.StartsWith("Original corpus score:", StringComparison.Ordinal));
        var figures = OriginalFigure().Match(line);
        Assert.That(figures.Success, Is.True, line);
        Assert.That(double.Parse(figures.Groups[1].Value, CultureInfo.InvariantCulture), Is.EqualTo(quality.Score), "docs/catalog-guide.md's figure is the computed score");
        Assert.That(int.Parse(figures.Groups[2].Value, CultureInfo.InvariantCulture), Is.EqualTo(quality.Tools.Count), "over the tools it names");
        Assert.That(quality.Score, Is.LessThan(90), "the original corpus is the counter-example");
    }

    [GeneratedRegex(@"`([0-9.]+)/100` over ([0-9]+) tools", RegexOptions.CultureInvariant)]
    private static partial Regex OriginalFigure();
}
