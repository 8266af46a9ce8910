using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpsConductor.ToolCatalog.Server.Tests.Reads;

/// <summary>Small helpers of the read tests: JSON bodies, problems, and walking every page of a list.</summary>
internal static class ReadApi
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await response.JsonAsync();
    }

    /// <summary>Asserts a problem of <paramref name="status"/> whose <c>field</c> (when given) is the one named, and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpClient client, string path, HttpStatusCode status, string? field = null)
    {
        using var response = await client.GetAsync(path);
        return await response.ProblemAsync(status, field);
    }

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        if (field is not null)
        {
            Assert.That(problem.GetProperty("field").GetString(), Is.EqualTo(field), text);
        }

        return problem;
    }

    /// <summary>Follows <c>next_cursor</c> from <paramref name="path"/> (which has a query already or not) to the last page; returns every page.</summary>
    public static async Task<List<JsonElement>> AllPagesAsync(this HttpClient client, string path)
    {
        var pages = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await client.GetJsonAsync(cursor is null ? path : $"{path}{separator}cursor={Uri.EscapeDataString(cursor)}");
            pages.Add(page);
            cursor = page.GetProperty("next_cursor").GetString();
            Assert.That(pages, Has.Count.LessThan(1000), "the cursor never ends");
        }
        while (cursor is not null);
        return pages;
    }

    public static List<string> Names(this IEnumerable<JsonElement> pages, string property = "tool_name") =>
        [.. pages.SelectMany(p => p.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty(property).GetString()!)];
}
