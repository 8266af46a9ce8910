using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Server.Tests.Writes;

/// <summary>POST /tools/import (multipart or zip, hardened) and POST /tools/export (zip of the canonical tree).</summary>
[TestFixture]
public sealed class ImportExportEndpointTests
{
    private ServerHost _host = null!;
    private int _next;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync(h => h.ConfigureServices(s => s.Configure<ToolCatalogServerOptions>(o =>
    {
        o.MaxImportBodyBytes = 2 * 1024 * 1024;
        o.MaxImportUncompressedBytes = 3 * 1024 * 1024;
        o.MaxImportFiles = 50;
    })));

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task An_admin_imports_yaml_files_as_multipart_and_gets_a_line_per_tool()
    {
        var (a, b) = (NewTool(), NewTool());
        using var client = _host.ClientAs("admin", "importer");

        using var response = await client.PostAsync("/api/v1/tools/import", Multipart(("a.yaml", ToolYamlWriter.Write(a)), ("b.yml", ToolYamlWriter.Write(b))));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var tools = (await response.BodyAsync()).GetProperty("tools").EnumerateArray().ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(tools.Select(t => (t.GetProperty("file").GetString(), t.GetProperty("tool_name").GetString(), t.GetProperty("outcome").GetString())),
                Is.EqualTo(new[] { ("a.yaml", a.Name, "new_tool"), ("b.yml", b.Name, "new_tool") }));
            Assert.That(_host.Catalog.Current.FindTool(a.Name), Is.Not.Null, "read-your-writes");
            Assert.That((await _host.Store.GetAuditAsync(b.Name)).Single().ChangedBy, Is.EqualTo("importer"));
        });
    }

    [Test]
    public async Task One_invalid_file_refuses_the_whole_import_with_each_files_findings()
    {
        var good = NewTool();
        var revision = await _host.Store.GetRevisionAsync();
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools/import", Multipart(("good.yaml", ToolYamlWriter.Write(good)), ("bad.yaml", "tool_name: bad\nversion: 1.0\ncapabilities: 5\n")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var files = (await response.BodyAsync()).GetProperty("files").EnumerateArray().ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(files.Select(f => f.GetProperty("file").GetString()), Is.EqualTo(new[] { "bad.yaml" }));
            Assert.That(files[0].GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("path").GetString()), Does.Contain("capabilities"));
            Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
            Assert.That(await _host.Store.GetAsync(good.Name), Is.Null);
        });
    }

    [Test]
    public async Task A_zip_is_imported_and_a_dry_run_of_it_writes_nothing()
    {
        var (a, b) = (NewTool(), NewTool());
        var zip = Zip(("linux/a.yaml", ToolYamlWriter.Write(a)), ("windows/b.yaml", ToolYamlWriter.Write(b)), ("linux/", null));
        using var client = _host.ClientAs("admin");
        var revision = await _host.Store.GetRevisionAsync();

        using var dry = await client.PostAsync("/api/v1/tools/import?dry_run=true", ZipContent(zip));
        Assert.That(dry.StatusCode, Is.EqualTo(HttpStatusCode.OK), await dry.Content.ReadAsStringAsync());
        var dryBody = await dry.BodyAsync();
        Assert.That(dryBody.GetProperty("dry_run").GetBoolean(), Is.True);
        Assert.That(dryBody.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("outcome").GetString()), Is.EqualTo(new[] { "new_tool", "new_tool" }));
        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
        Assert.That(await _host.AuditCountAsync(a.Name), Is.Zero);

        using var real = await client.PostAsync("/api/v1/tools/import", ZipContent(zip));

        Assert.That(real.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await real.BodyAsync()).GetProperty("tools")[0].GetProperty("file").GetString(), Is.EqualTo("linux/a.yaml"));
        Assert.That(_host.Catalog.Current.FindTool(b.Name), Is.Not.Null);
    }

    [TestCase("../evil.yaml")]
    [TestCase("/etc/evil.yaml")]
    [TestCase("tools/../../evil.yaml")]
    [TestCase("tools\\..\\evil.yaml")]
    [TestCase("c:/evil.yaml")]
    public async Task A_zip_entry_that_leaves_the_import_is_refused(string entry)
    {
        var revision = await _host.Store.GetRevisionAsync();
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools/import", ZipContent(Zip((entry, ToolYamlWriter.Write(NewTool())))));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.BodyAsync()).GetProperty("detail").GetString(), Does.Contain("relative path"));
        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
    }

    [Test]
    public async Task Only_yaml_files_are_taken_and_hidden_ones_are_skipped()
    {
        var tool = NewTool();
        using var client = _host.ClientAs("admin");

        using var script = await client.PostAsync("/api/v1/tools/import", ZipContent(Zip(("a.yaml", ToolYamlWriter.Write(NewTool())), ("run.sh", "rm -rf /"))));
        using var hidden = await client.PostAsync("/api/v1/tools/import", ZipContent(Zip(("t.yaml", ToolYamlWriter.Write(tool)), ("__MACOSX/._t.yaml", "\0\u0005binary"))));

        Assert.That(script.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await script.BodyAsync()).GetProperty("detail").GetString(), Does.Contain("run.sh"));
        Assert.That(hidden.StatusCode, Is.EqualTo(HttpStatusCode.OK), await hidden.Content.ReadAsStringAsync());
        Assert.That((await hidden.BodyAsync()).GetProperty("files")[0].GetProperty("status").GetString(), Is.EqualTo("skipped"));
    }

    [Test]
    public async Task A_zip_bomb_is_refused_by_its_expansion_ratio_before_it_is_expanded()
    {
        var bomb = Zip(("bomb.yaml", "tool_name: bomb\n" + new string(' ', 3 * 1024 * 1024)));
        Assert.That(bomb, Has.Length.LessThan(64 * 1024), "the fixture is a real bomb");
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools/import", ZipContent(bomb));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.BodyAsync()).GetProperty("detail").GetString(), Does.Contain("zip bomb"));
    }

    [Test]
    public async Task Files_that_expand_past_the_total_limit_get_413()
    {
        // Text that does not compress much (below the ratio limit) but adds up past the 3 MiB total of this host.
        var random = new Random(7);
        string Noise() => "# " + string.Concat(Enumerable.Range(0, 900 * 1024 / 16).Select(_ => Convert.ToHexString(BitConverter.GetBytes(random.NextInt64())))) + "\n";
        var zip = Zip(Enumerable.Range(0, 4).Select(i => ($"noise{i}.yaml", (string?)(Noise() + ToolYamlWriter.Write(NewTool())))).ToArray());
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools/import", ZipContent(zip));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Too_many_files_or_too_large_a_body_get_413_and_another_content_type_415()
    {
        using var client = _host.ClientAs("admin");

        using var many = await client.PostAsync("/api/v1/tools/import", ZipContent(Zip(Enumerable.Range(0, 51).Select(i => ($"f{i}.yaml", (string?)"x: 1")).ToArray())));
        using var large = await client.PostAsync("/api/v1/tools/import", ZipContent(new byte[3 * 1024 * 1024]));
        using var json = await client.PostAsync("/api/v1/tools/import", WriteRequests.Json("{}"));

        Assert.Multiple(() =>
        {
            Assert.That(many.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(large.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(json.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        });
    }

    [Test]
    public async Task A_body_that_is_not_a_zip_is_400()
    {
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools/import", ZipContent(Encoding.UTF8.GetBytes("PK but not really a zip")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task An_existing_version_with_other_content_refuses_the_import_with_409()
    {
        var tool = await _host.SeedAsync(NewTool());
        var revision = await _host.Store.GetRevisionAsync();
        using var client = _host.ClientAs("admin");

        using var response = await client.PostAsync("/api/v1/tools/import", Multipart(("t.yaml", ToolYamlWriter.Write(tool with { Description = "changed in place" }))));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), await response.Content.ReadAsStringAsync());
        Assert.That((await response.BodyAsync()).GetProperty("tools")[0].GetProperty("outcome").GetString(), Is.EqualTo("refused"));
        Assert.That(await _host.Store.GetRevisionAsync(), Is.EqualTo(revision));
    }

    [Test]
    public async Task A_viewer_cannot_import()
    {
        using var client = _host.ClientAs("viewer");

        using var response = await client.PostAsync("/api/v1/tools/import", Multipart(("a.yaml", ToolYamlWriter.Write(NewTool()))));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Export_returns_a_zip_of_the_canonical_tree_that_imports_back_unchanged()
    {
        var tool = await _host.SeedAsync(NewTool() with { Platform = "linux" });
        using var client = _host.ClientAs("viewer");

        using var response = await client.PostAsync("/api/v1/tools/export", WriteRequests.Json("{\"platform\": \"linux\"}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/zip"));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using (var zip = new ZipArchive(new MemoryStream(bytes)))
        {
            Assert.That(zip.Entries.Select(e => e.FullName), Does.Contain($"linux/{tool.Name}.yaml"));
            Assert.That(zip.Entries.Select(e => e.FullName), Has.All.StartWith("linux/"));
        }

        using var admin = _host.ClientAs("admin");
        using var reimport = await admin.PostAsync("/api/v1/tools/import", ZipContent(bytes));
        Assert.That(reimport.StatusCode, Is.EqualTo(HttpStatusCode.OK), await reimport.Content.ReadAsStringAsync());
        Assert.That((await reimport.BodyAsync()).GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("outcome").GetString()), Has.All.EqualTo("unchanged"));
    }

    [Test]
    public async Task Export_without_a_body_exports_everything_and_a_bad_filter_is_400()
    {
        await _host.SeedAsync(NewTool());
        using var client = _host.ClientAs("viewer");

        using var all = await client.PostAsync("/api/v1/tools/export", null);
        using var bad = await client.PostAsync("/api/v1/tools/export", WriteRequests.Json("{\"status\": \"sleeping\"}"));
        using var unknown = await client.PostAsync("/api/v1/tools/export", WriteRequests.Json("{\"owner\": \"x\"}"));

        Assert.That(all.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(new ZipArchive(new MemoryStream(await all.Content.ReadAsByteArrayAsync())).Entries, Is.Not.Empty);
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await bad.BodyAsync()).GetProperty("field").GetString(), Is.EqualTo("status"));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    private ToolDefinition NewTool() => GeneratedTools.Create(Interlocked.Increment(ref _next), capabilities: 1, patterns: 1, prefix: "imported");

    private static MultipartFormDataContent Multipart(params (string Name, string Text)[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, text) in files)
        {
            var file = new StringContent(text, Encoding.UTF8);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
            content.Add(file, "files", name);
        }

        return content;
    }

    private static byte[] Zip(params (string Name, string? Text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize);
                if (text is not null)
                {
                    using var stream = entry.Open();
                    stream.Write(Encoding.UTF8.GetBytes(text));
                }
            }
        }

        return buffer.ToArray();
    }

    private static ByteArrayContent ZipContent(byte[] zip)
    {
        var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }
}
