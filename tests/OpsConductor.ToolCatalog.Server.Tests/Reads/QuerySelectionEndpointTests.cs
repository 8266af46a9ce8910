using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Reads;

/// <summary>
/// <c>POST /api/v1/select</c> with a query and no capability (issue 18, decision 1801) over the shipped catalog: the
/// query chooses the capabilities, the answer names them, and a query that matches nothing is an answer, not a failure.
/// </summary>
[TestFixture]
public sealed class QuerySelectionEndpointTests
{
    private ServerHost _host = null!;
    private HttpClient _viewer = null!;

    [OneTimeSetUp]
    public async Task StartHostWithTheShippedCatalog()
    {
        _host = await ServerHost.StartAsync();
        var report = await _host.Store.ImportAsync(new CatalogFiles().Load(TestPaths.SampleTools).Tools);
        await _host.Catalog.WaitForRevisionAsync(report.Revision);
        _viewer = _host.ClientAs("viewer");
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        _viewer.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task A_query_without_a_capability_selects_the_port_scan_and_the_explanation_names_the_matched_capabilities()
    {
        var expected = _host.Services.GetRequiredService<ToolSelector>().Select(_host.Catalog.Current, new SelectionRequest
        {
            Capabilities = [],
            Query = "scan the subnet for open ports",
            Variables = new Dictionary<string, double> { ["N"] = 256 },
        });

        using var response = await _viewer.PostAsync("/api/v1/select", Json("""{"query": "scan the subnet for open ports", "variables": {"N": 256}, "explain": true}"""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await response.JsonAsync();

        var selected = body.GetProperty("selected");
        var explanation = body.GetProperty("explanation").GetString();
        Assert.Multiple(() =>
        {
            Assert.That(expected.ToolName, Is.EqualTo("nmap"), "port_scan is the operation the words name; nmap offers it");
            Assert.That(expected.CapabilityName, Is.EqualTo("port_scan"));
            Assert.That(selected.GetProperty("tool").GetString(), Is.EqualTo(expected.ToolName));
            Assert.That(selected.GetProperty("pattern").GetString(), Is.EqualTo(expected.PatternName));
            Assert.That(selected.GetProperty("score").GetDouble(), Is.EqualTo(expected.FinalScore));
            Assert.That(body.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(explanation, Is.EqualTo(expected.Explain()));
            Assert.That(explanation, Does.Contain("No capability named: searched the catalog by the query"));
            Assert.That(explanation, Does.Contain("port_scan: nmap."));
            Assert.That(body.GetProperty("ranked")[0].GetProperty("features").EnumerateArray().Select(f => f.GetProperty("feature").GetString()), Does.Contain("relevance"));
            Assert.That(body.GetProperty("weights").GetProperty("relevance").GetDouble(), Is.EqualTo(0.5), "query-only relevance weight");
        });
    }

    [TestCase("xyzzy plugh", "none of its words is in the catalog")]
    [TestCase("the and of", "none of its words is in the catalog")]
    public async Task A_query_that_matches_nothing_answers_200_with_no_choice_and_says_why(string query, string why)
    {
        using var response = await _viewer.PostAsync("/api/v1/select", Json($$"""{"query": "{{query}}", "explain": true}"""));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var body = JsonDocument.Parse(text).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("selected").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(body.GetProperty("error").GetString(), Does.StartWith($"No tool matches the query \"{query}\"").And.Contain(why));
            Assert.That(body.GetProperty("ranked").GetArrayLength(), Is.Zero);
            Assert.That(text, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace, no exception name");
        });
    }

    [Test]
    public async Task A_request_with_neither_capability_nor_query_is_a_400_naming_the_fields()
    {
        using var response = await _viewer.PostAsync("/api/v1/select", Json("""{"query": "   "}"""));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("or carry a query"));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
