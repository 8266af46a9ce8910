using System.Text;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.ChangeFeed;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.ChangeFeed;

/// <summary>
/// A catalog whose snapshot changes without its revision advancing, as a tenant's view does while a change of its tenant
/// is pending (decision 1901: it holds the older revision, then advances with the tenant's changes only): the feed holds
/// those changes and sends them with the next event that advances the revision, so a follower misses none.
/// </summary>
[TestFixture]
public sealed class HeldRevisionFeedTests
{
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task Changes_published_at_a_held_revision_go_out_with_the_next_event_that_advances_it()
    {
        using var holding = new HoldingCatalog(_host.Catalog);
        using var feed = new CatalogChangeFeed(holding, Options.Create(new ToolCatalogServerOptions()));
        using var follower = feed.Subscribe(_host.Catalog.Revision)!;

        holding.HoldNext = true;
        var first = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "held-first"));
        await _host.Catalog.WaitForRevisionAsync(first.Revision);
        var second = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "held-second"));
        await _host.Catalog.WaitForRevisionAsync(second.Revision);

        var events = follower.Queued.Where(static e => e.Revision > 0).ToArray();
        Assert.That(events.Select(static e => e.Revision), Is.EqualTo(new[] { second.Revision }), "one event, at the revision that advanced");
        var text = Encoding.UTF8.GetString(events[0].Bytes.Span);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("\"tool\":\"held-first-00001\""), "the change published at the held revision");
            Assert.That(text, Does.Contain("\"tool\":\"held-second-00001\""), "the change of the event that advanced it");
        });
    }

    /// <summary>
    /// The runtime, with its events re-raised as a view holding its revision raises them: the first change after
    /// <see cref="HoldNext"/> is published at the previous revision (the snapshot's revision does not advance), and the next
    /// event advances from there carrying only its own changes.
    /// </summary>
    private sealed class HoldingCatalog : IToolCatalog, IDisposable
    {
        private readonly IToolCatalog _inner;
        private CatalogSnapshot? _heldAt;

        public HoldingCatalog(IToolCatalog inner)
        {
            _inner = inner;
            _inner.Changed += Forward;
        }

        public event EventHandler<CatalogChangedEventArgs>? Changed;

        public bool HoldNext { get; set; }

        public CatalogSnapshot Current => _inner.Current;

        public CatalogSource Source => _inner.Source;

        public long Revision => _inner.Revision;

        public CatalogHealth Health => _inner.Health;

        public Task<CatalogSnapshot> WaitForRevisionAsync(long revision, CancellationToken cancellationToken = default) => _inner.WaitForRevisionAsync(revision, cancellationToken);

        public Task<CatalogSnapshot> RefreshAsync(CancellationToken cancellationToken = default) => _inner.RefreshAsync(cancellationToken);

        public Task<CatalogSnapshot> ReloadToolAsync(string toolName, CancellationToken cancellationToken = default) => _inner.ReloadToolAsync(toolName, cancellationToken);

        public void Dispose() => _inner.Changed -= Forward;

        private void Forward(object? sender, CatalogChangedEventArgs e)
        {
            var args = e;
            if (HoldNext && e.Changes.Count > 0)
            {
                HoldNext = false;
                _heldAt = e.Previous;
                args = new CatalogChangedEventArgs(e.Previous, e.Previous, e.Origin, isFullLoad: false, e.Changes);
            }
            else if (_heldAt is { } held && e.Changes.Count > 0)
            {
                _heldAt = null;
                args = new CatalogChangedEventArgs(held, e.Current, e.Origin, e.IsFullLoad, e.Changes);
            }

            Changed?.Invoke(this, args);
        }
    }
}
