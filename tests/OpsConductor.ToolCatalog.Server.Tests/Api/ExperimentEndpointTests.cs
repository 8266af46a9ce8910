using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Api;

/// <summary><c>/api/v1/experiments</c>: create, start, results and promote, the tool's owner allowed and another tool's refused.</summary>
[TestFixture]
public sealed class ExperimentEndpointTests
{
    private const string Tool = "experiment-api-tool";
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = await ServerHost.StartAsync();
        await _host.Store.CreateAsync(GeneratedTools.Create(1, capabilities: 1, patterns: 1, prefix: Tool) with { Name = Tool });
        await _host.Store.PublishAsync(GeneratedTools.Create(1, capabilities: 1, patterns: 1, prefix: Tool, version: "2.0") with { Name = Tool });
        var back = await _host.Store.RollbackAsync(Tool, "1.0");
        await _host.Catalog.WaitForRevisionAsync(back.Revision);
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task An_admin_creates_the_owner_starts_and_promotes_and_the_servers_snapshot_has_b_as_latest_when_it_answers()
    {
        using var admin = _host.ClientAs("admin");
        using var owner = _host.ClientAs("owner", "olga", Tool);
        using var otherOwner = _host.ClientAs("owner", "oscar", "another-tool");
        using var viewer = _host.ClientAs("viewer");

        using var created = await admin.PostAsync("/api/v1/experiments", Json($$"""
            {"name": "api-faster", "tool": "{{Tool}}", "a": "1.0", "b": "2.0", "metric": "time", "min_samples": 50,
             "guardrails": [{"metric": "success", "max_drop": 0.05}]}
            """));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        Assert.That(created.Headers.Location!.ToString(), Is.EqualTo("/api/v1/experiments/api-faster"));

        using var refused = await otherOwner.PostAsync("/api/v1/experiments/api-faster/start", null);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var viewerRefused = await viewer.PostAsync("/api/v1/experiments/api-faster/start", null);
        Assert.That(viewerRefused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var started = await owner.PostAsync("/api/v1/experiments/api-faster/start", null);
        Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.OK), await started.Content.ReadAsStringAsync());
        Assert.That((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString(), Is.EqualTo("running"));

        var records = new List<ExecutionRecord>();
        for (var i = 0; i < 100; i++)
        {
            records.Add(Record("1.0", ExperimentArm.A, 200 + (i % 20)));
            records.Add(Record("2.0", ExperimentArm.B, 100 + (i % 20)));
        }

        await _host.Store.WriteTelemetryAsync(records);
        using var results = await viewer.GetAsync("/api/v1/experiments/api-faster/results");
        Assert.That(results.StatusCode, Is.EqualTo(HttpStatusCode.OK), await results.Content.ReadAsStringAsync());
        var figures = await results.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(figures.GetProperty("arms").GetProperty("b").GetProperty("executions").GetInt64(), Is.EqualTo(100));
        Assert.That(figures.GetProperty("srm_mismatch").GetBoolean(), Is.False);
        Assert.That(figures.GetProperty("winner").GetString(), Is.EqualTo("b"));

        using var promoted = await owner.PostAsync("/api/v1/experiments/api-faster/promote", Json("""{"arm": "b"}"""));
        Assert.That(promoted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await promoted.Content.ReadAsStringAsync());
        var answer = await promoted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That((answer.GetProperty("state").GetString(), answer.GetProperty("winner").GetString()), Is.EqualTo(("completed", "b")));
        Assert.That(_host.Catalog.Current.Revision, Is.GreaterThanOrEqualTo(answer.GetProperty("revision").GetInt64()), "read-your-writes");
        Assert.That(_host.Catalog.Current.FindTool(Tool)!.Definition.Version, Is.EqualTo("2.0"));

        using var list = await viewer.GetAsync("/api/v1/experiments");
        var items = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
        Assert.That(items.EnumerateArray().Select(e => e.GetProperty("name").GetString()), Does.Contain("api-faster"));
    }

    [Test]
    public async Task Unknown_experiments_are_404_and_bad_input_is_a_400_naming_the_field()
    {
        using var admin = _host.ClientAs("admin");

        using var missing = await admin.GetAsync("/api/v1/experiments/nope");
        using var missingResults = await admin.GetAsync("/api/v1/experiments/nope/results");
        using var badAttribution = await admin.GetAsync("/api/v1/experiments/nope/results?attribution=all");
        using var badGuardrail = await admin.PostAsync("/api/v1/experiments", Json($$"""{"name": "bad", "tool": "{{Tool}}", "a": "1.0", "b": "2.0", "guardrails": [{"metric": "speed"}]}"""));
        using var noTool = await admin.PostAsync("/api/v1/experiments", Json("""{"name": "bad", "a": "1.0", "b": "2.0"}"""));

        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(missingResults.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(badAttribution.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await badAttribution.Content.ReadAsStringAsync(), Does.Contain("attribution"));
        Assert.That(badGuardrail.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await badGuardrail.Content.ReadAsStringAsync(), Does.Contain("guardrails: [0].metric"));
        Assert.That(noTool.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await noTool.Content.ReadAsStringAsync(), Does.Contain("tool: required"));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static ExecutionRecord Record(string version, ExperimentArm arm, double time) => new()
    {
        Tool = Tool,
        Version = version,
        Capability = "capability_0",
        Pattern = "pattern_0",
        ActualTimeMs = time,
        Success = true,
        Experiment = "api-faster",
        Arm = arm,
    };
}
