using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Writes;

/// <summary>
/// If-Match when the server's snapshot lags behind the database: the tag matches the (stale) snapshot, and the store,
/// told the snapshot's revision, refuses the write inside its transaction. Nothing is lost.
/// </summary>
[TestFixture]
public sealed class LaggingSnapshotTests
{
    private ServerHost _host = null!;
    private LaggingCatalog _catalog = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync(h => h.ConfigureServices(s =>
        s.AddSingleton<IToolCatalog>(sp => _catalog = new LaggingCatalog(sp.GetRequiredService<ToolCatalogRuntime>()))));

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [TearDown]
    public void Thaw() => _catalog.Frozen = null;

    [TestCase("PATCH", "enable")]
    [TestCase("PUT", null)]
    [TestCase("DELETE", null)]
    [TestCase("POST", "deprecate")]
    public async Task A_write_matching_a_stale_snapshot_is_refused_by_the_store_with_412_and_nothing_is_written(string method, string? action)
    {
        var tool = GeneratedTools.Create(Random.Shared.Next(100_000), prefix: "lagging");
        await _host.SeedAsync(tool);
        _catalog.Frozen = _catalog.Inner.Current;
        var tag = ToolETag.Of(_catalog.Frozen.FindTool(tool.Name)!.Definition);
        await _host.Store.DisableAsync(tool.Name); // another server's write, not seen by this one's snapshot
        var revision = await _host.Store.GetRevisionAsync();
        using var client = _host.ClientAs("admin");
        var path = action is null ? $"/api/v1/tools/{tool.Name}" : $"/api/v1/tools/{tool.Name}/{action}";
        var body = method == "PUT" ? WriteRequests.Json(tool with { Version = "2.0" }) : null;

        using var response = await client.SendAsync(WriteRequests.WithIfMatch(new HttpMethod(method), path, tag, body));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed), await response.Content.ReadAsStringAsync());
        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
        var stored = (await _host.Store.GetAsync(tool.Name))!.Definition;
        Assert.That((stored.Version, stored.Enabled, stored.Status), Is.EqualTo(("1.0", false, tool.Status)));
    }

    /// <summary>The runtime catalog, with a snapshot that can be held back.</summary>
    private sealed class LaggingCatalog(IToolCatalog inner) : IToolCatalog
    {
        public IToolCatalog Inner => inner;

        public CatalogSnapshot? Frozen { get; set; }

        public CatalogSnapshot Current => Frozen ?? inner.Current;

        public CatalogSource Source => inner.Source;

        public long Revision => Current.Revision;

        public CatalogHealth Health => inner.Health;

        public event EventHandler<CatalogChangedEventArgs>? Changed
        {
            add => inner.Changed += value;
            remove => inner.Changed -= value;
        }

        public Task<CatalogSnapshot> WaitForRevisionAsync(long revision, CancellationToken cancellationToken = default) => inner.WaitForRevisionAsync(revision, cancellationToken);

        public Task<CatalogSnapshot> RefreshAsync(CancellationToken cancellationToken = default) => inner.RefreshAsync(cancellationToken);

        public Task<CatalogSnapshot> ReloadToolAsync(string toolName, CancellationToken cancellationToken = default) => inner.ReloadToolAsync(toolName, cancellationToken);
    }
}
