using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Profiles;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Tests.Runtime;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Validation;
using static OpsConductor.ToolCatalog.Tests.Runtime.RuntimeHarness;

namespace OpsConductor.ToolCatalog.Tests.Profiles;

/// <summary>
/// The ProfileLoader facade: the original's behaviours (ORIGINAL-BEHAVIOUR.md §2, the 16 tests of
/// <c>test_profile_loader.py</c>, §4.9) on the original's profile files, and what it does better.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ProfileLoaderTests
{
    private static async Task<(RuntimeHarness Catalog, ProfileLoader Loader)> LoadProfilesAsync(string file = "tool_optimization_profiles.44c1a4bf.yaml")
    {
        var catalog = Create(new ToolCatalogOptions { Mode = CatalogMode.Yaml, YamlPath = Path.Combine(Compat.Profiles, file) });
        await catalog.Catalog.StartAsync();
        return (catalog, new ProfileLoader(catalog.Catalog));
    }

    [Test]
    public async Task Load_gives_the_profile_file_version_and_its_tools_in_file_order()
    {
        var (catalog, loader) = await LoadProfilesAsync();
        await using var _ = catalog;

        var config = loader.Load();

        Assert.That(config.Version, Is.EqualTo("1.1"), "the file's version (the original's test asserted 1.0 and broke when the file moved to 1.1)");
        Assert.That(config.Tools.Keys, Is.EqualTo(new[] { "asset-service-query", "asset-direct-poll", "info_display", "systemctl", "ps", "journalctl", "config_manager" }));
        Assert.That(loader.Source, Is.EqualTo(CatalogSource.Yaml));
    }

    [Test]
    public async Task Asset_service_query_has_its_four_patterns_and_count_aggregate_keeps_its_expression()
    {
        var (catalog, loader) = await LoadProfilesAsync();
        await using var _ = catalog;

        var tool = loader.GetToolProfile("asset-service-query")!;
        var patterns = tool.Capabilities["asset_query"].Patterns;

        Assert.That(tool.Description, Is.EqualTo("Query infrastructure asset metadata from centralized database"));
        Assert.That(patterns.Keys, Is.EqualTo(new[] { "count_aggregate", "list_summary", "single_lookup", "detailed_lookup" }));
        Assert.That(patterns["count_aggregate"].TimeEstimateMs, Is.EqualTo("120 + 0.02 * N"));
        Assert.That(patterns["count_aggregate"].CostEstimate, Is.EqualTo("1"));
        Assert.That(patterns["count_aggregate"].ComplexityScore, Is.EqualTo(0.1));
        Assert.That(patterns["count_aggregate"].TypicalUseCases, Is.EqualTo(new[] { "how many", "count", "total", "number of" }));
        Assert.That(patterns["count_aggregate"].Policy.MaxCost, Is.EqualTo(10));
        Assert.That(patterns["count_aggregate"].PreferenceMatch.Speed, Is.EqualTo(0.95));
        Assert.That(loader.GetToolProfile("asset-query"), Is.Null, "renamed only at the original's HEAD");
    }

    [Test]
    public async Task Patterns_inherit_the_tool_defaults_they_leave_out_and_keep_their_own()
    {
        var (catalog, loader) = await LoadProfilesAsync();
        await using var _ = catalog;

        var pattern = loader.GetToolProfile("asset-service-query")!.Capabilities["asset_query"].Patterns["count_aggregate"];

        Assert.That(pattern.AccuracyLevel, Is.EqualTo("cached"));
        Assert.That(pattern.Freshness, Is.EqualTo("recent (5-15 min stale)"));
        Assert.That(pattern.DataSource, Is.EqualTo("database"));
        Assert.That(pattern.Scope, Is.EqualTo("aggregated_count"), "its own value, not a default");
        Assert.That(pattern.Completeness, Is.EqualTo("complete for cached data"));
    }

    [Test]
    public async Task Parallel_poll_must_run_in_the_background_above_fifty_assets()
    {
        var (catalog, loader) = await LoadProfilesAsync();
        await using var _ = catalog;

        var policy = loader.GetToolProfile("asset-direct-poll")!.Capabilities["live_asset_query"].Patterns["parallel_poll"].Policy;

        Assert.That(policy.MaxNImmediate, Is.EqualTo(50));
        Assert.That(policy.RequiresBackgroundIf, Is.EqualTo("N > 50"));
        Assert.That(policy.MaxCost, Is.EqualTo(1000));
        Assert.That(policy.RequiresApproval, Is.False);
        Assert.That(policy.ProductionSafe, Is.True);
    }

    [Test]
    public async Task Load_returns_the_same_object_until_the_catalog_changes()
    {
        var (catalog, loader) = await LoadProfilesAsync();
        await using var _ = catalog;

        var first = loader.Load();
        var second = loader.Load();
        var profile = loader.GetToolProfile("ps");

        Assert.That(second, Is.SameAs(first));
        Assert.That(loader.GetAllTools(), Is.SameAs(first.Tools));
        Assert.That(loader.GetToolProfile("ps"), Is.SameAs(profile));
        Assert.That(first.Tools["ps"], Is.SameAs(profile));

        loader.InvalidateCache();
        var rebuilt = loader.Load();
        Assert.That(rebuilt, Is.Not.SameAs(first));
        Assert.That(rebuilt.Tools["ps"], Is.Not.SameAs(profile).And.EqualTo(profile));
        Assert.That(loader.Reload(), Is.Not.SameAs(rebuilt), "a forced reload reads the file again");
    }

    [Test]
    public async Task Every_capability_has_at_most_five_patterns_and_every_score_is_between_zero_and_one()
    {
        foreach (var file in new[] { "tool_optimization_profiles.44c1a4bf.yaml", "tool_optimization_profiles.a40b1d34.yaml" })
        {
            var (catalog, loader) = await LoadProfilesAsync(file);
            await using var _ = catalog;
            var patterns = loader.GetAllTools().Values.SelectMany(t => t.Capabilities.Values).ToList();

            Assert.That(patterns, Has.All.Matches<CapabilityProfile>(c => c.Patterns.Count is >= 1 and <= 5), file);
            Assert.That(patterns.SelectMany(c => c.Patterns.Values), Has.All.Matches<PatternProfile>(p =>
                p.ComplexityScore is >= 0 and <= 1
                && new[] { p.PreferenceMatch.Speed, p.PreferenceMatch.Accuracy, p.PreferenceMatch.Cost, p.PreferenceMatch.Complexity, p.PreferenceMatch.Completeness }.All(s => s is >= 0 and <= 1)), file);
        }

        var (head, headLoader) = await LoadProfilesAsync("tool_optimization_profiles.a40b1d34.yaml");
        await using (head)
        {
            Assert.That(headLoader.GetAllTools(), Has.Count.EqualTo(9));
            Assert.That(headLoader.GetToolProfile("asset-query"), Is.Not.Null);
        }
    }

    [Test]
    public async Task Validate_expressions_gives_the_validators_answer_for_the_same_tools()
    {
        var (catalog, loader) = await LoadProfilesAsync();
        await using var _ = catalog;
        Assert.That(loader.ValidateExpressions(), Is.Empty, "every expression of the original file is fine");

        await using var samples = Create(new ToolCatalogOptions { Mode = CatalogMode.Yaml, YamlPath = TestPaths.SampleTools });
        await samples.Catalog.StartAsync();
        var strict = new ToolValidator(ValidationOptions.StrictOriginal);
        Assert.That(samples.Catalog.Current.Tools.SelectMany(t => strict.Validate(t.Definition).Findings)
            .Where(f => f.Path.EndsWith("_estimate_ms", StringComparison.Ordinal) || f.Path.EndsWith("cost_estimate", StringComparison.Ordinal) || f.Path.EndsWith("requires_background_if", StringComparison.Ordinal)),
            Is.Empty, "validate --strict has nothing to say about the samples' expressions");
        Assert.That(new ProfileLoader(samples.Catalog).ValidateExpressions(), Is.Empty,
            "inputs the patterns declare (count, body_kb, …) are not \"not defined\": one validator, one answer (issue 12)");

        var tool = Tool("broken") with
        {
            Capabilities =
            [
                new CapabilityDefinition
                {
                    Name = "probe",
                    Patterns =
                    [
                        new PatternDefinition
                        {
                            Name = "p",
                            TimeEstimateMs = "1000 / (N - 100",
                            CostEstimate = "pages * unknown_factor",
                            Policy = new PolicyDefinition { RequiresBackgroundIf = "N > threshold" },
                        },
                    ],
                },
            ],
        };
        using var snapshot = new SnapshotCatalog(CatalogSnapshot.Create([tool], 0, CatalogSource.Memory, DateTimeOffset.UnixEpoch));
        var messages = new ProfileLoader(snapshot).ValidateExpressions();
        var expected = strict.Validate(tool).Findings.Where(f => f.Path.Contains("estimate", StringComparison.Ordinal) || f.Path.Contains("requires_background_if", StringComparison.Ordinal))
            .Select(f => f.Message).ToList();

        Assert.That(messages, Has.Count.EqualTo(3));
        Assert.That(messages[0], Does.StartWith("broken.probe.p.time_estimate_ms: ").And.Contain("does not compile"));
        Assert.That(messages[1], Does.StartWith("broken.probe.p.cost_estimate: ").And.Contain("'unknown_factor'"));
        Assert.That(messages[2], Does.StartWith("broken.probe.p.policy.requires_background_if: ").And.Contain("'threshold'"));
        Assert.That(messages.Select(m => m[(m.IndexOf(": ", StringComparison.Ordinal) + 2)..]), Is.EqualTo(expected), "the validator's own messages");
    }

    [Test]
    public void Apply_defaults_copies_only_non_empty_defaults_into_unset_fields()
    {
        var pattern = new PatternProfile { Description = "d", TimeEstimateMs = "1", Scope = "own" };
        var profile = new ToolProfile
        {
            Description = "t",
            Defaults = new ToolDefaults { AccuracyLevel = "cached", Freshness = "", Scope = "inherited", DataSource = null },
            Capabilities = new Dictionary<string, CapabilityProfile> { ["c"] = new() { Patterns = new Dictionary<string, PatternProfile> { ["p"] = pattern } } },
        };

        var applied = profile.ApplyDefaults().Capabilities["c"].Patterns["p"];
        var config = new OptimizationProfilesConfig(null, [KeyValuePair.Create("t", profile)]);

        Assert.That(applied.AccuracyLevel, Is.EqualTo("cached"));
        Assert.That(applied.Freshness, Is.Null, "an empty default is not copied (the original copied truthy defaults only)");
        Assert.That(applied.Scope, Is.EqualTo("own"));
        Assert.That(applied.DataSource, Is.Null);
        Assert.That(profile.ApplyDefaults().ApplyDefaults(), Is.EqualTo(profile.ApplyDefaults()));
        Assert.That(config.Version, Is.EqualTo("1.0"));
        Assert.That(config.Tools["t"].Capabilities["c"].Patterns["p"].AccuracyLevel, Is.EqualTo("cached"), "building the config applies defaults");
    }

    [Test]
    public async Task From_the_database_only_selectable_tools_appear_in_name_order()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        foreach (var name in new[] { "zeta", "alpha", "Mid", "off", "old" })
        {
            await writer.CreateAsync(Tool(name));
        }

        await writer.DisableAsync("off");
        await writer.DeprecateAsync("old");
        await using var catalog = await StartAsync(db);
        var loader = new ProfileLoader(catalog.Catalog);

        Assert.That(loader.GetAllTools().Keys, Is.EqualTo(new[] { "Mid", "alpha", "zeta" }), "ordinal name order, as the original's ORDER BY tool_name");
        Assert.That(loader.Load().Version, Is.EqualTo("1.0"));
        Assert.That(loader.GetToolProfile("off"), Is.Null);
        Assert.That(loader.GetToolProfile("old"), Is.Null);
        Assert.That(loader.GetToolProfile("alpha")!.Capabilities["service_control"].Patterns["default"].RequiresInputs, Is.Empty);
    }

    [Test]
    public async Task Reloading_one_tool_reads_just_that_tool_and_every_reader_sees_it()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await writer.CreateAsync(Tool("grep"));
        await writer.CreateAsync(Tool("find"));
        await using var catalog = await StartAsync(db);
        catalog.Catalog.NotificationFilter = _ => false; // only explicit reloads from here on
        var loader = new ProfileLoader(catalog.Catalog);
        var otherReader = new ProfileLoader(catalog.Catalog);
        var find = loader.GetToolProfile("find");
        Assert.That(otherReader.GetToolProfile("grep")!.Capabilities["service_control"].Patterns["default"].TimeEstimateMs, Is.EqualTo("100 + 2 * N"));

        await writer.PublishAsync(Tool("grep", "2.0", time: "7 * N"));
        await writer.PublishAsync(Tool("find", "2.0", time: "8 * N"));
        var config = await loader.ReloadAsync("grep");

        Assert.That(config.Tools["grep"].Capabilities["service_control"].Patterns["default"].TimeEstimateMs, Is.EqualTo("7 * N"));
        Assert.That(otherReader.GetToolProfile("grep")!.Capabilities["service_control"].Patterns["default"].TimeEstimateMs, Is.EqualTo("7 * N"),
            "the reload reached another reader (the original's reload never reached the running selector)");
        Assert.That(loader.GetToolProfile("find"), Is.SameAs(find), "only grep was read again");
        Assert.That(catalog.Current.FindTool("find")!.Definition.Version, Is.EqualTo("1.0"));

        var all = await loader.LoadAsync(forceReload: true);
        Assert.That(all.Tools["find"].Capabilities["service_control"].Patterns["default"].TimeEstimateMs, Is.EqualTo("8 * N"));
    }

    [Test]
    public async Task Invalidating_one_tool_rebuilds_just_that_profile()
    {
        var (catalog, loader) = await LoadProfilesAsync();
        await using var _ = catalog;
        var ps = loader.GetToolProfile("ps");
        var systemctl = loader.GetToolProfile("systemctl");

        loader.InvalidateCache("ps");

        Assert.That(loader.GetToolProfile("ps"), Is.Not.SameAs(ps).And.EqualTo(ps));
        Assert.That(loader.GetToolProfile("systemctl"), Is.SameAs(systemctl));
    }

    /// <summary>An <see cref="IToolCatalog"/> over a fixed snapshot (the facade works over any catalog).</summary>
    private sealed class SnapshotCatalog(CatalogSnapshot snapshot) : IToolCatalog, IDisposable
    {
        public CatalogSnapshot Current => snapshot;

        public CatalogSource Source => snapshot.Source;

        public long Revision => snapshot.Revision;

        public CatalogHealth Health => new(CatalogHealthStatus.Healthy, "fixed", snapshot.Source, 0, snapshot.ToolCount, false, null, null);

        public event EventHandler<CatalogChangedEventArgs>? Changed
        {
            add { }
            remove { }
        }

        public Task<CatalogSnapshot> WaitForRevisionAsync(long revision, CancellationToken cancellationToken = default) => Task.FromResult(snapshot);

        public Task<CatalogSnapshot> RefreshAsync(CancellationToken cancellationToken = default) => Task.FromResult(snapshot);

        public Task<CatalogSnapshot> ReloadToolAsync(string toolName, CancellationToken cancellationToken = default) => Task.FromResult(snapshot);

        public void Dispose()
        {
        }
    }
}
