using System.Text.Json;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary><c>toolcatalog select</c> over the database, a folder of YAML and a profiles file.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class SelectCommandTests
{
    private static readonly string Profiles = Path.Combine(CliPaths.Compat, "profiles", "tool_optimization_profiles.44c1a4bf.yaml");

    [Test]
    public async Task Over_the_profiles_file_it_reproduces_the_original_golden_selection()
    {
        var result = await CliHarness.RunAsync("select", "asset_query", "--profiles", Profiles, "--var", "N=100", "--query", "how many linux servers");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("mode balanced"));
        Assert.That(result.Output, Does.Match(@"1\s+asset-service-query\.single_lookup\s+asset_query\s+80\s+1\s+0\.8267\s+immediate"));
        Assert.That(result.Output, Does.Match(@"2\s+asset-service-query\.count_aggregate\s+asset_query\s+122\s+1\s+0\.7948"));
        Assert.That(result.Output, Does.Contain("Selected: asset-service-query.single_lookup (score 0.8267, deterministic)."));
        Assert.That(result.Output, Does.Contain("Alternatives: asset-service-query.count_aggregate, asset-service-query.detailed_lookup, asset-service-query.list_summary."));
        Assert.That(result.Output, Does.Contain("Close call (top two within 0.08): "));
    }

    [Test]
    public async Task A_query_without_a_capability_searches_the_catalog_and_says_what_it_matched()
    {
        var result = await CliHarness.RunAsync("select", "--query", "scan the subnet for open ports", "--var", "N=16", "--tools", CliPaths.Samples);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("No capability named: searched the catalog by the query"));
        Assert.That(result.Output, Does.Contain("port_scan: nmap.common_ports BM25"));
        Assert.That(result.Output, Does.Contain("Selected: nmap.common_ports"));
    }

    [Test]
    public async Task The_issues_query_only_command_for_a_256_host_subnet_selects_an_nmap_port_scan_and_names_the_match()
    {
        // toolcatalog select --query "scan the subnet for open ports" --var N=256 (issue 18), over the shipped catalog.
        var result = await CliHarness.RunAsync("select", "--query", "scan the subnet for open ports", "--var", "N=256", "--tools", CliPaths.Samples);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("No capability named: searched the catalog by the query"));
        Assert.That(result.Output, Does.Contain("port_scan: nmap."));
        Assert.That(result.Output, Does.Match(@"Selected: nmap\.[a-z_]+ "), result.Output);
    }

    [Test]
    public async Task A_query_that_matches_nothing_fails_with_exit_1_and_a_sentence_not_a_trace()
    {
        var result = await CliHarness.RunAsync("select", "--query", "hello world", "--tools", CliPaths.Samples);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output);
        Assert.That(result.Error, Does.Contain("No tool matches the query \"hello world\"").And.Not.Contain("   at "));
    }

    [Test]
    public async Task Neither_a_capability_nor_a_query_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync("select", "--var", "N=1", "--tools", CliPaths.Samples);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.Error, Does.Contain("capability []").And.Contain("or carry a query"));
    }

    [Test]
    public async Task Json_output_carries_the_ranking_the_features_and_the_exclusions()
    {
        var result = await CliHarness.RunAsync("select", "asset_query", "--profiles", Profiles, "--var", "N=100", "--cost-limit", "1", "--mode", "fast", "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.That(root.GetProperty("mode").GetString(), Is.EqualTo("fast"));
        Assert.That(root.GetProperty("selected").GetProperty("pattern").GetString(), Is.EqualTo("single_lookup"));
        Assert.That(root.GetProperty("selected").GetProperty("score").GetDouble(), Is.EqualTo(0.8535).Within(0.00005));
        var excluded = root.GetProperty("excluded").EnumerateArray().ToList();
        Assert.That(excluded.Select(e => e.GetProperty("pattern").GetString()), Does.Contain("list_summary"));
        Assert.That(excluded.Single(e => e.GetProperty("pattern").GetString() == "list_summary").GetProperty("reason").GetString(), Does.Contain("Cost $2.00 exceeds limit $1.00"));
        var first = root.GetProperty("ranked")[0];
        Assert.That(first.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("feature").GetString()),
            Is.EquivalentTo(new[] { "time", "cost", "complexity", "accuracy", "completeness" }));
    }

    [Test]
    public async Task Over_a_folder_of_yaml_it_explains_scores_and_policy_exclusions()
    {
        var result = await CliHarness.RunAsync("select", "service_restart", "service_stop", "--tools", CliPaths.Samples, "--var", "N=40", "--mode", "fast");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("Selecting service_restart, service_stop for N=40; environment production; mode fast (files in"));
        Assert.That(result.Output, Does.Contain("RANK  TOOL.PATTERN"));
        Assert.That(result.Output, Does.Contain("1. systemctl.restart_all: accuracy 0.900×0.15=0.135, completeness 0.900×0.15=0.135, complexity 0.700×0.15=0.105, time 0.191×0.40=0.076"));
        Assert.That(result.Output, Does.Contain("note: requires_background_if 'N > 20' holds"));
        Assert.That(result.Output, Does.Contain("- systemctl.stop (service_stop): Tool not marked as production-safe"));
        Assert.That(result.Output, Does.Contain("Selected: systemctl.restart_all"));
    }

    [Test]
    public async Task In_staging_the_production_safety_rule_no_longer_excludes()
    {
        var result = await CliHarness.RunAsync("select", "service_stop", "--tools", CliPaths.Samples, "--var", "N=40", "--environment", "staging", "--format", "json");

        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("ranked").EnumerateArray().Select(r => r.GetProperty("tool").GetString() + "." + r.GetProperty("pattern").GetString()), Does.Contain("systemctl.stop"));
    }

    [Test]
    public async Task Nothing_viable_exits_1_with_the_original_message()
    {
        var none = await CliHarness.RunAsync("select", "teleportation", "--tools", CliPaths.Samples);
        var allExcluded = await CliHarness.RunAsync("select", "asset_query", "--profiles", Profiles, "--var", "N=100", "--cost-limit", "0.0001");

        Assert.That(none.ExitCode, Is.EqualTo(1));
        Assert.That(none.Error, Does.Contain("error: No viable tools found for capabilities: ['teleportation']"));
        Assert.That(allExcluded.ExitCode, Is.EqualTo(1));
        Assert.That(allExcluded.Error, Does.Contain("error: All candidates violate policies. Violations: ["));
        Assert.That(allExcluded.Output, Does.Contain("Excluded (4):").And.Contain("Cost $1.00 exceeds limit $0.00"));
    }

    [TestCase("Production")]
    [TestCase(" production")]
    [TestCase("prod")]
    public async Task Production_whatever_its_spelling_and_unknown_environments_exclude_patterns_not_safe_for_production(string environment)
    {
        var result = await CliHarness.RunAsync("select", "service_restart", "service_stop", "--tools", CliPaths.Samples, "--var", "N=5", "--environment", environment, "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("ranked").EnumerateArray().Select(r => r.GetProperty("tool").GetString() + "." + r.GetProperty("pattern").GetString()),
            Does.Not.Contain("systemctl.stop"));
        var excluded = json.RootElement.GetProperty("excluded").EnumerateArray().Single(e => e.GetProperty("tool").GetString() == "systemctl" && e.GetProperty("pattern").GetString() == "stop");
        Assert.That(excluded.GetProperty("rule").GetString(), Is.EqualTo("not_production_safe"));
    }

    [TestCase("--var", "N=-5", "error: --var N=-5: N is the number of hosts (or items) the request is for and must be ≥ 0")]
    [TestCase("--cost-limit", "NaN", "error: --cost-limit NaN: a cost limit must be a finite number ≥ 0, or null for no limit")]
    [TestCase("--cost-limit", "-1", "error: --cost-limit -1: a cost limit must be a finite number ≥ 0, or null for no limit")]
    [TestCase("--environment", "", "error: --environment \"\": name the environment the tool would run in")]
    [TestCase("--var", "pi=5", "error: --var pi=5: 'pi' is a constant of the expression language")]
    public async Task A_request_that_cannot_be_answered_is_a_usage_error_naming_the_option(string option, string value, string message)
    {
        var result = await CliHarness.RunAsync("select", "service_restart", "--tools", CliPaths.Samples, option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.Error, Does.StartWith(message));
        Assert.That(result.Output, Is.Empty, "refused before anything is ranked");
    }

    [Test]
    public async Task Json_weights_use_snake_case_keys_like_every_other_key()
    {
        var result = await CliHarness.RunAsync("select", "asset_query", "--profiles", Profiles, "--var", "N=100", "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("weights").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
        {
            "time", "cost", "complexity", "accuracy", "completeness", "declared_speed", "declared_cost", "declared_simplicity",
        }));
        Assert.That(json.RootElement.GetProperty("weights").GetProperty("time").GetDouble(), Is.EqualTo(0.2));
    }

    [Test]
    public async Task Patterns_excluded_for_a_missing_variable_are_named_not_reported_as_absent()
    {
        // The shipped catalog declares a default for every variable (docs/catalog-guide.md), so this needs a tool that does not.
        var folder = CliTestData.NewFolder("missing-variable");
        await File.WriteAllTextAsync(Path.Combine(folder, "grep.yaml"), """
            tool_name: "grep"
            version: "1.0"
            description: "Search files for lines matching a pattern"
            platform: "linux"
            category: "system"
            defaults:
              accuracy_level: "real-time"
              freshness: "live"
              data_source: "direct"
            capabilities:
              text_search:
                description: "Find the lines of files that match a pattern"
                patterns:
                  search_file:
                    description: "Matching lines of one file (grep -nE PATTERN FILE)"
                    time_estimate_ms: "150 + 0.4 * file_size_kb"
                    cost_estimate: "1"
                  search_tree:
                    description: "Matching lines under a directory (grep -rnE PATTERN DIR)"
                    time_estimate_ms: "400 + 2 * num_files + 0.4 * total_size_kb"
                    cost_estimate: "2"
            """);

        var result = await CliHarness.RunAsync("select", "text_search", "--tools", folder);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Not.Contain("No pattern of the catalog offers"));
        Assert.That(result.Error, Does.Contain("2 pattern(s) offer text_search, but none could be evaluated for this request (2 need a variable the request does not give; reasons above)."));
        Assert.That(result.Error, Does.Contain("--var file_size_kb=<number>"));
        Assert.That(result.Output, Does.Contain("- grep.search_file (text_search): time_estimate_ms '150 + 0.4 * file_size_kb' needs variable 'file_size_kb'"));
    }

    [Test]
    public async Task A_malformed_variable_is_a_usage_error_naming_the_flag()
    {
        var result = await CliHarness.RunAsync("select", "service_restart", "--tools", CliPaths.Samples, "--var", "N=forty");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--var 'N=forty'").And.Contain("not a number"));
    }

    [Test]
    public async Task Tools_and_profiles_together_are_a_usage_error()
    {
        var result = await CliHarness.RunAsync("select", "x", "--tools", CliPaths.Samples, "--profiles", Profiles);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--tools and --profiles"));
    }

    [Test]
    public async Task Over_the_database_tools_are_ordered_by_name_and_the_revision_is_shown()
    {
        await using var db = await TestDatabase.CreateAsync();
        await CatalogFiles.ImportAsync(db.CreateStore(), new CatalogFiles().Load(CliPaths.Samples));

        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString },
            "select", "service_management", "--var", "N=40", "--mode", "fast");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("(database, revision 1)"));
        Assert.That(result.Output, Does.Contain("Selected: systemctl.restart_all"), "service_management, the original's alias of service_control, now means service_restart (CapabilityAliases.Catalog)");
    }
}
