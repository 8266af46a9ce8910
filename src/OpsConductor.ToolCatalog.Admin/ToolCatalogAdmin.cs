namespace OpsConductor.ToolCatalog.Admin;

/// <summary>The admin UI's fixed names: where it is mapped, and the cookie scheme its sign-in uses.</summary>
public static class ToolCatalogAdmin
{
    /// <summary>The path the admin UI is mapped at.</summary>
    public const string Path = "/admin";

    /// <summary>The sign-in page (a form taking an API key of the server, and "Sign in with …" when an OpenID Connect provider is configured).</summary>
    public const string SignInPath = "/admin/signin";

    /// <summary>Where the sign-in form posts the key (with the form's antiforgery token).</summary>
    public const string SignInPostPath = "/admin/account/signin";

    /// <summary>Where the sign-in page's "Sign in with …" goes (GET, <c>?returnUrl=</c>): a redirect to the OpenID Connect provider, when one is configured.</summary>
    public const string OpenIdConnectSignInPath = "/admin/account/signin/oidc";

    /// <summary>The OpenID Connect redirect URI to register at the provider (<c>{server}/admin/signin-oidc</c>).</summary>
    public const string OpenIdConnectCallbackPath = "/admin/signin-oidc";

    /// <summary>The OpenID Connect post-logout redirect URI to register at the provider (<c>{server}/admin/signout-callback-oidc</c>).</summary>
    public const string OpenIdConnectSignedOutCallbackPath = "/admin/signout-callback-oidc";

    /// <summary>
    /// The OpenID Connect scheme of the admin UI's sign-in; registered only when
    /// <c>ToolCatalogServerOptions.Authentication.OpenIdConnect</c> names a provider. It signs in into <see cref="CookieScheme"/>.
    /// </summary>
    public const string OpenIdConnectScheme = "ToolCatalog.AdminOpenIdConnect";

    /// <summary>The sign-out endpoint (POST, with the antiforgery token of the page's form).</summary>
    public const string SignOutPath = "/admin/account/signout";

    /// <summary>
    /// The authentication scheme of the admin UI: a cookie (HttpOnly, SameSite=Strict) carrying the principal and role
    /// of the API key signed in with, never the key. Only the admin UI reads it; the REST API does not accept it.
    /// </summary>
    public const string CookieScheme = "ToolCatalog.AdminCookie";

    /// <summary>The name of the admin UI's cookie.</summary>
    public const string CookieName = "toolcatalog_admin";
}
