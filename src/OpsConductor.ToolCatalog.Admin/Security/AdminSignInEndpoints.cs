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
/// with the admin cookie carrying the key's principal, role and tools, never the key; or, when configured, a redirect to
/// the OpenID Connect provider, <see cref="AdminOpenIdConnect"/>; a key bound to a tenant signs in into that tenant's
/// catalog while the tenant is active, <see cref="AdminTenants"/>) and sign-out (of the cookie, and of the provider's
/// session when signed in there and it has an end-session endpoint). The form posts check their antiforgery token.
/// </summary>
internal static class AdminSignInEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(ToolCatalogAdmin.SignInPostPath, SignInAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        endpoints.MapPost(ToolCatalogAdmin.SignOutPath, SignOutAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        endpoints.MapGet(ToolCatalogAdmin.OpenIdConnectSignInPath, SignInWithProviderAsync).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapGet(SignedInPath, SignedIn).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>
    /// Where the provider's sign-in ends: a page that moves on to the return address from our own site. The admin cookie
    /// is SameSite=Strict, and a browser does not send it on the redirects of a navigation that came from the provider's
    /// site, so a redirect straight to the page would find the user signed out.
    /// </summary>
    internal const string SignedInPath = ToolCatalogAdmin.Path + "/account/signed-in";

    private static async Task<IResult> SignInWithProviderAsync(HttpContext http, IAuthenticationSchemeProvider schemes, string? returnUrl)
    {
        if (await schemes.GetSchemeAsync(ToolCatalogAdmin.OpenIdConnectScheme) is null)
        {
            return Results.Redirect(SignInPage("no-provider"));
        }

        var target = LocalUrl(returnUrl);
        try
        {
            await http.ChallengeAsync(ToolCatalogAdmin.OpenIdConnectScheme, new AuthenticationProperties
            {
                RedirectUri = SignedInPath + "?returnUrl=" + Uri.EscapeDataString(target),
            });
        }
        catch (InvalidOperationException)
        {
            // The provider's discovery document could not be read (IDX20803): the provider is down or misnamed.
            return Results.Redirect(SignInPage("unreachable", target));
        }

        return Results.Empty;
    }

    private static IResult SignedIn(string? returnUrl)
    {
        var target = System.Net.WebUtility.HtmlEncode(LocalUrl(returnUrl));
        return Results.Content(
            $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8" /><meta http-equiv="refresh" content="0;url={target}" /><title>Signed in · Tool catalog admin</title></head>
            <body><p>Signed in. <a href="{target}">Continue to the admin UI</a>.</p></body></html>
            """,
            "text/html; charset=utf-8");
    }

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, ApiKeyStore keys, OpsConductor.ToolCatalog.Storage.ToolCatalogStore store)
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

        if (record.Tenant is { } tenant && (await AdminTenants.CheckAsync(store, tenant, http.RequestAborted)).Refusal is { } refusal)
        {
            // A key of a tenant that is disabled (or gone) signs nobody in; an active tenant's key works in its catalog only.
            return Results.Redirect(SignInPage(refusal, returnUrl, tenant));
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, record.PrincipalName),
            new(ClaimTypes.Role, record.Role),
            new("toolcatalog:key_id", record.KeyId), // the claim the API's key sign-in gives too (which key of that name)
        };
        claims.AddRange(record.Tools.Select(static tool => new Claim(ToolCatalogClaims.Tool, tool)));
        if (record.Tenant is not null)
        {
            claims.Add(new Claim(ToolCatalogClaims.Tenant, record.Tenant)); // the claim the API's key sign-in gives: the pages then work in that tenant's catalog
        }

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

        var endSession = await AdminOpenIdConnect.HasEndSessionAsync(http, signedIn.Properties);
        await http.SignOutAsync(ToolCatalogAdmin.CookieScheme);
        if (endSession)
        {
            // Redirects to the provider's end-session endpoint (with the id token as the hint); the provider sends the
            // browser back to the signed-out callback, which goes on to the sign-in page.
            await http.SignOutAsync(ToolCatalogAdmin.OpenIdConnectScheme, new AuthenticationProperties { RedirectUri = ToolCatalogAdmin.SignInPath });
            return Results.Empty;
        }

        return Results.Redirect(ToolCatalogAdmin.SignInPath);
    }

    /// <summary>The sign-in page showing <paramref name="error"/> (its code: the page says what it means), naming <paramref name="tenant"/> when the refusal is the tenant's.</summary>
    internal static string SignInPage(string error, string? returnUrl = null, string? tenant = null) =>
        $"{ToolCatalogAdmin.SignInPath}?error={error}" + (tenant is null ? "" : "&tenant=" + Uri.EscapeDataString(tenant))
        + (returnUrl is null ? "" : "&returnUrl=" + Uri.EscapeDataString(returnUrl));

    /// <summary>Only a path of the admin UI: never an open redirect to another site.</summary>
    internal static string LocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && (url == ToolCatalogAdmin.Path || url.StartsWith(ToolCatalogAdmin.Path + "/", StringComparison.Ordinal)) && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.Contains('\\', StringComparison.Ordinal) && !url.StartsWith(ToolCatalogAdmin.SignInPath, StringComparison.Ordinal)
            ? url
            : ToolCatalogAdmin.Path;
}
