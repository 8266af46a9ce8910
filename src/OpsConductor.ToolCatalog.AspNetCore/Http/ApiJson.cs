using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>
/// The API's JSON: snake_case names (every contract type spells them with <c>[JsonPropertyName]</c>, so the host's own
/// JSON settings change nothing here), request bodies read by hand so that malformed JSON gets a problem naming the
/// line and position instead of the framework's bare 400.
/// </summary>
internal static class ApiJson
{
    /// <summary>The options of every body the API reads or writes.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 64,
    };

    /// <summary>Whether the request says its body is JSON (<c>application/json</c> or <c>application/*+json</c>).</summary>
    public static bool IsJson(HttpRequest request) =>
        request.ContentType is { } type
        && (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.Split(';')[0].EndsWith("+json", StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Reads the body as <typeparamref name="T"/>, or gives the problem to return: 415 for another content type, 413 for a
    /// body over <see cref="ToolCatalogServerOptions.MaxRequestBodyBytes"/>, 400 for an empty body, malformed JSON or a
    /// value of the wrong type (naming the JSON path, line and position).
    /// </summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!IsJson(request))
        {
            return (null, ApiProblems.UnsupportedMediaType(request.ContentType, "application/json"));
        }

        var (body, tooLarge) = await ApiBody.ReadAsync(request, ApiBody.Limits(request).MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }

        try
        {
            var value = body!.Length == 0 ? null : JsonSerializer.Deserialize<T>(body, Options);
            return value is null
                ? (null, ApiProblems.BadRequest("The request body is empty or null; a JSON object is required.", "body"))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiProblems.MalformedJson(ex));
        }
    }
}

/// <summary>
/// Request bodies read within a limit: a <c>Content-Length</c> over it is refused before reading, and a body that grows
/// past it (chunked, or lying about its length) is refused as soon as it does, under Kestrel (whose own limit is set to
/// the same value for the request) and the test server alike. Nothing past the limit is buffered.
/// </summary>
internal static class ApiBody
{
    /// <summary>The server's limits.</summary>
    public static ToolCatalogServerOptions Limits(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<IOptions<ToolCatalogServerOptions>>().Value;

    /// <summary>Whether the request has a body at all (a length above 0, or chunked).</summary>
    public static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>The whole body, or the 413 problem when it is longer than <paramref name="limit"/> bytes.</summary>
    public static async Task<(byte[]? Body, IResult? Problem)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > limit)
        {
            return (null, ApiProblems.PayloadTooLarge(limit, declared));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // Kestrel's own check (30 MB by default) would refuse an import below our limit, or let a larger body in.
            size.MaxRequestBodySize = limit;
        }

        if (request.ContentLength is { } length and <= SmallBody)
        {
            return await ReadSmallAsync(request, (int)length, limit, cancellationToken).ConfigureAwait(false);
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (buffer.Length + read > limit)
                {
                    return (null, ApiProblems.PayloadTooLarge(limit, null));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiProblems.PayloadTooLarge(limit, null));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return (buffer.ToArray(), null);
    }

    /// <summary>
    /// A body of a declared length up to this many bytes is read into an array of exactly that size (a selection, a tool):
    /// no growing buffer and no copy. A larger declared length is not allocated up front, whatever a client declares.
    /// </summary>
    private const int SmallBody = 64 * 1024;

    private static async Task<(byte[]? Body, IResult? Problem)> ReadSmallAsync(HttpRequest request, int length, long limit, CancellationToken cancellationToken)
    {
        var body = new byte[length];
        var filled = 0;
        try
        {
            while (filled < length)
            {
                var read = await request.Body.ReadAsync(body.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiProblems.PayloadTooLarge(limit, null));
        }

        return (filled == length ? body : body[..filled], null);
    }
}
