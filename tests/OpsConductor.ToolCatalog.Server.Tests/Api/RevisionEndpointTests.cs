using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Api;

[TestFixture]
public sealed class RevisionEndpointTests
{
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task A_viewer_reads_the_revision_of_the_servers_snapshot_after_a_write_reaches_it()
    {
        var written = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "revision-probe"));
        await _host.Catalog.WaitForRevisionAsync(written.Revision);
        using var client = _host.ClientAs("viewer");

        using var response = await client.GetAsync("/api/v1/revision");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("revision").GetInt64(), Is.GreaterThanOrEqualTo(written.Revision));
            Assert.That(body.GetProperty("source").GetString(), Is.EqualTo("database"));
            Assert.That(body.GetProperty("tools").GetInt32(), Is.GreaterThanOrEqualTo(1));
            Assert.That(body.TryGetProperty("loaded_at", out _), Is.True, "snake_case names");
        });
    }

    [Test]
    public async Task Nobody_anonymous_reads_it()
    {
        using var client = _host.Anonymous();

        using var response = await client.GetAsync("/api/v1/revision");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_principal_without_a_catalog_role_is_forbidden()
    {
        using var client = _host.ClientAs("stranger");

        using var response = await client.GetAsync("/api/v1/revision");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
