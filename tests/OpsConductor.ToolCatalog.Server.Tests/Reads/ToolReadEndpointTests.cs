using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Reads;

[TestFixture]
public sealed class ToolReadEndpointTests
{
    private const int CatalogSize = 120;
    private ServerHost _host = null!;
    private HttpClient _viewer = null!;

    [OneTimeSetUp]
    public async Task StartHostWithA120ToolCatalog()
    {
        _host = await ServerHost.StartAsync();
        var report = await _host.Store.ImportAsync(GeneratedTools.CreateMany(CatalogSize, prefix: "cat"));
        await _host.Catalog.WaitForRevisionAsync(report.Revision);
        _viewer = _host.ClientAs("viewer");
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        _viewer.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task Paging_through_every_page_returns_each_tool_once_in_name_order()
    {
        var pages = await _viewer.AllPagesAsync("/api/v1/tools?limit=7");

        var names = pages.Names().Where(n => n.StartsWith("cat-", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(names, Has.Count.EqualTo(CatalogSize));
            Assert.That(names, Is.Unique);
            Assert.That(names, Is.EqualTo(names.Order(StringComparer.Ordinal).ToList()));
            Assert.That(pages.Take(pages.Count - 1).Select(p => p.GetProperty("items").GetArrayLength()), Is.All.EqualTo(7));
            Assert.That(pages[^1].GetProperty("next_cursor").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [Test]
    public async Task Without_a_limit_a_page_holds_the_default_fifty()
    {
        var page = await _viewer.GetJsonAsync("/api/v1/tools");

        Assert.That(page.GetProperty("items").GetArrayLength(), Is.EqualTo(50));
        Assert.That(page.GetProperty("next_cursor").GetString(), Is.Not.Null);
    }

    [Test]
    public async Task A_summary_names_the_tools_fields_in_snake_case()
    {
        var page = await _viewer.GetJsonAsync("/api/v1/tools?limit=1");

        var item = page.GetProperty("items")[0];
        var expected = GeneratedTools.Create(0, prefix: "cat");
        Assert.Multiple(() =>
        {
            Assert.That(item.GetProperty("tool_name").GetString(), Is.EqualTo(expected.Name));
            Assert.That(item.GetProperty("version").GetString(), Is.EqualTo("1.0"));
            Assert.That(item.GetProperty("description").GetString(), Is.EqualTo(expected.Description));
            Assert.That(item.GetProperty("platform").GetString(), Is.EqualTo(expected.Platform));
            Assert.That(item.GetProperty("category").GetString(), Is.EqualTo(expected.Category));
            Assert.That(item.GetProperty("status").GetString(), Is.EqualTo("active"));
            Assert.That(item.GetProperty("enabled").GetBoolean(), Is.True);
            Assert.That(item.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "capability_0", "capability_1", "capability_2" }));
            Assert.That(item.GetProperty("tags").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "generated", "group-0" }));
        });
    }

    [TestCase("platform=linux", 24)]
    [TestCase("category=network", 25)]
    [TestCase("tag=group-3", 12)]
    [TestCase("platform=linux&tag=group-5", 12)]
    [TestCase("platform=linux&category=system&tag=group-0", 3)]
    [TestCase("capability=capability_2", CatalogSize)]
    [TestCase("capability=capability_9", 0)]
    [TestCase("platform=Linux", 0)]
    [TestCase("platform=&category=&status=&enabled=&capability=&tag=", CatalogSize)]
    public async Task Filters_combine_and_every_page_honours_them(string query, int expected)
    {
        var pages = await _viewer.AllPagesAsync($"/api/v1/tools?{query}&limit=5");

        Assert.That(pages.Names().Count(n => n.StartsWith("cat-", StringComparison.Ordinal)), Is.EqualTo(expected));
    }

    [Test]
    public async Task Status_and_enabled_filters_find_deprecated_and_disabled_tools()
    {
        var deprecated = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "state-dep"));
        await _host.Store.DeprecateAsync(deprecated.ToolName);
        await _host.Store.CreateAsync(GeneratedTools.Create(2, prefix: "state-off"));
        var disabled = await _host.Store.DisableAsync("state-off-00002");
        await _host.Catalog.WaitForRevisionAsync(disabled.Revision);

        var deprecatedNames = (await _viewer.AllPagesAsync("/api/v1/tools?status=Deprecated")).Names().Where(n => n.StartsWith("state-", StringComparison.Ordinal));
        var disabledNames = (await _viewer.AllPagesAsync("/api/v1/tools?enabled=false")).Names().Where(n => n.StartsWith("state-", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(deprecatedNames, Is.EqualTo(new[] { "state-dep-00001" }));
            Assert.That(disabledNames, Is.EqualTo(new[] { "state-off-00002" }));
        });
    }

    [TestCase("limit=0")]
    [TestCase("limit=501")]
    [TestCase("limit=ten")]
    [TestCase("limit=-1")]
    [TestCase("limit=")]
    public async Task A_limit_out_of_range_is_refused_naming_the_field(string query)
    {
        var problem = await _viewer.ProblemAsync($"/api/v1/tools?{query}", HttpStatusCode.BadRequest, "limit");

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("from 1 to 500"));
    }

    [Test]
    public async Task A_huge_bad_value_is_not_sent_back_whole()
    {
        var problem = await _viewer.ProblemAsync($"/api/v1/tools?status={new string('x', 5000)}", HttpStatusCode.BadRequest, "status");

        Assert.That(problem.GetProperty("detail").GetString()!.Length, Is.LessThan(300));
    }

    [TestCase("!!!")]
    [TestCase("bm90LWEtY3Vyc29y")] // "not-a-cursor"
    [TestCase("dmVyc2lvbnM6MTI")] // a cursor of a tool's versions, "versions:12"
    [TestCase("_w")] // invalid UTF-8
    public async Task A_cursor_this_list_did_not_give_is_refused(string cursor)
    {
        await _viewer.ProblemAsync($"/api/v1/tools?cursor={Uri.EscapeDataString(cursor)}", HttpStatusCode.BadRequest, "cursor");
    }

    [TestCase("status=retired", "status")]
    [TestCase("enabled=yes", "enabled")]
    public async Task A_bad_filter_value_is_refused_naming_the_field(string query, string field)
    {
        var problem = await _viewer.ProblemAsync($"/api/v1/tools?{query}", HttpStatusCode.BadRequest, field);

        Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("#problem-bad-request"));
    }

    [Test]
    public async Task Search_matches_name_description_platform_category_capability_and_tag_case_insensitively()
    {
        await _host.Store.CreateAsync(GeneratedTools.Create(7, prefix: "findme") with { Description = "Counts the Zebras in a herd." });
        var written = await _host.Store.CreateAsync(GeneratedTools.Create(8, prefix: "other") with
        {
            Metadata = DataMap.Create(("tags", DataValue.FromList(["ZebraTag"]))),
        });
        await _host.Catalog.WaitForRevisionAsync(written.Revision);

        var byDescription = (await _viewer.AllPagesAsync("/api/v1/tools/search?q=zebra")).Names();
        var byName = (await _viewer.AllPagesAsync("/api/v1/tools/search?q=FINDME")).Names();
        var byCapability = (await _viewer.AllPagesAsync("/api/v1/tools/search?q=CAPABILITY_1&limit=50")).Names();
        var byPlatform = (await _viewer.AllPagesAsync("/api/v1/tools/search?q=WINDOWS&limit=50")).Names();

        Assert.Multiple(() =>
        {
            Assert.That(byDescription, Is.EqualTo(new[] { "findme-00007", "other-00008" }), "description and tag");
            Assert.That(byName, Is.EqualTo(new[] { "findme-00007" }));
            Assert.That(byCapability.Count(n => n.StartsWith("cat-", StringComparison.Ordinal)), Is.EqualTo(CatalogSize));
            Assert.That(byPlatform.Count(n => n.StartsWith("cat-", StringComparison.Ordinal)), Is.EqualTo(24));
        });
    }

    [TestCase("", "q")]
    [TestCase("?q=", "q")]
    [TestCase("?q=%20%20", "q")]
    [TestCase("?q=x&limit=0", "limit")]
    public async Task Search_without_text_or_with_a_bad_limit_is_refused(string query, string field)
    {
        await _viewer.ProblemAsync($"/api/v1/tools/search{query}", HttpStatusCode.BadRequest, field);
    }

    [Test]
    public async Task Search_text_longer_than_200_characters_is_refused()
    {
        var problem = await _viewer.ProblemAsync($"/api/v1/tools/search?q={new string('a', 201)}", HttpStatusCode.BadRequest, "q");

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("at most 200"));
    }

    [Test]
    public async Task Platform_and_category_lists_page_through_their_tools()
    {
        var linux = (await _viewer.AllPagesAsync("/api/v1/tools/platform/linux?limit=10")).Names().Where(n => n.StartsWith("cat-", StringComparison.Ordinal));
        var security = (await _viewer.AllPagesAsync("/api/v1/tools/category/security?limit=10")).Names().Where(n => n.StartsWith("cat-", StringComparison.Ordinal));
        var none = await _viewer.GetJsonAsync("/api/v1/tools/platform/mainframe");

        Assert.Multiple(() =>
        {
            Assert.That(linux, Is.EqualTo(Enumerable.Range(0, CatalogSize).Where(i => i % 5 == 0).Select(i => $"cat-{i:D5}")));
            Assert.That(security, Is.EqualTo(Enumerable.Range(0, CatalogSize).Where(i => (i / 5) % 5 == 3).Select(i => $"cat-{i:D5}")));
            Assert.That(none.GetProperty("items").GetArrayLength(), Is.Zero);
        });
        await _viewer.ProblemAsync("/api/v1/tools/category/system?limit=9999", HttpStatusCode.BadRequest, "limit");
    }

    [Test]
    public async Task A_tool_is_its_whole_document_with_a_strong_etag()
    {
        var definition = _host.Catalog.Current.FindTool("cat-00042")!.Definition;

        using var response = await _viewer.GetAsync("/api/v1/tools/cat-00042");

        var body = await response.JsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(response.Headers.ETag?.ToString(), Is.EqualTo(ToolETag.Of(definition)));
            Assert.That(response.Headers.ETag?.IsWeak, Is.False);
            Assert.That(JsonElement.DeepEquals(body, JsonDocument.Parse(ToolJson.ToJson(definition)).RootElement), Is.True, "the ToolJson shape");
            Assert.That(body.GetProperty("capabilities").GetProperty("capability_1").GetProperty("patterns").GetProperty("pattern_2").GetProperty("time_estimate_ms").GetString(), Is.EqualTo("102 + 1.5 * N"));
        });
    }

    [Test]
    public async Task If_none_match_with_the_current_etag_gets_304_and_a_changed_tool_gets_its_new_document()
    {
        var created = await _host.Store.CreateAsync(GeneratedTools.Create(3, prefix: "etag"));
        await _host.Catalog.WaitForRevisionAsync(created.Revision);
        using var first = await _viewer.GetAsync("/api/v1/tools/etag-00003");
        var etag = first.Headers.ETag!;

        using var notModified = await Send(etag.ToString());
        using var weakMatch = await Send("W/" + etag.Tag);
        using var otherTag = await Send("\"0000\"");
        var changed = await _host.Store.DisableAsync("etag-00003");
        await _host.Catalog.WaitForRevisionAsync(changed.Revision);
        using var afterChange = await Send(etag.ToString());

        Assert.Multiple(() =>
        {
            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(notModified.Headers.ETag, Is.EqualTo(etag));
            Assert.That(weakMatch.StatusCode, Is.EqualTo(HttpStatusCode.NotModified), "If-None-Match compares weakly");
            Assert.That(otherTag.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(afterChange.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(afterChange.Headers.ETag, Is.Not.EqualTo(etag));
        });

        async Task<HttpResponseMessage> Send(string ifNoneMatch)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tools/etag-00003");
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            return await _viewer.SendAsync(request);
        }
    }

    [Test]
    public async Task An_unknown_tool_is_a_404_problem_naming_it()
    {
        var problem = await _viewer.ProblemAsync("/api/v1/tools/no-such-tool", HttpStatusCode.NotFound);

        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("tool").GetString(), Is.EqualTo("no-such-tool"));
            Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("#problem-not-found"));
        });
    }

    [Test]
    public async Task Script_tags_and_sql_metacharacters_in_a_description_come_back_as_inert_data()
    {
        const string hostile = "<script>alert('x')</script>'; DROP TABLE tool_catalog.tools; -- & \"quoted\"";
        var created = await _host.Store.CreateAsync(GeneratedTools.Create(4, prefix: "hostile") with { Description = hostile });
        await _host.Catalog.WaitForRevisionAsync(created.Revision);

        using var one = await _viewer.GetAsync("/api/v1/tools/hostile-00004");
        var oneText = await one.Content.ReadAsStringAsync();
        using var list = await _viewer.GetAsync("/api/v1/tools/search?q=DROP%20TABLE");
        var listText = await list.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(oneText, Does.Not.Contain("<script>"), "escaped in the document");
            Assert.That(listText, Does.Not.Contain("<script>"), "escaped in lists");
            Assert.That(JsonDocument.Parse(oneText).RootElement.GetProperty("description").GetString(), Is.EqualTo(hostile));
            Assert.That(JsonDocument.Parse(listText).RootElement.GetProperty("items")[0].GetProperty("description").GetString(), Is.EqualTo(hostile));
            Assert.That(_host.Catalog.Current.ToolCount, Is.GreaterThanOrEqualTo(CatalogSize), "nothing was dropped");
        });
    }

    [Test]
    public async Task Versions_list_the_history_oldest_first_and_a_given_version_is_its_document()
    {
        await _host.Store.CreateAsync(GeneratedTools.Create(5, prefix: "hist"));
        await _host.Store.PublishAsync(GeneratedTools.Create(5, prefix: "hist", version: "1.1"));
        var last = await _host.Store.PublishAsync(GeneratedTools.Create(5, prefix: "hist", version: "2.0"));
        await _host.Catalog.WaitForRevisionAsync(last.Revision);

        var pages = await _viewer.AllPagesAsync("/api/v1/tools/hist-00005/versions?limit=2");
        using var old = await _viewer.GetAsync("/api/v1/tools/hist-00005/versions/1.1");
        var oldBody = await old.JsonAsync();

        var versions = pages.SelectMany(p => p.GetProperty("items").EnumerateArray()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(pages, Has.Count.EqualTo(2));
            Assert.That(versions.Select(v => v.GetProperty("version").GetString()), Is.EqualTo(new[] { "1.0", "1.1", "2.0" }));
            Assert.That(versions.Select(v => v.GetProperty("is_latest").GetBoolean()), Is.EqualTo(new[] { false, false, true }));
            Assert.That(versions[1].GetProperty("parent_version").GetString(), Is.EqualTo("1.0"));
            Assert.That(oldBody.GetProperty("version").GetString(), Is.EqualTo("1.1"));
            Assert.That(old.Headers.ETag, Is.Not.Null);
        });
    }

    [Test]
    public async Task Versions_of_an_unknown_tool_or_an_unknown_version_are_404()
    {
        var noTool = await _viewer.ProblemAsync("/api/v1/tools/nothing-here/versions", HttpStatusCode.NotFound);
        var noVersion = await _viewer.ProblemAsync("/api/v1/tools/cat-00001/versions/9.9", HttpStatusCode.NotFound);
        await _viewer.ProblemAsync("/api/v1/tools/cat-00001/versions?cursor=" + Cursor.Encode("tools", "x"), HttpStatusCode.BadRequest, "cursor");

        Assert.Multiple(() =>
        {
            Assert.That(noTool.GetProperty("tool").GetString(), Is.EqualTo("nothing-here"));
            Assert.That(noVersion.GetProperty("version").GetString(), Is.EqualTo("9.9"));
        });
    }

    [Test]
    public async Task Nobody_anonymous_reads_a_tool()
    {
        using var anonymous = _host.Anonymous();

        using var response = await anonymous.GetAsync("/api/v1/tools/cat-00001");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
