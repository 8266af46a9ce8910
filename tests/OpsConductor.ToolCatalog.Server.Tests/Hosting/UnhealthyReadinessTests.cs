using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsConductor.ToolCatalog.Server.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Hosting;

/// <summary>/health/ready of a host with a failing readiness check (tagged <c>ready</c> by the host).</summary>
[TestFixture]
public sealed class UnhealthyReadinessTests
{
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync(host => host.ConfigureServices(services =>
        services.AddHealthChecks().AddCheck(
            "message_bus",
            () => HealthCheckResult.Unhealthy("The message bus does not answer.", new InvalidOperationException("connection refused at Bus.Connect(), line 42")),
            tags: ["ready"])));

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task Readiness_is_503_naming_the_failing_check_without_its_exception_while_liveness_stays_200()
    {
        using var client = _host.Anonymous();

        using var ready = await client.GetAsync("/health/ready");
        using var live = await client.GetAsync("/health/live");

        var text = await ready.Content.ReadAsStringAsync();
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK), "liveness runs no check");
        using var body = JsonDocument.Parse(text);
        var checks = body.RootElement.GetProperty("checks");
        Assert.Multiple(() =>
        {
            Assert.That(body.RootElement.GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
            Assert.That(checks.GetProperty("message_bus").GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
            Assert.That(checks.GetProperty("message_bus").GetProperty("description").GetString(), Is.EqualTo("The message bus does not answer."));
            Assert.That(checks.GetProperty("tool_catalog").GetProperty("status").GetString(), Is.EqualTo("healthy"));
            Assert.That(text, Does.Not.Contain("connection refused").And.Not.Contain("line 42"), "an exception's text never reaches the body");
        });
    }
}
