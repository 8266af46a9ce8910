using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Api;

/// <summary><c>GET /api/v1/telemetry/report</c>: the telemetry report for viewers, bad query values refused naming them.</summary>
[TestFixture]
public sealed class TelemetryReportEndpointTests
{
    private const string Tool = "telemetry-report-tool";
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = await ServerHost.StartAsync();
        var written = await _host.Store.CreateAsync(GeneratedTools.Create(1, capabilities: 1, patterns: 1, prefix: Tool) with { Name = Tool });
        await _host.Catalog.WaitForRevisionAsync(written.Revision);
        await _host.Store.WriteTelemetryAsync([.. Enumerable.Range(0, 50).Select(i => new ExecutionRecord
        {
            Tool = Tool,
            Capability = "capability_0",
            Pattern = "pattern_0",
            ActualTimeMs = 100 + i,
            Success = i != 0,
            Variables = new Dictionary<string, double> { ["N"] = 10 },
            ExecutedAt = Start.AddMinutes(i),
        })]);
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task A_viewer_gets_a_snake_case_row_per_pattern_with_its_figures()
    {
        using var client = _host.ClientAs("viewer");

        using var response = await client.GetAsync($"/api/v1/telemetry/report?since=2026-11-02T00:00:00Z&until=2026-11-03T00:00:00Z&tool={Tool}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var row = answer.GetProperty("rows").EnumerateArray().Single();
        Assert.That((row.GetProperty("tool").GetString(), row.GetProperty("pattern").GetString()), Is.EqualTo((Tool, "pattern_0")));
        Assert.That((row.GetProperty("count").GetInt64(), row.GetProperty("successes").GetInt64(), row.GetProperty("estimated").GetInt64()), Is.EqualTo((50L, 49L, 50L)));
        Assert.That(row.GetProperty("time_p50_ms").GetDouble(), Is.EqualTo(124).Within(1).Percent);
        Assert.That(row.GetProperty("ratio_median").GetDouble(), Is.EqualTo(124 / 105.0).Within(1).Percent, "the estimate 100 + 0.5 * N for N = 10, computed when written");
        Assert.That(row.GetProperty("drift").GetString(), Is.EqualTo("both"), "times climbing from 100 to 149 ms: above the estimate (105) and above their own start");
        Assert.That(answer.GetProperty("since").GetDateTimeOffset(), Is.EqualTo(Start));
    }

    [TestCase("since=yesterday", "since")]
    [TestCase("since=2026-11-02T00:00:00", "since")]
    [TestCase("until=5x", "until")]
    [TestCase("since=1d&until=2d", "since")]
    [TestCase("drift_samples=7", "drift_samples")]
    [TestCase("drift_samples=many", "drift_samples")]
    public async Task A_bad_query_value_is_a_400_problem_naming_the_parameter(string query, string parameter)
    {
        using var client = _host.ClientAs("viewer");

        using var response = await client.GetAsync($"/api/v1/telemetry/report?{query}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("field").GetString(), Is.EqualTo(parameter));
        Assert.That(problem.GetProperty("detail").GetString(), Does.StartWith(parameter));
    }
}
