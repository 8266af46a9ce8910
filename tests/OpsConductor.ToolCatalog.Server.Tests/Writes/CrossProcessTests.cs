using System.Net;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Writes;

/// <summary>A write through the API reaches another process's catalog through LISTEN/NOTIFY.</summary>
[TestFixture]
public sealed class CrossProcessTests
{
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task A_tool_created_through_the_api_reaches_a_second_runtimes_snapshot_by_notification()
    {
        // A runtime on a pool of its own (another process, as far as PostgreSQL knows) that never polls: only the
        // notification can bring it the change.
        await using var dataSource = _host.Database.CreateDataSource();
        await using var other = new ToolCatalogRuntime(
            new ToolCatalogOptions { Mode = CatalogMode.Database, SafetyPollInterval = TimeSpan.FromHours(1) },
            dataSource);
        await other.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var tool = GeneratedTools.Create(1, prefix: "cross-process");
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools", WriteRequests.Json(tool));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var revision = (await response.BodyAsync()).GetProperty("revision").GetInt64();
        var snapshot = await other.WaitForRevisionAsync(revision).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(snapshot.FindTool(tool.Name)?.Definition.Version, Is.EqualTo("1.0"));

        using var disabled = await client.PatchAsync($"/api/v1/tools/{tool.Name}/disable", null);
        var after = await other.WaitForRevisionAsync((await disabled.BodyAsync()).GetProperty("revision").GetInt64()).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(after.FindTool(tool.Name)!.IsSelectable, Is.False);
    }
}
