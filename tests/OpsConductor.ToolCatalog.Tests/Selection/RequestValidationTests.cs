using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Selection;

/// <summary>
/// Requests that cannot be answered are refused at the boundary, naming the field; environments compare trimmed and
/// case-insensitively and unknown ones fail closed; impossible estimates are excluded, never ranked; and the messages
/// say what excluded each pattern (issue 12, "Answers that can be trusted").
/// </summary>
public sealed class RequestValidationTests
{
    private static readonly ToolSelector Selector = new();
    private static CatalogSnapshot _samples = null!;

    [OneTimeSetUp]
    public static void LoadSamples()
    {
        var set = new CatalogFiles().Load(TestPaths.SampleTools);
        Assert.That(set.IsValid, Is.True);
        _samples = CatalogSnapshot.Create(set.Tools, 0, CatalogSource.Yaml, DateTimeOffset.UnixEpoch, keepFileOrder: true);
    }

    private static SelectionRequest RestartOrStop(string environment = "production", double n = 5) => new()
    {
        Capabilities = ["service_restart", "service_stop"],
        Variables = new Dictionary<string, double> { ["N"] = n },
        Environment = environment,
    };

    private static InvalidSelectionRequestException Refused(SelectionRequest request, CatalogSnapshot? snapshot = null)
    {
        var error = Assert.Throws<InvalidSelectionRequestException>(() => Selector.Evaluate(snapshot ?? _samples, request))!;
        Assert.That(() => request.Validate(), Throws.TypeOf<InvalidSelectionRequestException>().With.Property(nameof(InvalidSelectionRequestException.Field)).EqualTo(error.Field),
            "SelectionRequest.Validate applies the same rules without a catalog");
        return error;
    }

    [TestCase("production")]
    [TestCase("Production")]
    [TestCase("PRODUCTION")]
    [TestCase(" production ")]
    public void Production_is_recognised_whatever_its_case_and_surrounding_spaces(string environment)
    {
        var evaluation = Selector.Evaluate(_samples, RestartOrStop(environment));

        Assert.That(evaluation.Ranked.Select(r => r.Candidate.PatternName), Does.Not.Contain("stop"));
        var excluded = evaluation.Excluded.Single(e => e.ToolName == "systemctl" && e.PatternName == "stop");
        Assert.That(excluded.Rule, Is.EqualTo(ExclusionRule.NotProductionSafe));
        Assert.That(excluded.Reason, Is.EqualTo("Tool not marked as production-safe"));
    }

    [Test]
    public void Variables_no_expression_reads_are_checked_but_never_added_to_the_catalogs_shared_variable_table()
    {
        var set = new CatalogFiles().Load(TestPaths.SampleTools);
        var snapshot = CatalogSnapshot.Create(set.Tools, 0, CatalogSource.Yaml, DateTimeOffset.UnixEpoch, keepFileOrder: true);
        var before = snapshot.Variables.Count;
        var baseline = Selector.Evaluate(snapshot, RestartOrStop());

        for (var i = 0; i < 1_000; i++)
        {
            var request = RestartOrStop() with
            {
                Variables = new Dictionary<string, double> { ["N"] = 5, [$"made_up_{i}"] = i },
            };
            var evaluation = Selector.Evaluate(snapshot, request);
            Assert.That(evaluation.Ranked.Select(r => r.Score), Is.EqualTo(baseline.Ranked.Select(r => r.Score)));
        }

        Assert.That(snapshot.Variables.Count, Is.EqualTo(before), "a caller's made-up names must not grow the shared table");
        var refused = Refused(RestartOrStop() with { Variables = new Dictionary<string, double> { ["made_up"] = double.NaN } });
        Assert.That(refused.Field, Is.EqualTo("Variables[\"made_up\"]"));
    }

    [TestCase("prod")]
    [TestCase("live")]
    [TestCase("customer-eu")]
    public void An_environment_not_known_to_be_non_production_fails_closed(string environment)
    {
        var excluded = Selector.Evaluate(_samples, RestartOrStop(environment)).Excluded.Single(e => e.ToolName == "systemctl" && e.PatternName == "stop");

        Assert.That(excluded.Rule, Is.EqualTo(ExclusionRule.NotProductionSafe));
        Assert.That(excluded.Reason, Does.Contain($"environment '{environment}' is not a known non-production environment"));
    }

    [TestCase("staging")]
    [TestCase("Staging")]
    [TestCase(" development")]
    public void A_known_non_production_environment_admits_patterns_not_safe_for_production(string environment)
    {
        var evaluation = Selector.Evaluate(_samples, RestartOrStop(environment));
        Assert.That(evaluation.Ranked.Select(r => r.Candidate.PatternName), Does.Contain("stop"));
    }

    [Test]
    public void The_non_production_list_is_an_option_and_cannot_name_production()
    {
        var options = new SelectionOptions();
        options.NonProductionEnvironments.Add("prod-mirror");
        var evaluation = new ToolSelector(options).Evaluate(_samples, RestartOrStop("Prod-Mirror"));
        Assert.That(evaluation.Ranked.Select(r => r.Candidate.PatternName), Does.Contain("stop"));

        var wrong = new SelectionOptions();
        wrong.NonProductionEnvironments.Add(" Production");
        Assert.That(() => new ToolSelector(wrong), Throws.ArgumentException.With.Message.Contains("other than production"));
    }

    [Test]
    public void Allowed_environments_compare_trimmed_and_case_insensitively()
    {
        var evaluation = Selector.Evaluate(_samples, new SelectionRequest
        {
            Capabilities = ["port_scan"],
            Variables = new Dictionary<string, double> { ["N"] = 1, ["port_count"] = 10 },
            Environment = "Staging",
        });
        Assert.That(evaluation.Excluded.Where(e => e.Rule == ExclusionRule.EnvironmentNotAllowed), Is.Empty);

        var elsewhere = Selector.Evaluate(_samples, new SelectionRequest
        {
            Capabilities = ["port_scan"],
            Variables = new Dictionary<string, double> { ["N"] = 1, ["port_count"] = 10 },
            Environment = "lab",
        });
        Assert.That(elsewhere.Excluded.Where(e => e.Rule == ExclusionRule.EnvironmentNotAllowed).Select(e => e.Reason), Has.Some.EqualTo("Tool not allowed in lab environment"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void A_missing_environment_is_refused(string? environment)
    {
        var error = Refused(RestartOrStop() with { Environment = environment! });
        Assert.That(error.Field, Is.EqualTo("Environment"));
        Assert.That(error.Message, Does.StartWith("Environment = ").And.Contains("production rules depend on it"));
    }

    [Test]
    public void A_negative_host_count_is_refused_naming_the_variable()
    {
        var error = Refused(RestartOrStop(n: -5));
        Assert.That(error.Message, Is.EqualTo("Variables[\"N\"] = -5: N is the number of hosts (or items) the request is for and must be ≥ 0"));
        Assert.That(error, Is.InstanceOf<ToolCatalogException>());
    }

    [TestCase(double.NaN, "NaN")]
    [TestCase(double.PositiveInfinity, "Infinity")]
    [TestCase(double.NegativeInfinity, "-Infinity")]
    public void A_variable_that_is_not_finite_is_refused(double value, string shown)
    {
        var error = Refused(new SelectionRequest { Capabilities = ["text_search"], Variables = new Dictionary<string, double> { ["file_size_kb"] = value } });
        Assert.That(error.Message, Is.EqualTo($"Variables[\"file_size_kb\"] = {shown}: a request variable must be a finite number"));
    }

    [Test]
    public void A_prepared_context_is_held_to_the_same_rules()
    {
        var context = new ExpressionContext(_samples.Variables);
        context.Set("N", double.NaN);
        var error = Refused(new SelectionRequest { Capabilities = ["service_control"], Context = context });
        Assert.That(error.Field, Is.EqualTo("Context[\"N\"]"));
    }

    [TestCase("pi", "constant of the expression language")]
    [TestCase("e", "constant of the expression language")]
    [TestCase("log", "reserved word")]
    [TestCase("not a name", "ASCII letters")]
    public void A_variable_no_expression_can_read_is_refused(string name, string rule)
    {
        var error = Refused(new SelectionRequest { Capabilities = ["service_control"], Variables = new Dictionary<string, double> { [name] = 5 } });
        Assert.That(error.Field, Is.EqualTo($"Variables[\"{name}\"]"));
        Assert.That(error.Rule, Does.Contain(rule));
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(-1.0)]
    public void A_cost_limit_that_is_not_a_finite_number_at_least_zero_is_refused(double limit)
    {
        var error = Refused(RestartOrStop() with { CostLimit = limit });
        Assert.That(error.Field, Is.EqualTo("CostLimit"));
        Assert.That(error.Rule, Is.EqualTo("a cost limit must be a finite number ≥ 0, or null for no limit"));
    }

    [Test]
    public void Capabilities_must_name_at_least_one_capability_and_no_blank_one()
    {
        Assert.That(Refused(new SelectionRequest { Capabilities = [] }).Message, Is.EqualTo("Capabilities = []: a request must name at least one capability (such as service_control) or carry a query (Query) to search the catalog by"));
        Assert.That(Refused(new SelectionRequest { Capabilities = null! }).Field, Is.EqualTo("Capabilities"));
        Assert.That(Refused(new SelectionRequest { Capabilities = ["service_control", null!] }).Message, Is.EqualTo("Capabilities[1] = null: a capability name must not be null, empty or blank"));
        Assert.That(Refused(new SelectionRequest { Capabilities = [" "] }).Field, Is.EqualTo("Capabilities[0]"));
    }

    [Test]
    public void An_unknown_explicit_mode_is_refused_as_a_request_error()
    {
        var error = Refused(RestartOrStop() with { ExplicitMode = "turbo" });
        Assert.That(error.Field, Is.EqualTo("ExplicitMode"));
        Assert.That(error.Rule, Does.StartWith("Invalid preference mode. Must be one of: fast, accurate"));
    }

    [Test]
    public void A_valid_request_passes_validate_unchanged()
    {
        var request = RestartOrStop();
        Assert.That(request.Validate(), Is.SameAs(request));
    }

    [Test]
    public void An_estimate_that_evaluates_negative_is_excluded_with_its_value_never_ranked()
    {
        var catalog = Catalog(Pattern("shrinking", "1000 + 100 * delta", "1"), Pattern("steady", "1000", "1"));
        var request = new SelectionRequest { Capabilities = ["probe"], Variables = new Dictionary<string, double> { ["delta"] = -50 } };

        var evaluation = Selector.Evaluate(catalog, request);

        Assert.That(evaluation.Ranked.Select(r => r.Candidate.PatternName), Is.EqualTo(new[] { "steady" }));
        var excluded = evaluation.Excluded.Single();
        Assert.That(excluded.Rule, Is.EqualTo(ExclusionRule.ImpossibleEstimate));
        Assert.That(excluded.IsPolicyViolation, Is.False);
        Assert.That(excluded.Reason, Is.EqualTo("time_estimate_ms '1000 + 100 * delta' evaluates to -4000.0 for this request; an estimate must be a finite number ≥ 0"));
    }

    [Test]
    public void A_host_count_too_large_to_estimate_says_why_nothing_is_viable()
    {
        var error = Assert.Throws<ToolSelectionException>(() => Selector.Select(_samples, RestartOrStop(n: 1e308)))!;

        Assert.That(error.Message, Does.StartWith("No viable tools found for capabilities: ['service_restart', 'service_stop']; "));
        Assert.That(error.Message, Does.Contain("systemctl.service_restart.restart_all: time_estimate_ms '1500 + 350 * max(N, 1)' cannot be evaluated: Result is infinite"));
        Assert.That(error.Excluded.Select(e => e.Rule), Has.All.EqualTo(ExclusionRule.EvaluationError));
    }

    [Test]
    public void No_viable_tools_says_which_patterns_a_missing_variable_excluded()
    {
        // The shipped catalog declares a default for every variable (docs/catalog-guide.md), so this needs a tool that does not.
        var catalog = CatalogSnapshot.Create(
            [new ToolDefinition { Name = "grep", Version = "1.0", Capabilities = [new CapabilityDefinition { Name = "text_search", Patterns = [Pattern("search_file", "150 + 0.4 * file_size_kb", "1")] }] }],
            0, CatalogSource.Memory, DateTimeOffset.UnixEpoch);
        var error = Assert.Throws<ToolSelectionException>(() => Selector.Select(catalog, new SelectionRequest { Capabilities = ["text_search"] }))!;

        Assert.That(error.Message, Does.StartWith("No viable tools found for capabilities: ['text_search']; 1 pattern(s) offer them but could not be evaluated for this request: ["));
        Assert.That(error.Message, Does.Contain("grep.text_search.search_file: time_estimate_ms '150 + 0.4 * file_size_kb' needs variable 'file_size_kb'"));
    }

    [Test]
    public void All_candidates_violate_policies_names_the_tool_and_pattern_of_each_violation()
    {
        var error = Assert.Throws<ToolSelectionException>(() => Selector.Select(_samples, RestartOrStop() with { CostLimit = 0 }))!;

        Assert.That(error.AllViolatePolicies, Is.True);
        Assert.That(error.Message, Does.Contain("'systemctl.stop: Cost $5.00 exceeds limit $0.00; Tool not marked as production-safe'"));
    }

    [Test]
    public void Null_and_empty_variables_are_one_rule_the_evaluator_defaults()
    {
        var none = Selector.Evaluate(_samples, new SelectionRequest { Capabilities = ["service_control"] });
        var empty = Selector.Evaluate(_samples, new SelectionRequest { Capabilities = ["service_control"], Variables = new Dictionary<string, double>() });
        var zero = Selector.Evaluate(_samples, new SelectionRequest { Capabilities = ["service_control"], Variables = new Dictionary<string, double> { ["N"] = 0 } });

        static IEnumerable<(string, double, double)> Estimates(SelectionEvaluation e) =>
            e.Ranked.Select(r => (r.Candidate.PatternName, r.Candidate.EstimatedTimeMs, r.Candidate.EstimatedCost));
        Assert.That(Estimates(none), Is.EqualTo(Estimates(empty)));
        Assert.That(Estimates(none), Is.EqualTo(Estimates(zero)), "N not given is N = 0");
    }

    private static PatternDefinition Pattern(string name, string time, string cost) => new()
    {
        Name = name,
        TimeEstimateMs = time,
        CostEstimate = cost,
        ComplexityScore = 0.2,
        PreferenceMatch = new PreferenceMatch { Accuracy = 0.9, Completeness = 0.9 },
    };

    private static CatalogSnapshot Catalog(params PatternDefinition[] patterns) => CatalogSnapshot.Create(
        [new ToolDefinition { Name = "prober", Version = "1.0", Capabilities = [new CapabilityDefinition { Name = "probe", Patterns = patterns.ToEquatableArray() }] }],
        1, CatalogSource.Memory, DateTimeOffset.UnixEpoch);
}
