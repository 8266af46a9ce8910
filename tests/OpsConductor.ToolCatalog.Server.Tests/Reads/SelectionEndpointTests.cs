using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Reads;

[TestFixture]
public sealed class SelectionEndpointTests
{
    private ServerHost _host = null!;
    private HttpClient _viewer = null!;

    [OneTimeSetUp]
    public async Task StartHostWithToolsOfOneCapability()
    {
        _host = await ServerHost.StartAsync();
        // Four tools offering sel_cap with three patterns each (pattern_2 is not production-safe); one disabled tool too.
        var tools = GeneratedTools.CreateMany(5, capabilities: 1, prefix: "sel").Select(t => t with
        {
            Capabilities = [t.Capabilities[0] with { Name = "sel_cap" }],
        }).ToList();
        await _host.Store.ImportAsync(tools);
        var disabled = await _host.Store.DisableAsync("sel-00004");
        await _host.Catalog.WaitForRevisionAsync(disabled.Revision);
        _viewer = _host.ClientAs("viewer");
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        _viewer.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task Select_answers_with_the_same_choice_ranking_and_exclusions_as_the_librarys_selector()
    {
        var expected = _host.Services.GetRequiredService<ToolSelector>().Select(_host.Catalog.Current, new SelectionRequest
        {
            Capabilities = ["sel_cap"],
            ExplicitMode = "fast",
            Variables = new Dictionary<string, double> { ["N"] = 80 },
        });

        var body = await PostAsync("/api/v1/select", """{"capability": "sel_cap", "mode": "fast", "variables": {"N": 80}, "explain": true}""");

        var selected = body.GetProperty("selected");
        var ranked = body.GetProperty("ranked").EnumerateArray().ToList();
        var excluded = body.GetProperty("excluded").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(selected.GetProperty("tool").GetString(), Is.EqualTo(expected.ToolName));
            Assert.That(selected.GetProperty("pattern").GetString(), Is.EqualTo(expected.PatternName));
            Assert.That(selected.GetProperty("score").GetDouble(), Is.EqualTo(expected.FinalScore));
            Assert.That(selected.GetProperty("estimated_time_ms").GetDouble(), Is.EqualTo(expected.EstimatedTimeMs));
            Assert.That(selected.GetProperty("execution_mode_hint").GetString(), Is.EqualTo(expected.ExecutionModeHint.ToWire()));
            Assert.That(selected.GetProperty("justification").GetString(), Is.EqualTo(expected.Justification));
            Assert.That(body.GetProperty("mode").GetString(), Is.EqualTo("fast"));
            Assert.That(body.GetProperty("weights").GetProperty("time").GetDouble(), Is.EqualTo(expected.Evaluation.Weights.Time));
            Assert.That(body.GetProperty("revision").GetInt64(), Is.EqualTo(expected.Evaluation.Revision));
            Assert.That(
                ranked.Select(r => (r.GetProperty("tool").GetString(), r.GetProperty("pattern").GetString(), r.GetProperty("score").GetDouble(), r.GetProperty("estimated_time_ms").GetDouble(), r.GetProperty("estimated_cost").GetDouble())),
                Is.EqualTo(expected.Evaluation.Ranked.Select(r => (r.Candidate.ToolName, r.Candidate.PatternName, r.Score, r.Candidate.EstimatedTimeMs, r.Candidate.EstimatedCost))));
            Assert.That(ranked, Has.Count.EqualTo(8), "four selectable tools, two production-safe patterns each");
            Assert.That(ranked[0].GetProperty("features").EnumerateArray().Sum(f => f.GetProperty("contribution").GetDouble()), Is.EqualTo(expected.FinalScore).Within(1e-12));
            Assert.That(ranked[0].GetProperty("requires_background").GetBoolean(), Is.True, "requires_background_if 'N > 50'");
            Assert.That(excluded.Select(e => e.GetProperty("rule").GetString()), Is.All.EqualTo("not_production_safe"));
            Assert.That(excluded.Select(e => (e.GetProperty("tool").GetString(), e.GetProperty("pattern").GetString())), Is.EqualTo(expected.Evaluation.Excluded.Select(e => (e.ToolName, e.PatternName))));
            Assert.That(body.GetProperty("explanation").GetString(), Is.EqualTo(expected.Explain()));
        });
    }

    [Test]
    public async Task Select_gives_the_explanation_only_when_asked_and_the_choice_scores_and_exclusions_always()
    {
        var plain = await PostAsync("/api/v1/select", """{"capability": "sel_cap", "mode": "fast", "variables": {"N": 80}}""");
        var explained = await PostAsync("/api/v1/select", """{"capability": "sel_cap", "mode": "fast", "variables": {"N": 80}, "explain": true}""");

        Assert.Multiple(() =>
        {
            Assert.That(plain.GetProperty("explanation").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(plain.GetProperty("ranked").EnumerateArray().Select(r => r.GetProperty("features").ValueKind), Is.All.EqualTo(JsonValueKind.Null));
            Assert.That(plain.GetProperty("selected").GetProperty("justification").GetString(), Is.Not.Empty);
            Assert.That(plain.GetProperty("ranked")[0].GetProperty("score").GetDouble(), Is.GreaterThan(0));
            Assert.That(plain.GetProperty("excluded")[0].GetProperty("reason").GetString(), Is.Not.Empty);

            Assert.That(explained.GetProperty("explanation").GetString(), Is.Not.Empty);
            Assert.That(explained.GetProperty("ranked").EnumerateArray().Select(r => r.GetProperty("features").GetArrayLength()), Is.All.EqualTo(5));
            Assert.That(
                explained.GetProperty("ranked").EnumerateArray().Select(r => r.GetProperty("score").GetDouble()),
                Is.EqualTo(plain.GetProperty("ranked").EnumerateArray().Select(r => r.GetProperty("score").GetDouble())),
                "the same ranking either way");
        });
    }

    [Test]
    public async Task Select_in_a_non_production_environment_ranks_what_production_excludes()
    {
        var body = await PostAsync("/api/v1/select", """{"capabilities": ["sel_cap"], "environment": "staging", "cost_limit": 2}""");

        var excludedRules = body.GetProperty("excluded").EnumerateArray().Select(e => e.GetProperty("rule").GetString()).Distinct();
        Assert.That(excludedRules, Is.EqualTo(new[] { "cost_limit" }), "pattern_1 and pattern_2 cost 2 and 3; pattern_2 is allowed in staging");
        Assert.That(body.GetProperty("excluded").EnumerateArray().First().GetProperty("estimated_cost").GetDouble(), Is.EqualTo(3));
    }

    [Test]
    public async Task Select_with_nothing_viable_answers_the_originals_message_and_the_evaluation()
    {
        var body = await PostAsync("/api/v1/select", """{"capability": "nobody_offers_this"}""");

        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("selected").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(body.GetProperty("error").GetString(), Does.StartWith("No viable tools found for capabilities: ['nobody_offers_this']"));
            Assert.That(body.GetProperty("ranked").GetArrayLength(), Is.Zero);
        });
    }

    [TestCase("""{"capability": "sel_cap", "variables": {"N": -5}}""", "variables.N")]
    [TestCase("""{"capability": "sel_cap", "mode": "turbo"}""", "mode")]
    [TestCase("""{"capabilities": []}""", "capabilities")]
    [TestCase("""{"capabilities": ["sel_cap", " "]}""", "capabilities[1]")]
    [TestCase("""{"capability": "sel_cap", "cost_limit": -1}""", "cost_limit")]
    [TestCase("""{"capability": "sel_cap", "environment": " "}""", "environment")]
    [TestCase("""{"capability": "sel_cap", "capabilities": ["sel_cap"]}""", "capability")]
    public async Task Select_refuses_a_request_that_breaks_a_rule_naming_the_field(string json, string field)
    {
        using var response = await _viewer.PostAsync("/api/v1/select", Json(json));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(field));
    }

    [TestCase("""{"capability": "sel_cap", "variables": {"N": "ten"}}""", "$.variables.N")]
    [TestCase("""{"capability": "sel_cap", "capabilityy": 1}""", "$")]
    [TestCase("""{"capability": "sel_cap",""", "$")]
    public async Task Select_refuses_malformed_json_naming_where(string json, string path)
    {
        using var response = await _viewer.PostAsync("/api/v1/select", Json(json));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("#problem-malformed-json"));
        Assert.That(problem.GetProperty("path").GetString(), Does.StartWith(path));
    }

    [Test]
    public async Task Select_takes_json_only()
    {
        using var response = await _viewer.PostAsync("/api/v1/select", new StringContent("capability: sel_cap", Encoding.UTF8, "application/yaml"));

        await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task Estimate_gives_every_patterns_time_and_cost_as_selection_evaluates_them()
    {
        var expected = ToolSelector.Estimate(_host.Catalog.Current, _host.Catalog.Current.FindTool("sel-00001")!.Patterns, new Dictionary<string, double> { ["N"] = 12 });

        var body = await PostAsync("/api/v1/estimate", """{"tool": "sel-00001", "capability": "sel_cap", "variables": {"N": 12}}""");

        var patterns = body.GetProperty("patterns").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(patterns.Select(p => p.GetProperty("pattern").GetString()), Is.EqualTo(new[] { "pattern_0", "pattern_1", "pattern_2" }));
            Assert.That(patterns.Select(p => p.GetProperty("estimated_time_ms").GetDouble()), Is.EqualTo(expected.Select(e => e.EstimatedTimeMs!.Value)));
            Assert.That(patterns.Select(p => p.GetProperty("estimated_cost").GetDouble()), Is.EqualTo(expected.Select(e => e.EstimatedCost!.Value)));
            Assert.That(patterns[1].GetProperty("estimated_time_ms").GetDouble(), Is.EqualTo(101 + (0.5 * 12)));
            Assert.That(patterns[1].GetProperty("time_estimate_ms").GetString(), Is.EqualTo("101 + 0.5 * N"));
            Assert.That(body.GetProperty("version").GetString(), Is.EqualTo("1.0"));
        });
    }

    [Test]
    public async Task Estimate_of_one_pattern_of_a_disabled_tool_is_given_too()
    {
        var body = await PostAsync("/api/v1/estimate", """{"tool": "sel-00004", "capability": "sel_cap", "pattern": "pattern_2"}""");

        var only = body.GetProperty("patterns").EnumerateArray().Single();
        Assert.That(only.GetProperty("estimated_time_ms").GetDouble(), Is.EqualTo(102), "N defaults to 0");
        Assert.That(only.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [TestCase("""{"tool": "no-such-tool", "capability": "sel_cap"}""", "no-such-tool")]
    [TestCase("""{"tool": "sel-00001", "capability": "no_such_cap"}""", "no_such_cap")]
    [TestCase("""{"tool": "sel-00001", "capability": "sel_cap", "pattern": "no_such_pattern"}""", "no_such_pattern")]
    public async Task Estimate_of_an_unknown_tool_capability_or_pattern_is_404_naming_it(string json, string named)
    {
        using var response = await _viewer.PostAsync("/api/v1/estimate", Json(json));

        var problem = await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(named));
    }

    [Test]
    public async Task Estimate_of_an_unknown_tool_with_a_huge_name_does_not_send_the_name_back_whole()
    {
        using var response = await _viewer.PostAsync("/api/v1/estimate", Json($$"""{"tool": "{{new string('t', 100_000)}}", "capability": "sel_cap"}"""));

        var problem = await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.That(problem.ToString().Length, Is.LessThan(1000));
    }

    [TestCase("""{"tool": "sel-00001", "capability": "sel_cap", "variables": {"N": -1}}""", "variables.N")]
    [TestCase("""{"tool": "sel-00001", "capability": "sel_cap", "variables": {"pi": 3}}""", "variables.pi")]
    [TestCase("""{"capability": "sel_cap"}""", "tool")]
    [TestCase("""{"tool": "sel-00001"}""", "capability")]
    public async Task Estimate_refuses_bad_variables_and_missing_fields_naming_them(string json, string field)
    {
        using var response = await _viewer.PostAsync("/api/v1/estimate", Json(json));

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Test]
    public async Task Nobody_anonymous_selects()
    {
        using var anonymous = _host.Anonymous();

        using var response = await anonymous.PostAsync("/api/v1/select", Json("""{"capability": "sel_cap"}"""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> PostAsync(string path, string json)
    {
        using var response = await _viewer.PostAsync(path, Json(json));
        return await response.JsonAsync();
    }
}
