using Microsoft.Extensions.Time.Testing;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class ChangeFeedTests
{
    private TestDatabase _db = null!;
    private FakeTimeProvider _clock = null!;
    private ToolCatalogStore _store = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        _db = await TestDatabase.CreateAsync();
        _clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _store = _db.CreateStore(_clock);
    }

    [TearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Loading_the_catalog_returns_every_latest_version_enabled_or_not_with_its_revision()
    {
        var tools = GeneratedTools.CreateMany(3);
        await _store.ImportAsync(tools);
        await _store.DisableAsync(tools[1].Name);
        await _store.PublishAsync(tools[2] with { Version = "2.0" });
        await _store.CreateAsync(GeneratedTools.Create(9));
        await _store.DeleteAsync(GeneratedTools.Create(9).Name);

        var state = await _store.LoadCatalogAsync();

        Assert.That(state.Revision, Is.EqualTo(await _store.GetRevisionAsync()));
        Assert.That(state.Tools.Select(t => t.Definition), Is.EqualTo(new[] { tools[0], tools[1] with { Enabled = false }, tools[2] with { Version = "2.0" } }));
        Assert.That(state.Tools.All(t => t.IsLatest), Is.True);
    }

    [Test]
    public async Task Changes_since_a_revision_list_each_changed_tool_with_its_current_latest_or_removed()
    {
        var tools = GeneratedTools.CreateMany(4);
        var imported = await _store.ImportAsync(tools);
        var held = imported.Revision;
        await _store.DisableAsync(tools[0].Name);
        await _store.PublishAsync(tools[1] with { Version = "1.1" });
        await _store.PublishAsync(tools[1] with { Version = "1.2" });
        await _store.DeleteAsync(tools[2].Name);

        var changes = await _store.LoadChangesSinceAsync(held);

        Assert.That(changes.IsGap, Is.False);
        Assert.That(changes.SinceRevision, Is.EqualTo(held));
        Assert.That(changes.Revision, Is.EqualTo(held + 4));
        Assert.That(changes.Changes.Select(c => c.Name), Is.EqualTo(new[] { tools[0].Name, tools[1].Name, tools[2].Name }));
        Assert.That(changes.Changes[0].Current!.Definition.Enabled, Is.False);
        Assert.That(changes.Changes[1].Current!.Definition.Version, Is.EqualTo("1.2"));
        Assert.That(changes.Changes[2].IsRemoved, Is.True);
    }

    [Test]
    public async Task Nothing_changed_since_the_current_revision()
    {
        await _store.CreateAsync(GeneratedTools.Create(1));
        var revision = await _store.GetRevisionAsync();

        var changes = await _store.LoadChangesSinceAsync(revision);

        Assert.That(changes.IsGap, Is.False);
        Assert.That(changes.Changes, Is.Empty);
        Assert.That(changes.Revision, Is.EqualTo(revision));
    }

    [Test]
    public async Task A_revision_older_than_the_pruned_feed_or_newer_than_the_catalog_is_a_gap()
    {
        await _store.CreateAsync(GeneratedTools.Create(1));
        _clock.Advance(TimeSpan.FromDays(10));
        await _store.CreateAsync(GeneratedTools.Create(2));

        var floor = await _store.PruneChangeFeedAsync(TimeSpan.FromDays(5));

        Assert.That(floor, Is.EqualTo(1));
        Assert.That((await _store.LoadChangesSinceAsync(0)).IsGap, Is.True, "revision 0 needs the pruned entry");
        var fromFloor = await _store.LoadChangesSinceAsync(1);
        Assert.That(fromFloor.IsGap, Is.False);
        Assert.That(fromFloor.Changes.Select(c => c.Name), Is.EqualTo(new[] { "gen-tool-00002" }));
        Assert.That((await _store.LoadChangesSinceAsync(50)).IsGap, Is.True, "a revision from the future (a restored backup?)");
    }

    [Test]
    public async Task A_stale_write_based_on_a_pruned_revision_is_a_conflict()
    {
        var tool = GeneratedTools.Create(1);
        await _store.CreateAsync(tool);
        _clock.Advance(TimeSpan.FromDays(10));
        await _store.CreateAsync(GeneratedTools.Create(2));
        await _store.PruneChangeFeedAsync(TimeSpan.FromDays(5));

        Assert.ThrowsAsync<CatalogConflictException>(() => _store.DisableAsync(tool.Name, change: new ChangeContext { ExpectedRevision = 0 }));
    }
}
