using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Server.Tests.Writes;

/// <summary>Bodies and reads shared by the write tests.</summary>
internal static class WriteRequests
{
    /// <summary>The tool as JSON, the tool file's structure (what <c>curl -d @new_tool.json</c> sends).</summary>
    public static StringContent Json(ToolDefinition tool) => Json(ToolJson.ToJson(tool));

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The tool as its canonical YAML file.</summary>
    public static StringContent Yaml(ToolDefinition tool, string contentType = "application/yaml") => Yaml(ToolYamlWriter.Write(tool), contentType);

    public static StringContent Yaml(string yaml, string contentType = "application/yaml")
    {
        var content = new StringContent(yaml, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    public static async Task<JsonElement> BodyAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The number of audit rows of <paramref name="tool"/>.</summary>
    public static async Task<int> AuditCountAsync(this ServerHost host, string tool) => (await host.Store.GetAuditAsync(tool)).Count;

    /// <summary>A request with <c>If-Match</c>.</summary>
    public static HttpRequestMessage WithIfMatch(HttpMethod method, string path, string etag, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }

    /// <summary>Creates <paramref name="tool"/> through the store and waits until the host's snapshot has it.</summary>
    public static async Task<ToolDefinition> SeedAsync(this ServerHost host, ToolDefinition tool)
    {
        var written = await host.Store.CreateAsync(tool);
        await host.Catalog.WaitForRevisionAsync(written.Revision);
        return tool;
    }
}
