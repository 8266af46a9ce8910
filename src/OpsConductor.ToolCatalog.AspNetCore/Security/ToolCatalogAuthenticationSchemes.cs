namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>
/// The authentication schemes <c>AddToolCatalogServer</c> registers. <see cref="Default"/> is the host's default scheme:
/// it reads a request's API key with <see cref="ApiKey"/> and its other bearer tokens with <see cref="Jwt"/>.
/// </summary>
public static class ToolCatalogAuthenticationSchemes
{
    /// <summary>The default scheme: forwards to <see cref="ApiKey"/> for <c>X-Api-Key</c> or a <c>Bearer tc_…</c> key, else to <see cref="Jwt"/> when tokens are configured.</summary>
    public const string Default = "ToolCatalog";

    /// <summary>API keys (<c>toolcatalog keys create</c>); also answers every challenge (401) and refusal (403) with a problem.</summary>
    public const string ApiKey = "ToolCatalog.ApiKey";

    /// <summary>Bearer tokens from an OpenID Connect provider (<c>JwtBearerOptions</c> of this name; configure them in tests).</summary>
    public const string Jwt = "ToolCatalog.Jwt";
}
