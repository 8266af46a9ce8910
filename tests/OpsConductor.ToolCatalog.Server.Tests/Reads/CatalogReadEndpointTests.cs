using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Reads;

[TestFixture]
public sealed class CatalogReadEndpointTests
{
    private ServerHost _host = null!;
    private HttpClient _viewer = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = await ServerHost.StartAsync();
        _viewer = _host.ClientAs("viewer");
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        _viewer.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task Capabilities_list_each_name_once_with_the_count_of_selectable_tools_offering_it()
    {
        // 12 tools with capabilities capN_0..capN_2 (some renamed), one of them disabled: it offers nothing to selection.
        var tools = GeneratedTools.CreateMany(12, prefix: "capn").Select(Renamed).ToList();
        await _host.Store.ImportAsync(tools);
        var disabled = await _host.Store.DisableAsync("capn-00011");
        await _host.Catalog.WaitForRevisionAsync(disabled.Revision);

        var pages = await _viewer.AllPagesAsync("/api/v1/capabilities?limit=2");
        var counts = pages.SelectMany(p => p.GetProperty("items").EnumerateArray())
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("tools").GetInt32());

        Assert.Multiple(() =>
        {
            Assert.That(counts.Keys, Is.EqualTo(counts.Keys.Order(StringComparer.Ordinal)), "by name");
            Assert.That(counts["capn_shared"], Is.EqualTo(11), "twelve tools, one disabled");
            Assert.That(counts["capn_even"], Is.EqualTo(6), "tools 0, 2, …, 10");
            Assert.That(counts["capn_odd"], Is.EqualTo(5), "tools 1, 3, …, 9 (11 is disabled)");
        });
    }

    [Test]
    public async Task A_capabilitys_tools_are_paged_by_name_with_their_patterns()
    {
        var tools = GeneratedTools.CreateMany(5, patterns: 2, prefix: "offer").Select(t => t with
        {
            Capabilities = [t.Capabilities[0] with { Name = "offer_cap" }],
        }).ToList();
        var report = await _host.Store.ImportAsync(tools);
        await _host.Catalog.WaitForRevisionAsync(report.Revision);

        var pages = await _viewer.AllPagesAsync("/api/v1/capabilities/offer_cap/tools?limit=2");

        var items = pages.SelectMany(p => p.GetProperty("items").EnumerateArray()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(pages, Has.Count.EqualTo(3));
            Assert.That(items.Select(i => i.GetProperty("tool_name").GetString()), Is.EqualTo(tools.Select(t => t.Name)));
            Assert.That(items.Select(i => string.Join(",", i.GetProperty("patterns").EnumerateArray().Select(p => p.GetString()))), Is.All.EqualTo("pattern_0,pattern_1"));
            Assert.That(items[0].GetProperty("platform").GetString(), Is.EqualTo(tools[0].Platform));
        });
    }

    [Test]
    public async Task A_capability_no_selectable_tool_offers_is_404()
    {
        var problem = await _viewer.ProblemAsync("/api/v1/capabilities/nobody_offers_this/tools", HttpStatusCode.NotFound);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("nobody_offers_this"));
    }

    [TestCase("/api/v1/capabilities?limit=0", "limit")]
    [TestCase("/api/v1/capabilities?cursor=@@", "cursor")]
    [TestCase("/api/v1/capabilities/x/tools?limit=x", "limit")]
    public async Task Capability_lists_refuse_a_bad_limit_or_cursor(string path, string field)
    {
        await _viewer.ProblemAsync(path, HttpStatusCode.BadRequest, field);
    }

    [Test]
    public async Task The_audit_log_names_who_wrote_what_newest_first_and_filters_by_tool_and_actor()
    {
        var tool = GeneratedTools.Create(1, prefix: "audited");
        await _host.Store.CreateAsync(tool, new() { Actor = "carol", Reason = "first" });
        await _host.Store.DeprecateAsync(tool.Name, change: new() { Actor = "dave", IpAddress = IPAddress.Parse("10.9.8.7"), UserAgent = "curl/8" });

        var ofTool = (await _viewer.AllPagesAsync($"/api/v1/audit?tool={tool.Name}&limit=1")).SelectMany(p => p.GetProperty("items").EnumerateArray()).ToList();
        var byDave = (await _viewer.AllPagesAsync("/api/v1/audit?actor=dave")).SelectMany(p => p.GetProperty("items").EnumerateArray()).ToList();
        var convenience = (await _viewer.AllPagesAsync($"/api/v1/tools/{tool.Name}/audit")).SelectMany(p => p.GetProperty("items").EnumerateArray()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(ofTool.Select(a => a.GetProperty("action").GetString()), Is.EqualTo(new[] { "deprecated", "created" }));
            Assert.That(ofTool.Select(a => a.GetProperty("changed_by").GetString()), Is.EqualTo(new[] { "dave", "carol" }));
            Assert.That(ofTool[0].GetProperty("ip_address").GetString(), Is.EqualTo("10.9.8.7"));
            Assert.That(ofTool[0].GetProperty("user_agent").GetString(), Is.EqualTo("curl/8"));
            Assert.That(ofTool[1].GetProperty("reason").GetString(), Is.EqualTo("first"));
            Assert.That(ofTool[1].GetProperty("content").GetString(), Is.EqualTo("verified"));
            Assert.That(ofTool[1].GetProperty("changes").GetProperty("tool_name").GetProperty("new").GetString(), Is.EqualTo(tool.Name), "the diff as JSON, not a string");
            Assert.That(byDave.Select(a => a.GetProperty("tool_name").GetString()), Is.EqualTo(new[] { tool.Name }));
            Assert.That(convenience.Select(a => a.GetProperty("id").GetInt64()), Is.EqualTo(ofTool.Select(a => a.GetProperty("id").GetInt64())));
        });
    }

    [Test]
    public async Task The_audit_log_filters_by_a_half_open_iso_8601_time_range()
    {
        var created = await _host.Store.CreateAsync(GeneratedTools.Create(2, prefix: "timed"), new() { Actor = "erin" });
        var row = (await _host.Store.GetAuditAsync(created.ToolName)).Single();
        var at = Uri.EscapeDataString(row.ChangedAt.ToString("O"));
        var justAfter = Uri.EscapeDataString(row.ChangedAt.AddTicks(10).ToString("O"));

        var from = await _viewer.GetJsonAsync($"/api/v1/audit?actor=erin&from={at}");
        var toExclusive = await _viewer.GetJsonAsync($"/api/v1/audit?actor=erin&to={at}");
        var window = await _viewer.GetJsonAsync($"/api/v1/audit?actor=erin&from={at}&to={justAfter}");
        var byDay = await _viewer.GetJsonAsync($"/api/v1/audit?actor=erin&from={row.ChangedAt.UtcDateTime:yyyy-MM-dd}");
        var emptyIsNone = await _viewer.GetJsonAsync("/api/v1/audit?actor=erin&from=&to=&tool=");

        Assert.Multiple(() =>
        {
            Assert.That(from.GetProperty("items").GetArrayLength(), Is.EqualTo(1), "from is inclusive");
            Assert.That(toExclusive.GetProperty("items").GetArrayLength(), Is.Zero, "to is exclusive");
            Assert.That(window.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
            Assert.That(byDay.GetProperty("items").GetArrayLength(), Is.EqualTo(1), "a date alone is midnight UTC");
            Assert.That(emptyIsNone.GetProperty("items").GetArrayLength(), Is.EqualTo(1), "an empty filter is no filter");
        });
    }

    [Test]
    public async Task The_audit_log_filters_by_action()
    {
        var tool = GeneratedTools.Create(3, prefix: "actioned");
        await _host.Store.CreateAsync(tool, new() { Actor = "frank" });
        await _host.Store.DisableAsync(tool.Name, change: new() { Actor = "frank" });

        var disabled = await _viewer.GetJsonAsync($"/api/v1/audit?tool={tool.Name}&action=disabled");
        var ofTool = await _viewer.GetJsonAsync($"/api/v1/tools/{tool.Name}/audit?action=created");

        Assert.Multiple(() =>
        {
            Assert.That(disabled.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("action").GetString()), Is.EqualTo(new[] { "disabled" }));
            Assert.That(ofTool.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("action").GetString()), Is.EqualTo(new[] { "created" }));
        });
    }

    [TestCase("from=yesterday", "from")]
    [TestCase("action=exploded", "action")]
    [TestCase("to=12/01/2026", "to")]
    [TestCase("from=2026-13-45", "from")]
    [TestCase("from=2026-12-02&to=2026-12-01", "from")]
    [TestCase("limit=1001", "limit")]
    [TestCase("cursor=dG9vbHM6YQ", "cursor")] // a tool list's cursor, "tools:a"
    public async Task The_audit_log_refuses_bad_times_limits_and_cursors_naming_the_field(string query, string field)
    {
        await _viewer.ProblemAsync($"/api/v1/audit?{query}", HttpStatusCode.BadRequest, field);
    }

    private static ToolDefinition Renamed(ToolDefinition tool, int index) => tool with
    {
        Capabilities =
        [
            tool.Capabilities[0] with { Name = "capn_shared" },
            tool.Capabilities[1] with { Name = index % 2 == 0 ? "capn_even" : "capn_odd" },
        ],
    };
}

[TestFixture]
public sealed class LargeListLimitTests
{
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHostAllowingLongLists() => _host = await ServerHost.StartAsync(host =>
        host.ConfigureServices(services => services.Configure<OpsConductor.ToolCatalog.AspNetCore.ToolCatalogServerOptions>(o => o.MaxListLimit = 5000)));

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task A_limit_above_the_stores_page_size_is_a_shorter_audit_page_not_an_error()
    {
        var report = await _host.Store.ImportAsync(GeneratedTools.CreateMany(1001, capabilities: 1, patterns: 1, prefix: "many"));
        await _host.Catalog.WaitForRevisionAsync(report.Revision);
        using var viewer = _host.ClientAs("viewer");

        var pages = await viewer.AllPagesAsync("/api/v1/audit?limit=2000");
        var tools = await viewer.GetJsonAsync("/api/v1/tools?limit=2000");

        Assert.Multiple(() =>
        {
            Assert.That(pages.Select(p => p.GetProperty("items").GetArrayLength()), Is.EqualTo(new[] { 1000, 1 }));
            Assert.That(tools.GetProperty("items").GetArrayLength(), Is.EqualTo(1001), "the snapshot's lists take the host's limit");
        });
    }
}
