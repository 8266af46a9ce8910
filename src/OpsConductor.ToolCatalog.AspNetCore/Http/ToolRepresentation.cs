using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>
/// How a tool goes out of the API: its document (the canonical YAML as JSON, <see cref="ToolJson.ToJson"/>, with the tool
/// file's own field names and its state), its <c>ETag</c>, and its summary line for lists. The document is rendered once
/// per tool definition (definitions are immutable and shared by the snapshot), so serving a tool copies bytes.
/// </summary>
internal static class ToolRepresentation
{
    private static readonly ConditionalWeakTable<ToolDefinition, Rendered> Cache = [];
    private static readonly JsonSerializerOptions EscapedJson = new() { Encoder = JavaScriptEncoder.Default };

    /// <summary>The tool's document as compact UTF-8 JSON (do not modify the array).</summary>
    public static byte[] Utf8(ToolDefinition tool) => Render(tool).Utf8;

    /// <summary>The tool's document as a JSON value, to embed in a response record (a write's result, a version).</summary>
    public static JsonElement Document(ToolDefinition tool) => Render(tool).Element;

    /// <summary>
    /// <c>200</c> with the tool's document and its <c>ETag</c>, or <c>304</c> (with the <c>ETag</c>, no body) when the
    /// request's <c>If-None-Match</c> names the current tag.
    /// </summary>
    public static IResult Ok(HttpRequest request, ToolDefinition tool) =>
        NoneMatch(request.Headers.IfNoneMatch.ToString(), tool)
            ? new NotModifiedResult(ToolETag.Of(tool))
            : new DocumentResult(tool);

    /// <summary>
    /// <c>200</c> with <paramref name="value"/> as the API's JSON (<see cref="ApiJson.Options"/>): its own escaping of
    /// what HTML would interpret, whatever the host's JSON settings, so text from the catalog is inert everywhere.
    /// </summary>
    public static JsonHttpResult<T> Json<T>(T value) => TypedResults.Json(value, ApiJson.Options);

    /// <summary>A caller's value as a problem's detail repeats it: at most 100 characters (then an ellipsis), so a huge value is not sent back whole.</summary>
    public static string Echo(string value) => value.Length <= 100 ? value : string.Concat(value.AsSpan(0, 100), "…");

    /// <summary>The tool's line in a list.</summary>
    public static ToolSummaryResponse Summary(ToolDefinition tool) => new(
        tool.Name,
        tool.Version,
        tool.Description,
        tool.Platform,
        tool.Category,
        tool.Status.ToWire(),
        tool.Enabled,
        [.. tool.Capabilities.Select(static c => c.Name)],
        [.. tool.Tags]);

    /// <summary>
    /// Whether an <c>If-None-Match</c> value names <paramref name="tool"/>'s current tag: <c>*</c>, or one entry equal to
    /// it under weak comparison (RFC 9110 §13.1.2: <c>W/</c> is ignored).
    /// </summary>
    public static bool NoneMatch(string ifNoneMatch, ToolDefinition tool)
    {
        if (string.IsNullOrWhiteSpace(ifNoneMatch))
        {
            return false;
        }

        var tag = ToolETag.Of(tool);
        foreach (var part in ifNoneMatch.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var opaque = part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part;
            if (opaque == "*" || string.Equals(opaque, tag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static Rendered Render(ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return Cache.GetValue(tool, static t =>
        {
            // ToolJson writes text as it is (relaxed escaping, for files and diffs); the API escapes what HTML would
            // interpret (<, >, &, ', +) and non-ASCII, so a hostile name or description is inert wherever it lands.
            var element = JsonElement.Parse(ToolJson.ToJson(t, indented: false));
            return new Rendered(JsonSerializer.SerializeToUtf8Bytes(element, EscapedJson), element);
        });
    }

    private sealed class Rendered(byte[] utf8, JsonElement element)
    {
        public byte[] Utf8 { get; } = utf8;

        public JsonElement Element { get; } = element;
    }

    /// <summary>The document, its <c>ETag</c>, as <c>application/json</c>.</summary>
    private sealed class DocumentResult(ToolDefinition tool) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => StatusCodes.Status200OK;

        public string ContentType => "application/json; charset=utf-8";

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var body = Utf8(tool);
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            response.ContentLength = body.Length;
            response.Headers.ETag = ToolETag.Of(tool);
            return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }

    /// <summary><c>304 Not Modified</c> with the current <c>ETag</c>.</summary>
    private sealed class NotModifiedResult(string etag) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => StatusCodes.Status304NotModified;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
            httpContext.Response.Headers[HeaderNames.ETag] = etag;
            return Task.CompletedTask;
        }
    }
}
