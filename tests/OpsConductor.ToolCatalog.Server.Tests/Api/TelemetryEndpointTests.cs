using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Api;

/// <summary><c>POST /api/v1/telemetry</c>: batches of execution records over HTTP, into the real telemetry table.</summary>
[TestFixture]
public sealed class TelemetryEndpointTests
{
    private const string Tool = "telemetry-api-tool";
    private const string Other = "telemetry-api-other";
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = await ServerHost.StartAsync();
        foreach (var name in new[] { Tool, Other })
        {
            var written = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: name) with { Name = name });
            await _host.Catalog.WaitForRevisionAsync(written.Revision);
        }
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task An_admin_writes_a_json_array_and_hears_which_records_matched_nothing()
    {
        using var client = _host.ClientAs("admin");
        var body = $"[{Record("array", 10)}, {Record("array", 20, pattern: "no_such_pattern")}, {Record("array", 30, tool: Other)}]";

        using var response = await client.PostAsync("/api/v1/telemetry", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That((answer.GetProperty("received").GetInt32(), answer.GetProperty("written").GetInt32()), Is.EqualTo((3, 2)));
        var unmatched = answer.GetProperty("unmatched").EnumerateArray().Single();
        Assert.That((unmatched.GetProperty("index").GetInt32(), unmatched.GetProperty("pattern").GetString()), Is.EqualTo((1, "no_such_pattern")));
        Assert.That(await RowsAsync("array"), Is.EqualTo(2));
    }

    [Test]
    public async Task An_owner_writes_ndjson_for_the_tools_it_owns()
    {
        using var client = _host.ClientAs("owner", "owner-user", Tool);
        var body = Record("ndjson", 10) + "\n\n" + Record("ndjson", 11) + "\n";

        using var response = await client.PostAsync("/api/v1/telemetry", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(await RowsAsync("ndjson"), Is.EqualTo(2));
    }

    [Test]
    public async Task An_owner_is_refused_a_batch_naming_a_tool_it_does_not_own_and_nothing_is_written()
    {
        using var client = _host.ClientAs("owner", "owner-user", Tool);
        var body = $"[{Record("not-owned", 10)}, {Record("not-owned", 20, tool: Other)}]";

        using var response = await client.PostAsync("/api/v1/telemetry", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(Other));
        Assert.That(await RowsAsync("not-owned"), Is.EqualTo(0));
    }

    [Test]
    public async Task A_viewer_is_refused()
    {
        using var client = _host.ClientAs("viewer");

        using var response = await client.PostAsync("/api/v1/telemetry", new StringContent($"[{Record("viewer", 1)}]", Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await RowsAsync("viewer"), Is.EqualTo(0));
    }

    [Test]
    public async Task Bad_records_are_named_by_index_field_and_rule_and_nothing_is_written()
    {
        using var client = _host.ClientAs("admin");
        var nul = Record("bad", 3).Replace("\"environment\"", "\"error_type\": \"x\\u0000y\", \"environment\"", StringComparison.Ordinal);
        var body = $"[{Record("bad", 10)}, {Record("bad", -1)}, {{\"tool\": \"{Tool}\", \"surprise\": 1}}, {nul}]";

        using var response = await client.PostAsync("/api/v1/telemetry", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.That(errors, Is.EqualTo(new[] { (1, "actual_time_ms"), (2, "surprise"), (3, "error_type") }));
        Assert.That(await RowsAsync("bad"), Is.EqualTo(0));
    }

    [Test]
    public async Task Bad_ndjson_lines_are_named_by_line()
    {
        using var client = _host.ClientAs("admin");
        var body = Record("bad-lines", 10) + "\n\n{broken\n";

        using var response = await client.PostAsync("/api/v1/telemetry", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.That((error.GetProperty("line").GetInt32(), error.GetProperty("field").GetString()), Is.EqualTo((3, "json")));
        Assert.That(await RowsAsync("bad-lines"), Is.EqualTo(0));
    }

    [Test]
    public async Task A_body_that_is_not_an_array_or_not_json_is_a_problem_not_a_crash()
    {
        using var client = _host.ClientAs("admin");

        using var notArray = await client.PostAsync("/api/v1/telemetry", new StringContent(Record("x", 1), Encoding.UTF8, "application/json"));
        using var broken = await client.PostAsync("/api/v1/telemetry", new StringContent("[{", Encoding.UTF8, "application/json"));
        using var text = await client.PostAsync("/api/v1/telemetry", new StringContent("[]", Encoding.UTF8, "text/plain"));

        Assert.That((notArray.StatusCode, broken.StatusCode, text.StatusCode),
            Is.EqualTo((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.UnsupportedMediaType)));
    }

    private static string Record(string environment, double time, string tool = Tool, string pattern = "pattern_0") =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["tool"] = tool,
            ["capability"] = "capability_0",
            ["pattern"] = pattern,
            ["actual_time_ms"] = time,
            ["success"] = true,
            ["environment"] = environment,
        });

    private async Task<long> RowsAsync(string environment)
    {
        await using var command = _host.Database.DataSource.CreateCommand("SELECT count(*) FROM tool_catalog.tool_telemetry WHERE environment = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = environment });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
