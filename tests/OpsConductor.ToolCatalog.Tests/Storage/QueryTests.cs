using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

[Parallelizable(ParallelScope.Self)]
public sealed class QueryTests
{
    private TestDatabase _db = null!;
    private ToolCatalogStore _store = null!;
    private List<ToolDefinition> _tools = null!;

    [OneTimeSetUp]
    public async Task CreateCatalog()
    {
        _db = await TestDatabase.CreateAsync();
        _store = _db.CreateStore();
        _tools = GeneratedTools.CreateMany(25, prefix: "query");
        _tools[3] = _tools[3] with { Enabled = false };
        _tools[4] = _tools[4] with { Status = ToolStatus.Deprecated };
        _tools[5] = _tools[5] with
        {
            Description = "Searches text with regular expressions",
            Capabilities = [.. _tools[5].Capabilities.AsSpan(), new CapabilityDefinition
            {
                Name = "text_search",
                Patterns = [new PatternDefinition { Name = "grep_like", TimeEstimateMs = "1", TypicalUseCases = ["Find ERROR lines in syslog"] }],
            }],
        };
        await _store.ImportAsync(_tools);
        await _store.PublishAsync(_tools[6] with { Version = "2.0", Platform = "windows" });
        await _store.CreateAsync(GeneratedTools.Create(0, prefix: "grep"));
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Keyset_pages_cover_every_tool_once_in_name_order()
    {
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await _store.ListAsync(after: cursor, limit: 7);
            seen.AddRange(page.Items.Select(i => i.Name));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        var expected = _tools.Select(t => t.Name).Append("grep-00000").Order(StringComparer.Ordinal);
        Assert.That(seen, Is.EqualTo(expected));
        Assert.That(pages, Is.EqualTo(4));
    }

    [Test]
    public async Task Listing_shows_only_latest_versions_with_their_summary()
    {
        var page = await _store.ListAsync(limit: 100);

        var six = page.Items.Single(i => i.Name == _tools[6].Name);
        Assert.That(six.Version, Is.EqualTo("2.0"));
        Assert.That(six.Platform, Is.EqualTo("windows"));
        Assert.That(six.Capabilities, Is.EqualTo(new[] { "capability_0", "capability_1", "capability_2" }));
        Assert.That(six.Tags, Is.EqualTo(new[] { "generated", "group-6" }));
    }

    [TestCase("platform")]
    [TestCase("category")]
    [TestCase("status")]
    [TestCase("enabled")]
    [TestCase("capability")]
    [TestCase("tag")]
    public async Task Each_filter_selects_exactly_the_matching_latest_versions(string criterion)
    {
        var latest = _tools.Select((t, i) => i == 6 ? t with { Version = "2.0", Platform = "windows" } : t).Append(GeneratedTools.Create(0, prefix: "grep")).ToList();
        var (filter, expected) = criterion switch
        {
            "platform" => (new ToolFilter { Platform = "windows" }, latest.Where(t => t.Platform == "windows")),
            "category" => (new ToolFilter { Category = "network" }, latest.Where(t => t.Category == "network")),
            "status" => (new ToolFilter { Status = ToolStatus.Deprecated }, latest.Where(t => t.Status == ToolStatus.Deprecated)),
            "enabled" => (new ToolFilter { Enabled = false }, latest.Where(t => !t.Enabled)),
            "capability" => (new ToolFilter { Capability = "text_search" }, latest.Where(t => t.FindCapability("text_search") is not null)),
            _ => (new ToolFilter { Tag = "group-3" }, latest.Where(t => t.Tags.Contains("group-3"))),
        };

        var page = await _store.ListAsync(filter, limit: 100);

        Assert.That(expected.Count(), Is.GreaterThan(0), "the case must select something");
        Assert.That(page.Items.Select(i => i.Name), Is.EqualTo(expected.Select(t => t.Name).Order(StringComparer.Ordinal)));
    }

    [Test]
    public async Task Filters_combine_and_paginate_together()
    {
        var first = await _store.ListAsync(new ToolFilter { Platform = "linux", Enabled = true }, limit: 2);
        var second = await _store.ListAsync(new ToolFilter { Platform = "linux", Enabled = true }, first.NextCursor, limit: 2);

        var expected = _tools.Append(GeneratedTools.Create(0, prefix: "grep")).Where(t => t.Platform == "linux" && t.Enabled).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        Assert.That(first.Items.Concat(second.Items).Select(i => i.Name), Is.EqualTo(expected.Take(4)));
    }

    [Test]
    public async Task Search_finds_by_name_description_tag_and_use_case_with_name_matches_first()
    {
        var byName = await _store.SearchAsync("grep");
        var byDescription = await _store.SearchAsync("REGULAR expressions");
        var byTag = await _store.SearchAsync("group-9");
        var byUseCase = await _store.SearchAsync("error lines");

        Assert.That(byName.Select(s => s.Name).First(), Is.EqualTo("grep-00000"));
        Assert.That(byName.Select(s => s.Name), Is.EqualTo(new[] { "grep-00000" }));
        Assert.That(byDescription.Select(s => s.Name), Is.EqualTo(new[] { _tools[5].Name }));
        Assert.That(byTag.Select(s => s.Name), Is.EquivalentTo(_tools.Where(t => t.Tags.Contains("group-9")).Select(t => t.Name)));
        Assert.That(byUseCase.Select(s => s.Name), Is.EqualTo(new[] { _tools[5].Name }));
    }

    [Test]
    public async Task Search_treats_like_wildcards_as_plain_text()
    {
        Assert.That(await _store.SearchAsync("%"), Is.Empty);
        Assert.That(await _store.SearchAsync("query_0"), Is.Empty, "'_' is not a wildcard");
    }
}
