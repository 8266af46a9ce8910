using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace OpsConductor.ToolCatalog.Admin.Security;

/// <summary>
/// Blazor's script (<c>blazor.web.js</c> of the framework version this assembly was built with), embedded in the assembly
/// and served at <see cref="Path"/>: anonymous (the sign-in page loads it too), with a strong ETag and revalidation.
/// </summary>
internal static class AdminScript
{
    public const string Path = ToolCatalogAdmin.Path + "/_framework/blazor.web.js";

    private const string ResourceName = "OpsConductor.ToolCatalog.Admin.blazor.web.js";

    private static readonly Lazy<(byte[] Content, EntityTagHeaderValue ETag)> Script = new(static () =>
    {
        using var stream = typeof(AdminScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The admin UI's assembly has no resource '{ResourceName}': it was built without Blazor's script.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        return (content, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\""));
    });

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, static (HttpContext http) =>
            {
                var (content, etag) = Script.Value;
                http.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(content, "text/javascript", entityTag: etag);
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
}
