using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Secrets;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Secrets;

/// <summary>Tool reads mask secrets; only an administrator may ask for their values.</summary>
[TestFixture]
public sealed class SecretReadEndpointTests
{
    private const string Value = "api-s3cret-9f2b7e";
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHostWithAToolHoldingASecret()
    {
        var ring = SecretKeyRing.Create(TimeProvider.System);
        _host = await ServerHost.StartAsync(h => h.ConfigureServices(s => s.AddSingleton<ISecretProtector>(ring)));
        var tool = GeneratedTools.Create(0, prefix: "secret-holder") with { Name = "secret-holder" } with { Metadata = DataMap.Create(("token", DataValue.FromSecret(SecretValue.FromPlaintext(Value)))) };
        var report = await _host.Store.ImportAsync([tool]);
        Assert.That(report.HasProblems, Is.False, string.Join("; ", report.Items.Select(i => i.Message)));
        await _host.Catalog.WaitForRevisionAsync(report.Revision);
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [TestCase("/api/v1/tools/secret-holder")]
    [TestCase("/api/v1/tools/secret-holder/versions/1.0")]
    public async Task A_tool_read_shows_the_mask_not_the_value(string path)
    {
        using var admin = _host.ClientAs("admin");
        var body = await admin.GetStringAsync(path);

        Assert.That(body, Does.Not.Contain(Value).And.Not.Contain("\"ct\""));
        Assert.That(body, Does.Contain("********"));
    }

    [TestCase("viewer")]
    [TestCase("owner")]
    public async Task Anyone_but_an_admin_asking_for_secret_values_gets_403(string role)
    {
        using var client = _host.ClientAs(role, tools: "secret-holder");
        using var response = await client.GetAsync("/api/v1/tools/secret-holder?include_secrets=true");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain(Value));
    }

    [TestCase("/api/v1/tools/secret-holder?include_secrets=true")]
    [TestCase("/api/v1/tools/secret-holder/versions/1.0?include_secrets=true")]
    public async Task An_admin_asking_for_secret_values_gets_them(string path)
    {
        using var admin = _host.ClientAs("admin");
        using var response = await admin.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"\"$secret\":\"{Value}\""));
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
    }
}
