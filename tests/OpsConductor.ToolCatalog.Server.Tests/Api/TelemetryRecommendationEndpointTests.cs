using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Api;

/// <summary>
/// <c>GET /api/v1/telemetry/recommendations</c> and <c>POST /api/v1/telemetry/recommendations/{id}/apply</c> over a tool
/// whose estimate (1500 + 350·N) is wrong for its recorded executions (1200 + 310·N ms).
/// </summary>
[TestFixture]
public sealed class TelemetryRecommendationEndpointTests
{
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    /// <summary>A tool named <paramref name="name"/> with executions recorded, and the recommendation made for it.</summary>
    private async Task<EstimateRecommendation> RecommendedAsync(string name)
    {
        var tool = GeneratedTools.Create(0, capabilities: 1, patterns: 1, prefix: name) with { Name = name };
        tool = tool with { Capabilities = [tool.Capabilities[0] with { Patterns = [tool.Capabilities[0].Patterns[0] with { TimeEstimateMs = "1500 + 350 * N" }] }] };
        var written = await _host.Store.CreateAsync(tool);
        await _host.Catalog.WaitForRevisionAsync(written.Revision);
        var random = new Random(5);
        var start = DateTimeOffset.UtcNow.AddDays(-5);
        await _host.Store.WriteTelemetryAsync([.. Enumerable.Range(0, 400).Select(i =>
        {
            var n = random.Next(1, 101);
            return new ExecutionRecord
            {
                Tool = name,
                Capability = "capability_0",
                Pattern = "pattern_0",
                ActualTimeMs = Math.Round((1200 + (310 * n)) * (0.9 + (0.2 * random.NextDouble()))),
                Success = true,
                Variables = new Dictionary<string, double> { ["N"] = n },
                ExecutedAt = start.AddMinutes(i),
            };
        })]);
        return (await _host.Store.RecommendAsync(new RecommendationOptions { Tool = name })).Recommendations.Single();
    }

    [Test]
    public async Task A_viewer_lists_the_open_recommendations_with_the_fields_of_the_cli()
    {
        var recommendation = await RecommendedAsync("rec-api-list");
        using var client = _host.ClientAs("viewer");

        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/telemetry/recommendations?tool=rec-api-list");

        var item = page.GetProperty("items").EnumerateArray().Single();
        Assert.That(item.EnumerateObject().Select(p => p.Name).Take(11), Is.EqualTo(new[]
        {
            "tool", "version", "capability", "pattern", "field", "current", "recommended", "samples", "current_error", "recommended_error", "id",
        }));
        Assert.That((item.GetProperty("id").GetInt64(), item.GetProperty("recommended").GetString()), Is.EqualTo((recommendation.Id, recommendation.Recommended)));
        Assert.That(page.GetProperty("next_cursor").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task The_list_pages_with_a_cursor_and_refuses_a_bad_limit_or_cursor()
    {
        await RecommendedAsync("rec-api-page-a");
        await RecommendedAsync("rec-api-page-b");
        using var client = _host.ClientAs("viewer");

        var first = await client.GetFromJsonAsync<JsonElement>("/api/v1/telemetry/recommendations?limit=1");
        var cursor = first.GetProperty("next_cursor").GetString();
        var second = await client.GetFromJsonAsync<JsonElement>($"/api/v1/telemetry/recommendations?limit=1&cursor={cursor}");
        using var badLimit = await client.GetAsync("/api/v1/telemetry/recommendations?limit=0");
        using var badCursor = await client.GetAsync("/api/v1/telemetry/recommendations?cursor=nonsense");

        Assert.That(second.GetProperty("items")[0].GetProperty("id").GetInt64(), Is.GreaterThan(first.GetProperty("items")[0].GetProperty("id").GetInt64()));
        Assert.That((badLimit.StatusCode, badCursor.StatusCode), Is.EqualTo((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest)));
    }

    [Test]
    public async Task The_tools_owner_applies_it_and_the_answer_comes_once_the_snapshot_has_the_new_version()
    {
        var recommendation = await RecommendedAsync("rec-api-apply");
        using var other = _host.ClientAs("owner", "other-owner", "some-other-tool");
        using var owner = _host.ClientAs("owner", "owner-user", "rec-api-apply");

        using var refused = await other.PostAsync($"/api/v1/telemetry/recommendations/{recommendation.Id}/apply", null);
        using var applied = await owner.PostAsync($"/api/v1/telemetry/recommendations/{recommendation.Id}/apply", null);
        using var again = await owner.PostAsync($"/api/v1/telemetry/recommendations/{recommendation.Id}/apply", null);
        using var unknown = await owner.PostAsync("/api/v1/telemetry/recommendations/987654321/apply", null);

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(applied.StatusCode, Is.EqualTo(HttpStatusCode.OK), await applied.Content.ReadAsStringAsync());
        var answer = await applied.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That((answer.GetProperty("from_version").GetString(), answer.GetProperty("to_version").GetString()), Is.EqualTo(("1.0", "1.1")));
        var seen = _host.Catalog.Current.FindTool("rec-api-apply")!.Definition;
        Assert.That((seen.Version, seen.Capabilities[0].Patterns[0].TimeEstimateMs), Is.EqualTo(("1.1", recommendation.Recommended)), "read-your-writes");
        var audit = await _host.Store.GetAuditAsync("rec-api-apply");
        Assert.That((audit[^1].ChangedBy, audit[^1].Reason), Is.EqualTo(("owner-user", answer.GetProperty("reason").GetString())));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await again.Content.ReadAsStringAsync(), Does.Contain("was applied already"));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
