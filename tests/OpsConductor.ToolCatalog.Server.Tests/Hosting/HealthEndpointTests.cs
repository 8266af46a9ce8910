using System.Net;
using System.Text.Json;
using OpsConductor.ToolCatalog.Server.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Hosting;

/// <summary>/health/live and /health/ready.</summary>
[TestFixture]
public sealed class HealthEndpointTests
{
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task Liveness_answers_anyone_healthy_without_running_a_check()
    {
        using var client = _host.Anonymous();

        using var response = await client.GetAsync("/health/live");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(body.RootElement.GetProperty("status").GetString(), Is.EqualTo("healthy"));
        Assert.That(body.RootElement.GetProperty("checks").EnumerateObject(), Is.Empty);
    }

    [Test]
    public async Task Readiness_answers_anyone_with_the_catalogs_check_and_its_data()
    {
        using var client = _host.Anonymous();

        using var response = await client.GetAsync("/health/ready");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.CacheControl?.NoCache, Is.True, "a probe must never read a cached answer");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var check = body.RootElement.GetProperty("checks").GetProperty("tool_catalog");
        var data = check.GetProperty("data");
        Assert.Multiple(() =>
        {
            Assert.That(body.RootElement.GetProperty("status").GetString(), Is.EqualTo("healthy"));
            Assert.That(check.GetProperty("status").GetString(), Is.EqualTo("healthy"));
            Assert.That(data.GetProperty("source").GetString(), Is.EqualTo("database"));
            Assert.That(data.GetProperty("revision").GetInt64(), Is.EqualTo(_host.Catalog.Current.Revision));
            Assert.That(data.GetProperty("listening").GetBoolean(), Is.True);
        });
    }
}
