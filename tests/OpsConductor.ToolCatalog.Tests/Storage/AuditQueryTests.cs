using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

/// <summary>The whole audit log, newest first, filtered by tool, actor and time, in keyset pages.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class AuditQueryTests
{
    private static readonly DateTimeOffset Start = new(2031, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private TestDatabase _db = null!;
    private ToolCatalogStore _store = null!;
    private FakeTimeProvider _clock = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseWithAHistory()
    {
        _db = await TestDatabase.CreateAsync();
        _clock = new FakeTimeProvider(Start);
        _store = _db.CreateStore(_clock);

        // 08:00 alice creates a; 09:00 bob creates b; 10:00 alice publishes a 2.0; 11:00 bob disables b; 12:00 alice hard-deletes a.
        var a = GeneratedTools.Create(1, prefix: "audq-a");
        var b = GeneratedTools.Create(2, prefix: "audq-b");
        await _store.CreateAsync(a, As("alice"));
        _clock.Advance(TimeSpan.FromHours(1));
        await _store.CreateAsync(b, As("bob"));
        _clock.Advance(TimeSpan.FromHours(1));
        await _store.PublishAsync(a with { Version = "2.0" }, As("alice"));
        _clock.Advance(TimeSpan.FromHours(1));
        await _store.DisableAsync(b.Name, change: As("bob"));
        _clock.Advance(TimeSpan.FromHours(1));
        await _store.DeleteAsync(a.Name, new DeleteOptions { Hard = true }, As("alice"));
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Every_row_comes_once_newest_first_across_pages()
    {
        var rows = await AllPagesAsync(AuditQuery.All, limit: 2);

        Assert.That(rows.Select(r => r.Action), Is.EqualTo(new[] { "hard_deleted", "disabled", "published", "created", "created" }));
        Assert.That(rows.Select(r => r.Id), Is.Ordered.Descending);
    }

    [Test]
    public async Task Filters_by_tool_actor_and_a_half_open_time_range_combine()
    {
        var ofB = await AllPagesAsync(new AuditQuery { ToolName = "audq-b-00002" });
        var byAlice = await AllPagesAsync(new AuditQuery { Actor = "alice" });
        var window = await AllPagesAsync(new AuditQuery { From = Start.AddHours(1), To = Start.AddHours(3) });
        var aliceInWindow = await AllPagesAsync(new AuditQuery { Actor = "alice", From = Start.AddHours(1), To = Start.AddHours(3) });

        Assert.Multiple(() =>
        {
            Assert.That(ofB.Select(r => r.Action), Is.EqualTo(new[] { "disabled", "created" }));
            Assert.That(byAlice.Select(r => r.Action), Is.EqualTo(new[] { "hard_deleted", "published", "created" }));
            Assert.That(window.Select(r => r.ChangedAt), Is.EqualTo(new[] { Start.AddHours(2), Start.AddHours(1) }), "from inclusive, to exclusive");
            Assert.That(aliceInWindow.Select(r => r.Action), Is.EqualTo(new[] { "published" }));
        });
    }

    [Test]
    public async Task A_creation_on_a_page_without_the_hard_delete_that_kept_its_content_is_still_rebuilt_and_verified()
    {
        var page = await _store.QueryAuditAsync(new AuditQuery { ToolName = "audq-a-00001" }, limit: 1);
        page = await _store.QueryAuditAsync(new AuditQuery { ToolName = "audq-a-00001" }, page.NextBefore, limit: 1);
        page = await _store.QueryAuditAsync(new AuditQuery { ToolName = "audq-a-00001" }, page.NextBefore, limit: 1);

        var created = page.Items.Single();
        var whole = (await _store.GetAuditAsync("audq-a-00001"))[0];
        Assert.Multiple(() =>
        {
            Assert.That(created.Action, Is.EqualTo("created"));
            Assert.That(created.Content, Is.EqualTo(AuditContentCheck.Verified));
            Assert.That(JsonNode.DeepEquals(JsonNode.Parse(created.Changes), JsonNode.Parse(whole.Changes)), Is.True, "the same diff as the tool's whole trail gives");
            Assert.That(page.NextBefore, Is.Null, "the last page");
        });
    }

    [Test]
    public async Task Sql_metacharacters_in_a_filter_are_values_not_sql()
    {
        var rows = await AllPagesAsync(new AuditQuery { Actor = "alice' OR '1'='1", ToolName = "%" });

        Assert.That(rows, Is.Empty);
    }

    [TestCase(0)]
    [TestCase(ToolCatalogStore.MaxPageSize + 1)]
    public void A_page_size_out_of_range_is_refused(int limit)
    {
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.QueryAuditAsync(limit: limit));
    }

    private static ChangeContext As(string actor) => new() { Actor = actor };

    private async Task<List<AuditRecord>> AllPagesAsync(AuditQuery query, int limit = 50)
    {
        var rows = new List<AuditRecord>();
        long? before = null;
        do
        {
            var page = await _store.QueryAuditAsync(query, before, limit);
            rows.AddRange(page.Items);
            before = page.NextBefore;
        }
        while (before is not null);
        return rows;
    }
}
