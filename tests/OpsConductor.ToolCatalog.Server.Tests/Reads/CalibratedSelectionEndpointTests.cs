using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Reads;

/// <summary>
/// <c>POST /select</c> with <c>"calibration"</c>: a calibrated candidate carries the telemetry's p50 and p90 for the
/// request and says which time it was ranked on; without it the answer is as before; a bad value names the field.
/// </summary>
[TestFixture]
public sealed class CalibratedSelectionEndpointTests
{
    private ServerHost _host = null!;
    private HttpClient _viewer = null!;

    [OneTimeSetUp]
    public async Task StartHostWithTelemetryForOneTool()
    {
        _host = await ServerHost.StartAsync(h => h.ConfigureServices(s => s.Configure<TelemetryOptions>(t => t.Calibration = true)));
        var tools = GeneratedTools.CreateMany(2, capabilities: 1, prefix: "calsel").Select(t => t with
        {
            Capabilities = [t.Capabilities[0] with { Name = "calsel_cap" }],
        }).ToList();
        var import = await _host.Store.ImportAsync(tools);
        await _host.Catalog.WaitForRevisionAsync(import.Revision);
        var now = DateTimeOffset.UtcNow;
        // calsel-00000's pattern_0 takes 50 times its estimate.
        await _host.Store.WriteTelemetryAsync([.. Enumerable.Range(0, 40).Select(i => new ExecutionRecord
        {
            Tool = "calsel-00000",
            Capability = "calsel_cap",
            Pattern = "pattern_0",
            ActualTimeMs = 5_000,
            EstimatedTimeMs = 100,
            Success = true,
            ExecutedAt = now.AddMinutes(-i),
        })]);
        await _host.Services.GetRequiredService<TimeCalibrationRefresher>().RefreshAsync();
        _viewer = _host.ClientAs("viewer");
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        _viewer.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task Rank_reports_the_telemetry_times_and_ranks_the_slow_pattern_on_them()
    {
        var plain = await SelectAsync("""{"capability": "calsel_cap", "mode": "fast", "variables": {"N": 2}}""");
        var ranked = await SelectAsync("""{"capability": "calsel_cap", "mode": "fast", "variables": {"N": 2}, "calibration": "rank"}""");

        Assert.That(Chosen(plain), Is.EqualTo(("calsel-00000", "pattern_0")), "on the catalog's estimates it is the fastest");
        Assert.That(plain.GetProperty("ranked").EnumerateArray().Any(r => r.TryGetProperty("calibrated", out _)), Is.False, "no calibration asked for: none in the answer");
        Assert.That(Chosen(ranked), Is.Not.EqualTo(("calsel-00000", "pattern_0")));
        var slow = ranked.GetProperty("ranked").EnumerateArray().Single(r => r.GetProperty("tool").GetString() == "calsel-00000" && r.GetProperty("pattern").GetString() == "pattern_0");
        var calibrated = slow.GetProperty("calibrated");
        var estimate = slow.GetProperty("estimated_time_ms").GetDouble();
        Assert.That(calibrated.GetProperty("samples").GetInt32(), Is.EqualTo(40));
        Assert.That(calibrated.GetProperty("p50_ms").GetDouble(), Is.EqualTo(estimate * 50).Within(1e-9));
        Assert.That(calibrated.GetProperty("p90_ms").GetDouble(), Is.EqualTo(estimate * 50).Within(1e-9));
        Assert.That(calibrated.GetProperty("ranked_on").GetString(), Is.EqualTo("telemetry_p50"));
    }

    [Test]
    public async Task Report_keeps_the_ranking_and_says_it_was_ranked_on_the_catalog()
    {
        var reported = await SelectAsync("""{"capability": "calsel_cap", "mode": "fast", "variables": {"N": 2}, "calibration": "report"}""");

        Assert.That(Chosen(reported), Is.EqualTo(("calsel-00000", "pattern_0")));
        Assert.That(reported.GetProperty("ranked")[0].GetProperty("calibrated").GetProperty("ranked_on").GetString(), Is.EqualTo("catalog"));
    }

    [Test]
    public async Task An_unknown_calibration_is_refused_naming_the_field()
    {
        using var response = await _viewer.PostAsync("/api/v1/select", Json("""{"capability": "calsel_cap", "calibration": "always"}"""));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.RootElement.GetProperty("field").GetString(), Is.EqualTo("calibration"));
        Assert.That(problem.RootElement.GetProperty("detail").GetString(), Does.Contain("off, report or rank"));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static (string?, string?) Chosen(JsonElement answer) =>
        (answer.GetProperty("selected").GetProperty("tool").GetString(), answer.GetProperty("selected").GetProperty("pattern").GetString());

    private async Task<JsonElement> SelectAsync(string json)
    {
        using var response = await _viewer.PostAsync("/api/v1/select", Json(json));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }
}
