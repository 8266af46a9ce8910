using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.Tests.Selection;

/// <summary>What the original got wrong, fixed: each gap changes the outcome and the reason is reported.</summary>
public sealed class PolicyAndGapTests
{
    private static PatternDefinition Pattern(string name, string time = "1000", string cost = "1", PolicyDefinition? policy = null, double complexity = 0.2, params InputSpec[] optional) => new()
    {
        Name = name,
        TimeEstimateMs = time,
        CostEstimate = cost,
        ComplexityScore = complexity,
        Policy = policy ?? PolicyDefinition.Default,
        PreferenceMatch = new PreferenceMatch { Accuracy = 0.9, Completeness = 0.9 },
        OptionalInputs = optional.ToEquatableArray(),
    };

    private static CatalogSnapshot Catalog(params (string Tool, PatternDefinition[] Patterns)[] tools) => CatalogSnapshot.Create(
        tools.Select(t => new ToolDefinition
        {
            Name = t.Tool,
            Version = "1.0",
            Capabilities = [new CapabilityDefinition { Name = "service_control", Patterns = t.Patterns.ToEquatableArray() }],
        }),
        1, CatalogSource.Memory, DateTimeOffset.UnixEpoch);

    private static SelectionRequest Request(double n = 10, string environment = "production", string? mode = null) => new()
    {
        Capabilities = ["service_control"],
        Variables = new Dictionary<string, double> { ["N"] = n },
        Environment = environment,
        ExplicitMode = mode,
    };

    private static readonly ToolSelector Enforced = new();
    private static readonly ToolSelector Original = new(new SelectionOptions { PolicyMode = PolicyMode.Original });

    [Test]
    public void The_pattern_max_cost_excludes_a_candidate_the_original_would_have_chosen()
    {
        var catalog = Catalog(
            ("fleet-api", [Pattern("bulk_restart", time: "200", cost: "0.05 * N", policy: new PolicyDefinition { MaxCost = 3 })]),
            ("ssh-loop", [Pattern("restart_each", time: "1500 + 800 * N", cost: "1")]));

        Assert.That(Original.Select(catalog, Request(n: 100)).ToolName, Is.EqualTo("fleet-api"), "cost 5 over max_cost 3, but the original never compared");
        var result = Enforced.Select(catalog, Request(n: 100));
        Assert.That(result.ToolName, Is.EqualTo("ssh-loop"));
        var excluded = result.Evaluation.Excluded.Single();
        Assert.That(excluded.Rule, Is.EqualTo(ExclusionRule.PatternMaxCost));
        Assert.That(excluded.Reason, Is.EqualTo("Cost $5.00 exceeds the pattern's max_cost $3.00"));
        Assert.That(excluded.EstimatedCost, Is.EqualTo(5));
    }

    [Test]
    public void A_pattern_not_safe_for_production_is_refused_in_production_only()
    {
        var catalog = Catalog(
            ("force-kill", [Pattern("kill9", time: "100", policy: new PolicyDefinition { ProductionSafe = false })]),
            ("graceful", [Pattern("stop", time: "3000")]));

        Assert.That(Original.Select(catalog, Request()).ToolName, Is.EqualTo("force-kill"));
        var production = Enforced.Select(catalog, Request());
        Assert.That(production.ToolName, Is.EqualTo("graceful"));
        Assert.That(production.Evaluation.Excluded.Single().Reason, Is.EqualTo("Tool not marked as production-safe"));
        Assert.That(Enforced.Select(catalog, Request(environment: "staging")).ToolName, Is.EqualTo("force-kill"));
        Assert.That(Enforced.Select(catalog, Request() with { }).NumPolicyViolations, Is.EqualTo(1));
    }

    [Test]
    public void Requires_background_if_is_evaluated_for_the_request()
    {
        var catalog = Catalog(("poller", [Pattern("poll", time: "800", policy: new PolicyDefinition { RequiresBackgroundIf = "N > 50 and pages >= 1" })]));

        var many = Enforced.Select(catalog, Request(n: 51));
        var few = Enforced.Select(catalog, Request(n: 50));
        Assert.That(many.ExecutionModeHint, Is.EqualTo(ExecutionModeHint.Background));
        Assert.That(many.Winner.Policy.Notes, Has.Some.EqualTo("requires_background_if 'N > 50 and pages >= 1' holds"));
        Assert.That(few.ExecutionModeHint, Is.EqualTo(ExecutionModeHint.Immediate));
        Assert.That(Original.Select(catalog, Request(n: 51)).ExecutionModeHint, Is.EqualTo(ExecutionModeHint.Immediate));
    }

    [Test]
    public void A_missing_variable_excludes_the_pattern_with_a_reason_naming_it()
    {
        var catalog = Catalog(
            ("grep", [Pattern("search_files", time: "200 + 0.5 * file_size_kb")]),
            ("find", [Pattern("walk", time: "5000")]));

        var result = Enforced.Select(catalog, Request());
        Assert.That(result.ToolName, Is.EqualTo("find"));
        var excluded = result.Evaluation.Excluded.Single();
        Assert.That(excluded.Rule, Is.EqualTo(ExclusionRule.MissingVariable));
        Assert.That(excluded.Variable, Is.EqualTo("file_size_kb"));
        Assert.That(excluded.Reason, Does.Contain("needs variable 'file_size_kb'"));
        Assert.That(result.Explain(), Does.Contain("grep.service_control.search_files: time_estimate_ms '200 + 0.5 * file_size_kb' needs variable 'file_size_kb'"));

        var given = Enforced.Select(catalog, Request() with { Variables = new Dictionary<string, double> { ["N"] = 10, ["file_size_kb"] = 100 } });
        Assert.That(given.ToolName, Is.EqualTo("grep"), "250 ms beats 5000 ms once the variable is given");
    }

    [Test]
    public void A_variable_the_pattern_declares_with_a_numeric_default_is_evaluated_with_it()
    {
        var sizeInput = new InputSpec { Name = "file_size_kb", Type = "integer", Default = DataValue.FromInteger(2048) };
        var catalog = Catalog(("grep", [Pattern("search_files", time: "200 + 0.5 * file_size_kb", optional: sizeInput)]));

        var defaulted = Enforced.Select(catalog, Request());
        Assert.That(defaulted.EstimatedTimeMs, Is.EqualTo(200 + (0.5 * 2048)));
        var given = Enforced.Select(catalog, Request() with { Variables = new Dictionary<string, double> { ["file_size_kb"] = 10 } });
        Assert.That(given.EstimatedTimeMs, Is.EqualTo(205));
    }

    [Test]
    public void Patterns_whose_expressions_do_not_compile_are_reported_not_dropped()
    {
        var catalog = Catalog(("broken", [Pattern("p", time: "1000 + * N")]), ("fine", [Pattern("q")]));
        var result = Enforced.Select(catalog, Request());
        Assert.That(result.ToolName, Is.EqualTo("fine"));
        Assert.That(result.Evaluation.Excluded.Single().Rule, Is.EqualTo(ExclusionRule.InvalidExpression));
        Assert.That(result.Evaluation.Excluded.Single().Reason, Does.StartWith("expression does not compile: time_estimate_ms '1000 + * N'"));
    }

    [Test]
    public void Evaluation_errors_such_as_division_by_zero_are_reported()
    {
        var catalog = Catalog(("divider", [Pattern("p", cost: "10 / N")]));
        var error = Assert.Throws<ToolSelectionException>(() => Enforced.Select(catalog, Request(n: 0)));
        Assert.That(error!.Message, Is.EqualTo("No viable tools found for capabilities: ['service_control']; 1 pattern(s) offer them but could not be evaluated for this request: "
            + "[\"divider.service_control.p: cost_estimate '10 / N' cannot be evaluated: Division by zero\"]"), "the original's message, and why (issue 12)");
        Assert.That(error.Excluded.Single().Rule, Is.EqualTo(ExclusionRule.EvaluationError));
        Assert.That(error.Excluded.Single().Reason, Does.Contain("Division by zero"));
    }

    [Test]
    public void Allowed_environments_and_permissions_are_enforced()
    {
        var catalog = CatalogSnapshot.Create(
        [
            new ToolDefinition
            {
                Name = "Restart-Service",
                Version = "1.0",
                Metadata = DataMap.Create(("requires_admin", true)),
                Capabilities = [new CapabilityDefinition { Name = "service_control", Patterns = [Pattern("restart", policy: new PolicyDefinition { AllowedEnvironments = ["production", "staging"] })] }],
            },
        ], 1, CatalogSource.Memory, DateTimeOffset.UnixEpoch);

        var admin = Enforced.Select(catalog, Request());
        Assert.That(admin.ExecutionModeHint, Is.EqualTo(ExecutionModeHint.ApprovalRequired), "admin is elevated");
        var readOnly = Assert.Throws<ToolSelectionException>(() => Enforced.Select(catalog, Request() with { Permissions = new HashSet<string> { "read" } }));
        Assert.That(readOnly!.Message, Does.Contain("Missing required permissions: admin"));
        var lab = Assert.Throws<ToolSelectionException>(() => Enforced.Select(catalog, Request(environment: "lab")));
        Assert.That(lab!.Message, Does.Contain("Tool not allowed in lab environment"));
    }

    [Test]
    public void Aliases_resolve_to_the_canonical_capability_and_literal_alias_names_still_match()
    {
        var catalog = CatalogSnapshot.Create(
        [
            new ToolDefinition { Name = "systemctl", Version = "1.0", Capabilities = [new CapabilityDefinition { Name = "service_control", Patterns = [Pattern("restart")] }] },
            new ToolDefinition { Name = "legacy", Version = "1.0", Capabilities = [new CapabilityDefinition { Name = "service_management", Patterns = [Pattern("bounce")] }] },
        ], 1, CatalogSource.Memory, DateTimeOffset.UnixEpoch);

        var viaAlias = new CandidateEnumerator().EnumerateCandidates(catalog, ["service_management"]);
        Assert.That(viaAlias.Select(c => c.Key), Is.EqualTo(new[] { "legacy.bounce", "systemctl.restart" }));
        var exact = new CandidateEnumerator(CapabilityAliases.None).EnumerateCandidates(catalog, ["service_management"]);
        Assert.That(exact.Select(c => c.Key), Is.EqualTo(new[] { "legacy.bounce" }));
    }

    [Test]
    public void A_prepared_context_is_used_by_slot_and_left_untouched()
    {
        var sizeInput = new InputSpec { Name = "file_size_kb", Type = "integer", Default = DataValue.FromInteger(2048) };
        var catalog = Catalog(("grep", [Pattern("search_files", time: "200 + 0.5 * file_size_kb + N", optional: sizeInput)]));
        var context = new ExpressionContext(catalog.Variables);
        context.Set("N", 7);

        var result = Enforced.Select(catalog, new SelectionRequest { Capabilities = ["service_control"], Context = context });
        Assert.That(result.EstimatedTimeMs, Is.EqualTo(200 + 1024 + 7));
        Assert.That(context.TryGet("file_size_kb", out _), Is.False, "the declared default was not written into the caller's context");
    }

    [Test]
    public void Custom_weights_and_the_extended_mode_change_the_ranking()
    {
        var catalog = CatalogSnapshot.Create(
        [
            new ToolDefinition
            {
                Name = "t",
                Version = "1.0",
                Capabilities =
                [
                    new CapabilityDefinition
                    {
                        Name = "service_control",
                        Patterns =
                        [
                            Pattern("a", time: "1000") with { PreferenceMatch = new PreferenceMatch { Accuracy = 0.9, Completeness = 0.9, Speed = 0.0 } },
                            Pattern("b", time: "1000") with { PreferenceMatch = new PreferenceMatch { Accuracy = 0.9, Completeness = 0.9, Speed = 1.0 } },
                        ],
                    },
                ],
            },
        ], 1, CatalogSource.Memory, DateTimeOffset.UnixEpoch);

        Assert.That(Enforced.Select(catalog, Request(mode: "fast")).PatternName, Is.EqualTo("a"), "equal scores keep file order");
        Assert.That(new ToolSelector(new SelectionOptions { ScoringMode = ScoringMode.Extended }).Select(catalog, Request(mode: "fast")).PatternName, Is.EqualTo("b"));

        var options = new SelectionOptions();
        options.CustomWeights[PreferenceMode.Fast] = new FeatureWeights { DeclaredSpeed = 1.0 };
        Assert.That(new ToolSelector(options).Select(catalog, Request(mode: "fast")).PatternName, Is.EqualTo("b"));

        var bad = new SelectionOptions();
        bad.CustomWeights[PreferenceMode.Cheap] = new FeatureWeights { Cost = 0.7 };
        Assert.That(() => new ToolSelector(bad), Throws.ArgumentException.With.Message.EqualTo("Custom weights for mode 'cheap': Feature weights must sum to 1.0, got 0.7"));
    }

    [Test]
    public void The_explanation_names_each_feature_weight_and_contribution()
    {
        var catalog = Catalog(("a", [Pattern("p", time: "500")]), ("b", [Pattern("q", time: "700", policy: new PolicyDefinition { MaxCost = 0.5 })]));
        var text = Enforced.Select(catalog, Request(mode: "fast")).Explain();
        Assert.That(text, Does.Contain("Mode fast; weights: time 0.40, cost 0.15, complexity 0.15, accuracy 0.15, completeness 0.15."));
        Assert.That(text, Does.Contain("a.p score 0.7951").And.Contain("time 0.675×0.40=0.270"));
        Assert.That(text, Does.Contain("b.service_control.q: Cost $1.00 exceeds the pattern's max_cost $0.50"));
    }
}
