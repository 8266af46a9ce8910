using System.Text.Json;
using Microsoft.AspNetCore.Http;

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
    /// Reads the body as <typeparamref name="T"/>, or gives the problem to return: 415 for another content type, 400 for
    /// an empty body, malformed JSON or a value of the wrong type (naming the JSON path, line and position).
    /// </summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!IsJson(request))
        {
            return (null, ApiProblems.UnsupportedMediaType(request.ContentType, "application/json"));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken).ConfigureAwait(false);
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
