using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.Server.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Hosting;

/// <summary>The OpenAPI document at /openapi/v1.json and the reference page at /api/docs.</summary>
[TestFixture]
public sealed partial class OpenApiDocumentTests
{
    private ServerHost _host = null!;
    private JsonElement _document;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = await ServerHost.StartAsync();
        using var client = _host.Anonymous();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "anyone reads the document, signed in or not");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        _document = json.RootElement.Clone();
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [GeneratedRegex(@"\{\*?([^}:?=]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    [Test]
    public void The_document_is_OpenAPI_with_the_catalogs_title_and_the_revision_endpoint()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_document.GetProperty("openapi").GetString(), Does.StartWith("3."));
            Assert.That(_document.GetProperty("info").GetProperty("title").GetString(), Is.EqualTo("OpsConductor Tool Catalog API"));
            Assert.That(_document.GetProperty("info").GetProperty("version").GetString(), Is.EqualTo("v1"));
            Assert.That(_document.GetProperty("paths").TryGetProperty("/api/v1/revision", out var revision), Is.True);
            Assert.That(revision.TryGetProperty("get", out _), Is.True);
        });
    }

    [Test]
    public void Every_endpoint_of_the_API_is_in_the_document_with_its_method()
    {
        var endpoints = _host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/api/v1", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .ToList();
        var paths = _document.GetProperty("paths");

        Assert.That(endpoints, Is.Not.Empty);
        var missing = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var path = RouteParameter().Replace(endpoint.RoutePattern.RawText!, "{$1}");
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out _))
                {
                    missing.Add($"{method} {path}");
                }
            }
        }

        Assert.That(missing, Is.Empty, "endpoints mapped under /api/v1 but not in /openapi/v1.json");
    }

    [Test]
    public void The_document_holds_only_the_API_not_the_hosts_other_endpoints()
    {
        var paths = _document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.That(paths, Is.All.StartsWith("/api/v1/"));
        Assert.That(paths, Has.None.EqualTo("/health/live").And.None.EqualTo("/metrics").And.None.EqualTo("/openapi/{documentName}.json"));
    }

    [Test]
    public void Both_ways_to_sign_in_are_declared_and_required_by_every_API_operation_with_its_401_and_403()
    {
        var schemes = _document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Multiple(() =>
        {
            Assert.That(schemes.GetProperty("bearer").GetProperty("type").GetString(), Is.EqualTo("http"));
            Assert.That(schemes.GetProperty("bearer").GetProperty("scheme").GetString(), Is.EqualTo("bearer"));
            Assert.That(schemes.GetProperty("api_key").GetProperty("type").GetString(), Is.EqualTo("apiKey"));
            Assert.That(schemes.GetProperty("api_key").GetProperty("in").GetString(), Is.EqualTo("header"));
            Assert.That(schemes.GetProperty("api_key").GetProperty("name").GetString(), Is.EqualTo("X-Api-Key"));
        });

        var operations = _document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete").Select(o => (Name: $"{o.Name} {path.Name}", Operation: o.Value)))
            .ToList();
        Assert.That(operations, Is.Not.Empty);
        foreach (var (name, operation) in operations)
        {
            var required = operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToList();
            var responses = operation.GetProperty("responses");
            Assert.Multiple(() =>
            {
                Assert.That(required, Is.EquivalentTo(new[] { "bearer", "api_key" }), name);
                Assert.That(responses.TryGetProperty("401", out _), Is.True, name);
                Assert.That(responses.TryGetProperty("403", out _), Is.True, name);
            });
        }
    }

    [Test]
    public async Task The_reference_page_answers_html_to_anyone_and_reads_the_document()
    {
        using var client = _host.Anonymous();

        using var response = await client.GetAsync("/api/docs");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        // Scalar gives the document's route relative to the application's root (its script resolves it so).
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"url\":\"openapi/v1.json\""));
        using var script = await client.GetAsync("/api/docs/scalar.aspnetcore.js");
        Assert.That(script.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the page's own script is served beside it");
    }
}
