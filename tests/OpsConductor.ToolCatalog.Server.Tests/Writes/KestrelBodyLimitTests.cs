using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Server.Tests.Writes;

/// <summary>The body limits over a real Kestrel server (the test server has no request size feature of its own).</summary>
[TestFixture]
public sealed class KestrelBodyLimitTests
{
    private TestDatabase _database = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartKestrel()
    {
        _database = await TestDatabase.CreateAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Limits.MaxRequestBodySize = 1_000_000).UseUrls("http://127.0.0.1:0");
        builder.Services.AddToolCatalog(o => o.ConnectionString = _database.ConnectionString);
        builder.Services.AddToolCatalogServer(o =>
        {
            o.MaxRequestBodyBytes = 64 * 1024;
            o.MaxImportBodyBytes = 2 * 1024 * 1024;
        });
        builder.Services.AddAuthentication(TestAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null);
        // Through a delegate: a direct call would be intercepted by the OpenAPI XML-comment generator, which this
        // test project does not enable (the document's shape is what is tested here, not its comments).
        Func<IServiceCollection, IServiceCollection> addOpenApi = OpenApiServiceCollectionExtensions.AddOpenApi;
        addOpenApi(builder.Services);
        _app = builder.Build();
        _app.MapToolCatalogApi();
        _app.MapOpenApi();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
        _client.DefaultRequestHeaders.Add(TestAuthenticationHandler.RoleHeader, "admin");
    }

    [OneTimeTearDown]
    public async Task StopKestrel()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task A_body_over_the_limit_gets_a_413_problem_whether_its_length_is_declared_or_it_is_chunked()
    {
        var huge = Encoding.UTF8.GetBytes("{\"tool_name\": \"huge\", \"description\": \"" + new string('x', 200 * 1024) + "\"}");
        var declared = new ByteArrayContent(huge);
        declared.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var chunked = new StreamContent(new MemoryStream(huge));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tools") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;

        using var withLength = await _client.PostAsync("/api/v1/tools", declared);
        using var streamed = await _client.SendAsync(request);

        Assert.Multiple(async () =>
        {
            Assert.That(withLength.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(streamed.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(streamed.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(await streamed.Content.ReadAsStringAsync(), Does.Contain("#problem-payload-too-large"));
        });
    }

    [Test]
    public async Task The_openapi_document_describes_the_tool_and_import_bodies_by_content_type()
    {
        using var response = await _client.GetAsync("/openapi/v1.json");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        var create = paths.GetProperty("/api/v1/tools").GetProperty("post");
        var import = paths.GetProperty("/api/v1/tools/import").GetProperty("post");
        Assert.Multiple(() =>
        {
            Assert.That(create.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "application/json", "application/yaml", "application/x-yaml", "text/yaml" }));
            Assert.That(create.GetProperty("responses").EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[] { "201", "400", "409", "413", "415" }));
            Assert.That(import.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "multipart/form-data", "application/zip" }));
        });
    }

    [Test]
    public async Task An_import_may_be_larger_than_kestrels_own_limit_up_to_the_import_limit()
    {
        // 1.5 MB of little-compressible files: over Kestrel's 1 MB server limit, under the 2 MiB import limit.
        var random = new Random(3);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var noise = new byte[1_500_000];
            random.NextBytes(noise);
            var text = "# " + Convert.ToBase64String(noise) + "\n" + ToolYamlWriter.Write(GeneratedTools.Create(1, prefix: "kestrel"));
            using var stream = zip.CreateEntry("big.yaml", CompressionLevel.NoCompression).Open();
            stream.Write(Encoding.UTF8.GetBytes(text));
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        Assert.That(content.Headers.ContentLength ?? buffer.Length, Is.GreaterThan(1_000_000));

        using var response = await _client.PostAsync("/api/v1/tools/import", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }
}
