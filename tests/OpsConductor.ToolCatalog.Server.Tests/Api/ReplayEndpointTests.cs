using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpsConductor.ToolCatalog.Decisions;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Server.Tests.Api;

/// <summary><c>POST /api/v1/replay</c>: what-if replay of logged decisions with a draft tool in the body, for viewers.</summary>
[TestFixture]
public sealed class ReplayEndpointTests
{
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHostWithLoggedDecisions()
    {
        _host = await ServerHost.StartAsync();
        long revision = 0;
        foreach (var tool in DecisionTestData.Catalog())
        {
            revision = (await _host.Store.CreateAsync(tool)).Revision;
        }

        await _host.Catalog.WaitForRevisionAsync(revision);
        var snapshot = _host.Catalog.Current;
        var selector = new ToolSelector();
        await using var log = new DecisionLog(_host.Store, new DecisionLogOptions { Enabled = true, SampleRate = 1 });
        await log.StartAsync();
        foreach (var (id, request) in new[] { ("scan-a", DecisionTestData.Request("scan", 10)), ("inventory-a", DecisionTestData.Request("inventory", 1)) })
        {
            log.Record(request, selector.Select(snapshot, request), id);
        }

        await log.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task A_viewer_replays_a_yaml_draft_and_hears_which_decisions_change_and_nothing_is_written()
    {
        using var client = _host.ClientAs("viewer");
        var revision = _host.Catalog.Current.Revision;
        var yaml = ToolYamlWriter.Write(DecisionTestData.Tool(1, "scan", "10"));

        using var response = await client.PostAsync("/api/v1/replay?since=7d", new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That((answer.GetProperty("draft_tool").GetString(), answer.GetProperty("replayed").GetInt32(), answer.GetProperty("changed").GetInt32(), answer.GetProperty("unchanged").GetInt32()), Is.EqualTo(("rep-00001", 2, 1, 1)));
        var change = answer.GetProperty("changes").EnumerateArray().Single();
        Assert.That((change.GetProperty("selection_id").GetString(), change.GetProperty("change").GetString(), change.GetProperty("before").GetProperty("tool").GetString(), change.GetProperty("after").GetProperty("tool").GetString()),
            Is.EqualTo(("scan-a", "choice", "rep-00000", "rep-00001")));
        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
    }

    [Test]
    public async Task An_invalid_draft_is_a_400_naming_the_field_and_rule()
    {
        using var client = _host.ClientAs("viewer");
        var yaml = ToolYamlWriter.Write(DecisionTestData.Tool(1, "scan", "10 +* N"));

        using var response = await client.PostAsync("/api/v1/replay", new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.Contain("time_estimate_ms").And.Contain("nothing was replayed"));
    }

    [TestCase("since=7", "since")]
    [TestCase("limit=0", "limit")]
    [TestCase("limit=abc", "limit")]
    public async Task A_bad_window_or_limit_is_a_400_naming_it(string query, string field)
    {
        using var client = _host.ClientAs("viewer");
        var yaml = ToolYamlWriter.Write(DecisionTestData.Tool(1, "scan", "10"));

        using var response = await client.PostAsync("/api/v1/replay?" + query, new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(field));
    }

    [Test]
    public async Task Anonymous_callers_are_refused()
    {
        using var client = _host.Anonymous();

        using var response = await client.PostAsync("/api/v1/replay", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
