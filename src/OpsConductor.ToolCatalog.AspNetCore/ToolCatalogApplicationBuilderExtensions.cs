using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The management server's middleware: security headers, sign-in, rate limits and authorization, in that order.</summary>
public static class ToolCatalogApplicationBuilderExtensions
{
    /// <summary>
    /// Adds, in this order: the security headers (<c>X-Content-Type-Options: nosniff</c>, <c>X-Frame-Options: DENY</c>,
    /// <c>Referrer-Policy: no-referrer</c> on every response; <c>Content-Security-Policy: default-src 'none'</c> and
    /// <c>Cache-Control: no-store</c> on the API's), authentication, the rate limiter (per principal, per IP address
    /// when not signed in: <c>ToolCatalogServerOptions.RateLimit</c>), authorization, and antiforgery when the host has
    /// it (the admin UI, <c>AddToolCatalogAdmin()</c>). Call it once, after
    /// <c>UseRouting</c> when the host calls that itself (a <c>WebApplication</c> does it for you), and before
    /// <c>MapToolCatalogApi()</c>; do not call <c>UseAuthentication</c> or <c>UseAuthorization</c> again. Needs
    /// <c>services.AddToolCatalogServer()</c>.
    /// </summary>
    /// <param name="app">The host's application (a <c>WebApplication</c>).</param>
    /// <returns><paramref name="app"/>, for chaining.</returns>
    public static IApplicationBuilder UseToolCatalogServer(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(static (context, next) =>
        {
            // On starting, so that the headers are there whatever writes the response (an endpoint, a challenge, the
            // rate limiter, an exception handler that cleared the response).
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                if (http.Request.Path.StartsWithSegments(ToolCatalogEndpointRouteBuilderExtensions.ApiPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                    if (!headers.ContainsKey(HeaderNames.CacheControl))
                    {
                        headers.CacheControl = "no-store";
                    }
                }

                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        if (app.ApplicationServices.GetService<IAntiforgery>() is not null)
        {
            // The admin UI's forms (AddToolCatalogAdmin registers antiforgery): validated after sign-in, as it must be.
            app.UseAntiforgery();
        }

        return app;
    }
}
