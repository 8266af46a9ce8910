using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Writes;

/// <summary>POST, PUT, DELETE, enable, disable, deprecate, rollback and validate of one tool.</summary>
[TestFixture]
public sealed class ToolWriteEndpointTests
{
    private const string ClientAddress = "203.0.113.7";
    private ServerHost _host = null!;
    private int _next;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync(h => h.ConfigureServices(s => s.AddSingleton<IStartupFilter, FixedClientAddress>()));

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    // ---- POST /tools ----

    [Test]
    public async Task An_admin_creates_a_tool_from_json_and_gets_201_with_location_etag_and_revision_once_the_snapshot_has_it()
    {
        var tool = NewTool();
        using var client = _host.ClientAs("admin", "alice");

        using var response = await client.PostAsync("/api/v1/tools", WriteRequests.Json(tool));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var body = await response.BodyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"/api/v1/tools/{tool.Name}"));
            Assert.That(response.Headers.ETag, Is.Not.Null);
            Assert.That(body.GetProperty("etag").GetString(), Is.EqualTo(response.Headers.ETag!.Tag));
            Assert.That(response.Headers.ETag!.Tag, Is.EqualTo(SnapshotETag(tool.Name)), "the tag a GET gives");
            Assert.That(body.GetProperty("action").GetString(), Is.EqualTo("created"));
            Assert.That(body.GetProperty("tool").GetProperty("tool_name").GetString(), Is.EqualTo(tool.Name));
            Assert.That(_host.Catalog.Current.Revision, Is.GreaterThanOrEqualTo(body.GetProperty("revision").GetInt64()), "read-your-writes");
            Assert.That(_host.Catalog.Current.FindTool(tool.Name)?.Definition.Version, Is.EqualTo("1.0"));
        });
    }

    [TestCase("application/yaml")]
    [TestCase("application/x-yaml")]
    [TestCase("text/yaml")]
    public async Task An_admin_creates_a_tool_from_its_yaml_file(string contentType)
    {
        var tool = NewTool();
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools", WriteRequests.Yaml(tool, contentType));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        Assert.That((await _host.Store.GetAsync(tool.Name))!.Definition, Is.EqualTo(tool));
    }

    [Test]
    public async Task Creating_a_tool_that_exists_is_a_conflict_and_changes_nothing()
    {
        var tool = await _host.SeedAsync(NewTool());
        var revision = await _host.Store.GetRevisionAsync();
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools", WriteRequests.Json(tool with { Description = "again" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
    }

    [Test]
    public async Task A_dry_run_create_reports_what_would_happen_and_writes_nothing()
    {
        var tool = NewTool();
        var revision = await _host.Store.GetRevisionAsync();
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools?dry_run=true", WriteRequests.Json(tool));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await response.BodyAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(body.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(body.GetProperty("changed").GetBoolean(), Is.True);
            Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
            Assert.That(await _host.Store.GetAsync(tool.Name), Is.Null);
            Assert.That(await _host.AuditCountAsync(tool.Name), Is.Zero);
        });
    }

    [Test]
    public async Task The_audit_row_of_a_write_names_the_principal_address_user_agent_and_reason()
    {
        var tool = NewTool();
        using var client = _host.ClientAs("admin", "alice@example.com");
        client.DefaultRequestHeaders.UserAgent.ParseAdd("ops-script/2.1");
        client.DefaultRequestHeaders.Add("X-Change-Reason", "ticket OPS-7");

        using var response = await client.PostAsync("/api/v1/tools", WriteRequests.Json(tool));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var audit = (await _host.Store.GetAuditAsync(tool.Name)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(audit.ChangedBy, Is.EqualTo("alice@example.com"));
            Assert.That(audit.IpAddress, Is.EqualTo(ClientAddress));
            Assert.That(audit.UserAgent, Is.EqualTo("ops-script/2.1"));
            Assert.That(audit.Reason, Is.EqualTo("ticket OPS-7"));
        });
    }

    // ---- Bad bodies ----

    [Test]
    public async Task Malformed_json_gets_400_naming_the_line_and_position_and_writes_nothing()
    {
        var revision = await _host.Store.GetRevisionAsync();
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools", WriteRequests.Json("{\n  \"tool_name\": \"broken\",\n  \"version\": \"1.0\",,\n}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.BodyAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("#problem-malformed-json"));
            Assert.That(problem.GetProperty("line").GetInt64(), Is.EqualTo(3));
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("line 3"));
            Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
        });
    }

    [Test]
    public async Task Fields_of_the_wrong_type_get_400_with_each_finding_and_its_field_path()
    {
        var json = JsonNode.Parse(ToolJsonOf(NewTool()))!.AsObject();
        json["version"] = new JsonArray(1, 2);
        json["capabilities"] = 5;
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools", WriteRequests.Json(json.ToJsonString()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.BodyAsync();
        var paths = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("#problem-validation"));
        Assert.That(paths, Does.Contain("version").And.Contain("capabilities"));
        Assert.That(problem.GetProperty("errors")[0].GetProperty("code").GetString(), Is.Not.Empty);
    }

    [Test]
    public async Task Json_that_is_not_an_object_gets_400()
    {
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools", WriteRequests.Json("[1, 2, 3]"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.BodyAsync()).GetProperty("detail").GetString(), Does.Contain("an array"));
    }

    [Test]
    public async Task A_yaml_alias_bomb_is_refused_with_400_and_nothing_written()
    {
        var bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 10; i++)
        {
            var previous = (char)('a' + i - 1);
            bomb.Append(CultureInfo(i)).Append(": &").Append((char)('a' + i)).Append(" [*").Append(previous).Append(",*").Append(previous).Append(",*").Append(previous)
                .Append(",*").Append(previous).Append(",*").Append(previous).Append(",*").Append(previous).Append(",*").Append(previous).Append(",*").Append(previous).Append(",*").Append(previous).Append("]\n");
        }

        var revision = await _host.Store.GetRevisionAsync();
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools", WriteRequests.Yaml("tool_name: bomb\nversion: \"1.0\"\n" + bomb));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));

        static string CultureInfo(int i) => ((char)('a' + i)).ToString();
    }

    [Test]
    public async Task Deeply_nested_json_and_yaml_are_refused_with_400()
    {
        using var client = _host.ClientAs("admin");
        var json = "{\"tool_name\": \"deep\", \"version\": \"1.0\", \"metadata\": " + new string('[', 5000) + new string(']', 5000) + "}";
        var yaml = "tool_name: deep\nversion: \"1.0\"\nmetadata: " + new string('[', 5000) + new string(']', 5000) + "\n";

        using var fromJson = await client.PostAsync("/api/v1/tools", WriteRequests.Json(json));
        using var fromYaml = await client.PostAsync("/api/v1/tools", WriteRequests.Yaml(yaml));

        Assert.That(fromJson.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(fromYaml.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await _host.Store.GetAsync("deep"), Is.Null);
    }

    [Test]
    public async Task A_body_of_another_content_type_gets_415()
    {
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools", new StringContent("tool_name: x", Encoding.UTF8, "text/plain"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That((await response.BodyAsync()).GetProperty("type").GetString(), Does.EndWith("#problem-unsupported-media-type"));
    }

    [Test]
    public async Task A_body_over_the_limit_gets_413_whether_it_declares_its_length_or_not()
    {
        using var client = _host.ClientAs("admin");
        var huge = "{\"tool_name\": \"huge\", \"description\": \"" + new string('x', 2 * 1024 * 1024) + "\"}";

        using var declared = await client.PostAsync("/api/v1/tools", WriteRequests.Json(huge));
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tools") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await client.SendAsync(request);

        Assert.Multiple(async () =>
        {
            Assert.That(declared.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(streamed.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That((await declared.BodyAsync()).GetProperty("type").GetString(), Does.EndWith("#problem-payload-too-large"));
        });
    }

    [Test]
    public async Task Script_tags_and_sql_metacharacters_in_a_description_are_stored_unchanged_and_returned_as_inert_json()
    {
        const string hostile = "<script>alert('x')</script>'; DROP TABLE tool_catalog.tools; --";
        var tool = NewTool() with { Description = hostile };
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools", WriteRequests.Json(tool));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(raw, Does.Not.Contain("<script>"), "escaped in the JSON text");
            Assert.That(JsonDocument.Parse(raw).RootElement.GetProperty("tool").GetProperty("description").GetString(), Is.EqualTo(hostile));
            Assert.That((await _host.Store.GetAsync(tool.Name))!.Definition.Description, Is.EqualTo(hostile));
        });
    }

    [Test]
    public async Task A_name_with_script_tags_or_sql_is_refused_by_the_name_rule_and_nothing_is_written()
    {
        var revision = await _host.Store.GetRevisionAsync();
        using var client = _host.ClientAs("admin");

        using var script = await client.PostAsync("/api/v1/tools", WriteRequests.Json(NewTool() with { Name = "<script>x</script>" }));
        using var sql = await client.PostAsync("/api/v1/tools", WriteRequests.Json(NewTool() with { Name = "x'; DROP TABLE t; --" }));

        Assert.That(script.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(sql.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await script.BodyAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()), Does.Contain("tool_name"));
        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
    }

    // ---- PUT /tools/{name} ----

    [Test]
    public async Task A_changed_tool_with_a_higher_version_is_published_as_compatible_and_audited_with_the_verdict()
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("owner", "olga", tool.Name);

        using var response = await client.PutAsync($"/api/v1/tools/{tool.Name}", WriteRequests.Json(tool with { Version = "1.1", Description = "better" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var body = await response.BodyAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(body.GetProperty("action").GetString(), Is.EqualTo("published"));
            Assert.That(body.GetProperty("compatibility").GetProperty("verdict").GetString(), Is.EqualTo("compatible"));
            Assert.That(_host.Catalog.Current.FindTool(tool.Name)!.Definition.Version, Is.EqualTo("1.1"));
            var published = (await _host.Store.GetAuditAsync(tool.Name))[^1];
            Assert.That(published.ChangedBy, Is.EqualTo("olga"));
            Assert.That(JsonNode.Parse(published.Changes)!["$compatibility"]!["new"]!["verdict"]!.GetValue<string>(), Is.EqualTo("compatible"));
        });
    }

    [Test]
    public async Task An_unchanged_body_is_a_no_op_without_audit_row_or_revision()
    {
        var tool = await _host.SeedAsync(NewTool());
        var revision = await _host.Store.GetRevisionAsync();
        var audits = await _host.AuditCountAsync(tool.Name);
        using var client = _host.ClientAs("admin");

        using var response = await client.PutAsync($"/api/v1/tools/{tool.Name}", WriteRequests.Yaml(tool));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.Multiple(async () =>
        {
            Assert.That((await response.BodyAsync()).GetProperty("changed").GetBoolean(), Is.False);
            Assert.That(response.Headers.ETag!.Tag, Is.EqualTo(SnapshotETag(tool.Name)), "the tag a GET gives");
            Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
            Assert.That(await _host.AuditCountAsync(tool.Name), Is.EqualTo(audits));
        });
    }

    [Test]
    public async Task A_changed_tool_whose_version_does_not_grow_is_a_conflict()
    {
        var tool = await _host.SeedAsync(NewTool() with { Version = "2.0" });
        using var client = _host.ClientAs("admin");

        using var same = await client.PutAsync($"/api/v1/tools/{tool.Name}", WriteRequests.Json(tool with { Description = "changed" }));
        using var lower = await client.PutAsync($"/api/v1/tools/{tool.Name}", WriteRequests.Json(tool with { Version = "1.9", Description = "changed" }));

        Assert.That(same.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(lower.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await same.BodyAsync()).GetProperty("detail").GetString(), Does.Contain("bump"));
        Assert.That((await _host.Store.GetAsync(tool.Name))!.Definition.Description, Is.EqualTo(tool.Description));
    }

    [TestCase("patch", "1.0.1")]
    [TestCase("minor", "1.1")]
    [TestCase("major", "2.0")]
    public async Task The_server_bumps_the_version_when_asked(string bump, string expected)
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("admin");

        using var response = await client.PutAsync($"/api/v1/tools/{tool.Name}?bump={bump}", WriteRequests.Json(tool with { Description = "bumped" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That((await _host.Store.GetAsync(tool.Name))!.Definition.Version, Is.EqualTo(expected));
    }

    [Test]
    public async Task A_breaking_publish_is_refused_with_the_list_of_breaking_changes_unless_it_is_intended()
    {
        var tool = await _host.SeedAsync(NewTool());
        var breaking = tool with { Version = "2.0", Capabilities = [tool.Capabilities[0]] };
        var revision = await _host.Store.GetRevisionAsync();
        using var client = _host.ClientAs("admin");

        using var refused = await client.PutAsync($"/api/v1/tools/{tool.Name}", WriteRequests.Json(breaking));

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        var problem = await refused.BodyAsync();
        Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("#problem-breaking-change"));
        var changes = problem.GetProperty("compatibility").GetProperty("changes").EnumerateArray().ToList();
        Assert.That(changes.Select(c => c.GetProperty("kind").GetString()), Is.EqualTo(new[] { "capability_removed" }));
        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));

        using var allowed = await client.PutAsync($"/api/v1/tools/{tool.Name}?allow_breaking=true", WriteRequests.Json(breaking));

        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var verdict = JsonNode.Parse((await _host.Store.GetAuditAsync(tool.Name))[^1].Changes)!["$compatibility"]!["new"]!;
        Assert.That(verdict["verdict"]!.GetValue<string>(), Is.EqualTo("breaking"));
        Assert.That(verdict["allowed_breaking"]!.GetValue<bool>(), Is.True);
        Assert.That(verdict["changes"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_dry_run_publish_reports_the_verdict_and_writes_nothing()
    {
        var tool = await _host.SeedAsync(NewTool());
        var revision = await _host.Store.GetRevisionAsync();
        var audits = await _host.AuditCountAsync(tool.Name);
        using var client = _host.ClientAs("admin");

        using var response = await client.PutAsync($"/api/v1/tools/{tool.Name}?dry_run=true", WriteRequests.Json(tool with { Version = "1.5", Description = "x" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.Multiple(async () =>
        {
            var body = await response.BodyAsync();
            Assert.That(body.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(body.GetProperty("compatibility").GetProperty("verdict").GetString(), Is.EqualTo("compatible"));
            Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
            Assert.That(await _host.AuditCountAsync(tool.Name), Is.EqualTo(audits));
        });
    }

    [Test]
    public async Task A_body_naming_another_tool_than_the_path_is_refused()
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("admin");

        using var response = await client.PutAsync($"/api/v1/tools/{tool.Name}", WriteRequests.Json(NewTool() with { Version = "3.0" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.BodyAsync()).GetProperty("field").GetString(), Is.EqualTo("tool_name"));
    }

    [Test]
    public async Task Publishing_a_tool_that_does_not_exist_is_404()
    {
        var tool = NewTool();
        using var client = _host.ClientAs("admin");

        using var response = await client.PutAsync($"/api/v1/tools/{tool.Name}", WriteRequests.Json(tool));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task An_owner_of_another_tool_cannot_publish_and_leaves_no_trace()
    {
        var tool = await _host.SeedAsync(NewTool());
        var revision = await _host.Store.GetRevisionAsync();
        using var client = _host.ClientAs("owner", "mallory", "some-other-tool");

        using var response = await client.PutAsync($"/api/v1/tools/{tool.Name}", WriteRequests.Json(tool with { Version = "9.0" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
    }

    // ---- If-Match ----

    [Test]
    public async Task A_stale_if_match_gets_412_with_the_current_etag_and_revision_and_nothing_is_written()
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("admin");
        var staleTag = SnapshotETag(tool.Name);
        using var first = await client.PutAsync($"/api/v1/tools/{tool.Name}", WriteRequests.Json(tool with { Version = "1.1" }));
        var currentTag = (await first.BodyAsync()).GetProperty("etag").GetString();
        var revision = await _host.Store.GetRevisionAsync();

        using var put = await client.SendAsync(WriteRequests.WithIfMatch(HttpMethod.Put, $"/api/v1/tools/{tool.Name}", staleTag, WriteRequests.Json(tool with { Version = "1.2" })));
        using var disable = await client.SendAsync(WriteRequests.WithIfMatch(HttpMethod.Patch, $"/api/v1/tools/{tool.Name}/disable", staleTag));
        using var delete = await client.SendAsync(WriteRequests.WithIfMatch(HttpMethod.Delete, $"/api/v1/tools/{tool.Name}", staleTag));

        foreach (var response in new[] { put, disable, delete })
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            var problem = await response.BodyAsync();
            Assert.That(problem.GetProperty("current_etag").GetString(), Is.EqualTo(currentTag));
            Assert.That(problem.GetProperty("revision").GetInt64(), Is.GreaterThanOrEqualTo(revision));
        }

        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
        Assert.That((await _host.Store.GetAsync(tool.Name))!.Definition.Enabled, Is.True);
    }

    [Test]
    public async Task A_current_if_match_lets_the_write_through()
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("admin");

        var tag = SnapshotETag(tool.Name);

        using var response = await client.SendAsync(WriteRequests.WithIfMatch(HttpMethod.Patch, $"/api/v1/tools/{tool.Name}/disable", tag));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.ETag!.Tag, Is.Not.EqualTo(tag), "the state is part of the tag");
        Assert.That(response.Headers.ETag!.Tag, Is.EqualTo(SnapshotETag(tool.Name)), "the tag a GET would give");
    }

    // ---- State changes, rollback, delete ----

    [Test]
    public async Task Disable_enable_and_deprecate_change_the_state_and_repeat_as_no_ops()
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("owner", "olga", tool.Name);

        using var disabled = await client.PatchAsync($"/api/v1/tools/{tool.Name}/disable", null);
        Assert.That(_host.Catalog.Current.FindTool(tool.Name)!.Definition.Enabled, Is.False);
        using var again = await client.PatchAsync($"/api/v1/tools/{tool.Name}/disable", null);
        using var enabled = await client.PatchAsync($"/api/v1/tools/{tool.Name}/enable", null);
        Assert.That(_host.Catalog.Current.FindTool(tool.Name)!.Definition.Enabled, Is.True);
        using var deprecated = await client.PostAsync($"/api/v1/tools/{tool.Name}/deprecate", null);

        Assert.Multiple(async () =>
        {
            Assert.That((await disabled.BodyAsync()).GetProperty("changed").GetBoolean(), Is.True);
            Assert.That((await again.BodyAsync()).GetProperty("changed").GetBoolean(), Is.False);
            Assert.That((await enabled.BodyAsync()).GetProperty("action").GetString(), Is.EqualTo("enabled"));
            Assert.That(deprecated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_host.Catalog.Current.FindTool(tool.Name)!.Definition.Status, Is.EqualTo(ToolStatus.Deprecated));
            Assert.That((await _host.Store.GetAuditAsync(tool.Name)).Select(a => a.Action), Is.EqualTo(new[] { "created", "disabled", "enabled", "deprecated" }));
        });
    }

    [Test]
    public async Task Dry_runs_of_state_changes_rollback_and_delete_write_nothing()
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("admin");
        using var published = await client.PutAsync($"/api/v1/tools/{tool.Name}", WriteRequests.Json(tool with { Version = "1.1" }));
        var revision = await _host.Store.GetRevisionAsync();
        var audits = await _host.AuditCountAsync(tool.Name);

        using var disable = await client.PatchAsync($"/api/v1/tools/{tool.Name}/disable?dry_run=true", null);
        using var deprecate = await client.PostAsync($"/api/v1/tools/{tool.Name}/deprecate?dry_run=true", null);
        using var rollback = await client.PostAsync($"/api/v1/tools/{tool.Name}/rollback?dry_run=true", WriteRequests.Json("{\"to_version\": \"1.0\"}"));
        using var delete = await client.DeleteAsync($"/api/v1/tools/{tool.Name}?dry_run=true");

        foreach (var response in new[] { disable, deprecate, rollback, delete })
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            Assert.That((await response.BodyAsync()).GetProperty("dry_run").GetBoolean(), Is.True);
        }

        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
        Assert.That(await _host.AuditCountAsync(tool.Name), Is.EqualTo(audits));
    }

    [Test]
    public async Task Rollback_makes_an_earlier_version_the_latest_again()
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("owner", "olga", tool.Name);
        using var published = await client.PutAsync($"/api/v1/tools/{tool.Name}", WriteRequests.Json(tool with { Version = "1.1", Description = "newer" }));

        using var response = await client.PostAsync($"/api/v1/tools/{tool.Name}/rollback", WriteRequests.Json("{\"to_version\": \"1.0\"}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(_host.Catalog.Current.FindTool(tool.Name)!.Definition.Version, Is.EqualTo("1.0"));
        Assert.That((await _host.Store.GetAuditAsync(tool.Name))[^1].Action, Is.EqualTo("rolled_back"));
    }

    [Test]
    public async Task Rollback_without_a_version_is_400_to_an_unknown_version_404_and_with_unknown_fields_400()
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("admin");

        using var missing = await client.PostAsync($"/api/v1/tools/{tool.Name}/rollback", WriteRequests.Json("{}"));
        using var unknown = await client.PostAsync($"/api/v1/tools/{tool.Name}/rollback", WriteRequests.Json("{\"to_version\": \"7.7\"}"));
        using var extra = await client.PostAsync($"/api/v1/tools/{tool.Name}/rollback", WriteRequests.Json("{\"to_version\": \"1.0\", \"force\": true}"));
        using var wrongType = await client.PostAsync($"/api/v1/tools/{tool.Name}/rollback", WriteRequests.Json("{\"to_version\": 1.0}"));

        Assert.Multiple(() =>
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(extra.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(wrongType.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        });
    }

    [Test]
    public async Task Delete_removes_the_tool_from_the_snapshot_and_audits_it()
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("owner", "olga", tool.Name);

        using var response = await client.DeleteAsync($"/api/v1/tools/{tool.Name}");
        using var again = await client.DeleteAsync($"/api/v1/tools/{tool.Name}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(_host.Catalog.Current.FindTool(tool.Name), Is.Null);
        Assert.That((await _host.Store.GetAuditAsync(tool.Name))[^1].Action, Is.EqualTo("deleted"));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("hard=true")]
    [TestCase("force=true")]
    public async Task A_tool_owner_may_not_delete_for_good_and_nothing_is_deleted(string query)
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("owner", "olga", tool.Name);

        using var response = await client.DeleteAsync($"/api/v1/tools/{tool.Name}?{query}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), await response.Content.ReadAsStringAsync());
        Assert.That(await _host.Store.GetAsync(tool.Name), Is.Not.Null);
        Assert.That(_host.Catalog.Current.FindTool(tool.Name), Is.Not.Null);
    }

    [Test]
    public async Task A_bad_query_flag_is_400_naming_it()
    {
        var tool = await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("admin");

        using var response = await client.DeleteAsync($"/api/v1/tools/{tool.Name}?dry_run=maybe");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.BodyAsync()).GetProperty("field").GetString(), Is.EqualTo("dry_run"));
        Assert.That(await _host.Store.GetAsync(tool.Name), Is.Not.Null);
    }

    // ---- Validate ----

    [Test]
    public async Task A_viewer_validates_a_body_and_gets_200_with_the_findings_valid_or_not()
    {
        var tool = NewTool();
        using var client = _host.ClientAs("viewer");

        using var valid = await client.PostAsync($"/api/v1/tools/{tool.Name}/validate", WriteRequests.Yaml(tool));
        using var invalid = await client.PostAsync($"/api/v1/tools/{tool.Name}/validate", WriteRequests.Yaml("tool_name: " + tool.Name + "\nversion: 1.0\ncapabilities: 5\n"));

        Assert.That(valid.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var bad = await invalid.BodyAsync();
        Assert.Multiple(async () =>
        {
            Assert.That((await valid.BodyAsync()).GetProperty("valid").GetBoolean(), Is.True);
            Assert.That(bad.GetProperty("valid").GetBoolean(), Is.False);
            var capabilities = bad.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("path").GetString() == "capabilities");
            Assert.That(capabilities.GetProperty("line").GetInt32(), Is.EqualTo(3), "a YAML body's findings carry their line");
            Assert.That(await _host.Store.GetAsync(tool.Name), Is.Null);
        });
    }

    private ToolDefinition NewTool() => GeneratedTools.Create(Interlocked.Increment(ref _next), capabilities: 2, patterns: 2, prefix: "writes");

    private static string ToolJsonOf(ToolDefinition tool) => OpsConductor.ToolCatalog.Storage.Json.ToolJson.ToJson(tool);

    private string SnapshotETag(string name) => OpsConductor.ToolCatalog.AspNetCore.Http.ToolETag.Of(_host.Catalog.Current.FindTool(name)!.Definition);

    /// <summary>Gives every request a client address (the test server gives none), so the audit's IP can be checked.</summary>
    private sealed class FixedClientAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= IPAddress.Parse(ClientAddress);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
