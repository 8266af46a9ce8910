using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsConductor.ToolCatalog.AspNetCore.Security;

namespace OpsConductor.ToolCatalog.Admin.Security;

/// <summary>
/// The admin UI's sign-in (a form POST of an API key, checked with <see cref="ApiKeyStore.ValidateAsync"/>, answered
/// with the admin cookie carrying the key's principal, role and tools, never the key) and sign-out. Both check the form's
/// antiforgery token.
/// </summary>
internal static class AdminSignInEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(ToolCatalogAdmin.SignInPostPath, SignInAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        endpoints.MapPost(ToolCatalogAdmin.SignOutPath, SignOutAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
    }

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, ApiKeyStore keys)
    {
        // Checked here rather than by the antiforgery middleware, so that it is checked whatever order a host's
        // middleware runs in (the token of the sign-in form belongs to the anonymous user).
        if (!await antiforgery.IsRequestValidAsync(http) || !http.Request.HasFormContentType)
        {
            return Results.Redirect(SignInPage("form"));
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = LocalUrl(form["returnUrl"].ToString());
        ApiKeyRecord? record;
        try
        {
            record = await keys.ValidateAsync(form["key"].ToString().Trim(), http.RequestAborted);
        }
        catch (NpgsqlException)
        {
            return Results.Redirect(SignInPage("unavailable", returnUrl));
        }

        if (record is null)
        {
            return Results.Redirect(SignInPage("key", returnUrl));
        }

        if (record.Tenant is not null)
        {
            // The admin UI works on the global catalog; a tenant's key must not administer it.
            return Results.Redirect(SignInPage("tenant", returnUrl));
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, record.PrincipalName),
            new(ClaimTypes.Role, record.Role),
            new("toolcatalog:key_id", record.KeyId), // the claim the API's key sign-in gives too (which key of that name)
        };
        claims.AddRange(record.Tools.Select(static tool => new Claim(ToolCatalogClaims.Tool, tool)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, ToolCatalogAdmin.CookieScheme, ClaimTypes.Name, ClaimTypes.Role));
        await http.SignInAsync(ToolCatalogAdmin.CookieScheme, principal);
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        // The sign-out form's token belongs to the signed-in user: authenticate first, then check it.
        var signedIn = await http.AuthenticateAsync(ToolCatalogAdmin.CookieScheme);
        if (signedIn.Principal is { } principal)
        {
            http.User = principal;
        }

        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Results.Redirect(ToolCatalogAdmin.Path);
        }

        await http.SignOutAsync(ToolCatalogAdmin.CookieScheme);
        return Results.Redirect(ToolCatalogAdmin.SignInPath);
    }

    private static string SignInPage(string error, string? returnUrl = null) =>
        $"{ToolCatalogAdmin.SignInPath}?error={error}" + (returnUrl is null ? "" : "&returnUrl=" + Uri.EscapeDataString(returnUrl));

    /// <summary>Only a path of the admin UI: never an open redirect to another site.</summary>
    internal static string LocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && (url == ToolCatalogAdmin.Path || url.StartsWith(ToolCatalogAdmin.Path + "/", StringComparison.Ordinal)) && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.Contains('\\', StringComparison.Ordinal) && !url.StartsWith(ToolCatalogAdmin.SignInPath, StringComparison.Ordinal)
            ? url
            : ToolCatalogAdmin.Path;
}
