using System.Net;
using System.Text;
using System.Text.Json;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Server.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Reads;

/// <summary>
/// <c>POST /select</c> with <c>"assignment_key"</c> (and <c>"user"</c>): an enrolled request gets the arm's version of a
/// tool under a running experiment, and the answer says which experiment and arm; without a key the answer is as before.
/// </summary>
[TestFixture]
public sealed class ExperimentSelectionEndpointTests
{
    private ServerHost _host = null!;
    private HttpClient _viewer = null!;
    private Experiment _experiment = null!;

    [OneTimeSetUp]
    public async Task StartHostWithAnExperimentRunning()
    {
        _host = await ServerHost.StartAsync();
        await _host.Store.CreateAsync(Tool("1.0", "100"));
        await _host.Store.PublishAsync(Tool("2.0", "200"));
        await _host.Store.PublishAsync(Tool("3.0", "300"));
        _experiment = await _host.Store.CreateExperimentAsync(new ExperimentDefinition { Name = "api-grep", Tool = "apigrep", VersionA = "1.0", VersionB = "2.0", Users = ["ops"] });
        await _host.Store.StartExperimentAsync(_experiment.Name);
        await _host.Catalog.WaitForRevisionAsync(await _host.Store.GetRevisionAsync());
        _viewer = _host.ClientAs("viewer");
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        _viewer.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task An_enrolled_key_gets_the_arms_version_and_the_answer_names_experiment_arm_and_version()
    {
        var key = Enumerable.Range(0, 100).Select(i => $"req-{i}").First(k => _experiment.Assign(k) == ExperimentArm.B);

        var answer = await SelectAsync($$"""{"capability": "api_cap", "assignment_key": "{{key}}", "user": "ops", "explain": true}""");

        var experiment = answer.GetProperty("selected").GetProperty("experiment");
        Assert.That((experiment.GetProperty("name").GetString(), experiment.GetProperty("arm").GetString(), experiment.GetProperty("version").GetString()),
            Is.EqualTo(("api-grep", "b", "2.0")));
        Assert.That(answer.GetProperty("selected").GetProperty("estimated_time_ms").GetDouble(), Is.EqualTo(200));
        Assert.That(answer.GetProperty("ranked")[0].GetProperty("experiment").GetProperty("arm").GetString(), Is.EqualTo("b"));
        Assert.That(answer.GetProperty("explanation").GetString(), Does.Contain("experiment api-grep, arm b: version 2.0"));
    }

    [Test]
    public async Task Without_a_key_or_outside_the_target_the_answer_has_no_experiment_and_the_latest_version()
    {
        var plain = await SelectAsync("""{"capability": "api_cap"}""");
        var outside = await SelectAsync("""{"capability": "api_cap", "assignment_key": "req-1", "user": "alice"}""");

        foreach (var answer in new[] { plain, outside })
        {
            Assert.That(answer.GetProperty("selected").TryGetProperty("experiment", out _), Is.False);
            Assert.That(answer.GetProperty("selected").GetProperty("estimated_time_ms").GetDouble(), Is.EqualTo(300));
        }
    }

    [Test]
    public async Task A_blank_assignment_key_is_refused_naming_the_field()
    {
        using var response = await _viewer.PostAsync("/api/v1/select", Json("""{"capability": "api_cap", "assignment_key": " "}"""));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.RootElement.GetProperty("field").GetString(), Is.EqualTo("assignment_key"));
    }

    private static ToolDefinition Tool(string version, string time) => new()
    {
        Name = "apigrep",
        Version = version,
        Description = "apigrep " + version,
        Platform = "linux",
        Category = "system",
        Capabilities =
        [
            new CapabilityDefinition
            {
                Name = "api_cap",
                Description = "Does the thing",
                Patterns = [new PatternDefinition { Name = "default", Description = "The usual way", TimeEstimateMs = time }],
            },
        ],
    };

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> SelectAsync(string json)
    {
        using var response = await _viewer.PostAsync("/api/v1/select", Json(json));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }
}
