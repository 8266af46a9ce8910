using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>
/// Sign-in and rate limits of the management server (called by <c>AddToolCatalogServer</c>): the
/// <see cref="ApiKeyStore"/>, the <see cref="ToolCatalogAuthenticationSchemes.Default"/> scheme (API keys, and bearer
/// tokens when configured) as the host's default, and the rate limiter's options (the middleware:
/// <c>app.UseToolCatalogServer()</c>).
/// </summary>
internal static class ToolCatalogSecurityServiceCollectionExtensions
{
    public static void AddToolCatalogSecurity(IServiceCollection services)
    {
        services.AddOptions<ToolCatalogServerOptions>()
            .Validate(static o => o.Authentication is { ApiKeyCacheDuration: var d, Jwt: not null } && d >= TimeSpan.Zero, "Authentication.ApiKeyCacheDuration must not be negative.")
            .Validate(static o => o.Authentication.Jwt.Authority is null || !string.IsNullOrWhiteSpace(o.Authentication.Jwt.Audience), "Authentication.Jwt.Audience is required with Authentication.Jwt.Authority: tokens must be issued for this API.")
            .Validate(static o => !string.IsNullOrWhiteSpace(o.Authentication.Jwt.RoleClaim) && !string.IsNullOrWhiteSpace(o.Authentication.Jwt.ToolClaim) && !string.IsNullOrWhiteSpace(o.Authentication.Jwt.NameClaim), "Authentication.Jwt.RoleClaim, ToolClaim and NameClaim must name claims.")
            .Validate(static o => o.RateLimit is { PermitLimit: > 0, QueueLimit: >= 0 } && o.RateLimit.Window > TimeSpan.Zero, "RateLimit.PermitLimit and RateLimit.Window must be positive, RateLimit.QueueLimit not negative.");
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ToolCatalogServerOptions>, OpenIdConnectSettingsValidation>());

        services.TryAddSingleton(static sp => new ApiKeyStore(
            sp.GetRequiredService<ToolCatalogStore>().DataSource,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ApiKeyStore>>(),
            sp.GetRequiredService<IOptions<ToolCatalogServerOptions>>().Value.Authentication.ApiKeyCacheDuration));

        services.AddAuthentication(ToolCatalogAuthenticationSchemes.Default)
            .AddPolicyScheme(ToolCatalogAuthenticationSchemes.Default, "API key or bearer token", static o =>
            {
                o.ForwardDefaultSelector = SelectScheme;
                o.ForwardChallenge = ToolCatalogAuthenticationSchemes.ApiKey;
                o.ForwardForbid = ToolCatalogAuthenticationSchemes.ApiKey;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ToolCatalogAuthenticationSchemes.ApiKey, "API key", static _ => { })
            .AddJwtBearer(ToolCatalogAuthenticationSchemes.Jwt, static _ => { });

        services.AddOptions<JwtBearerOptions>(ToolCatalogAuthenticationSchemes.Jwt)
            .Configure<IOptions<ToolCatalogServerOptions>>(static (o, server) =>
            {
                var jwt = server.Value.Authentication.Jwt;
                o.Authority = jwt.Authority;
                o.Audience = jwt.Audience;
                o.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = jwt.NameClaim;
                o.TokenValidationParameters.RoleClaimType = jwt.RoleClaim;
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        if (context.Principal is { } principal
                            && ToolCatalogClaims.CreatePrincipal(principal.Claims, jwt.NameClaim, [jwt.RoleClaim], jwt.ToolClaim, ToolCatalogAuthenticationSchemes.Jwt, jwt.TenantClaim) is { } mapped)
                        {
                            context.Principal = mapped;
                        }
                        else
                        {
                            context.Fail($"The token has no '{jwt.NameClaim}' or 'sub' claim to name its principal, or its '{jwt.TenantClaim}' claim names several tenants or one that is not a tenant id.");
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        services.AddRateLimiter(static _ => { });
        services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<ToolCatalogServerOptions>>(static (o, server) =>
            {
                var limit = server.Value.RateLimit;
                o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                o.OnRejected = OnRejectedAsync;
                o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    !limit.Enabled || !http.Request.Path.StartsWithSegments(ToolCatalogEndpointRouteBuilderExtensions.ApiPrefix, StringComparison.OrdinalIgnoreCase)
                        ? RateLimitPartition.GetNoLimiter(string.Empty)
                        : RateLimitPartition.GetFixedWindowLimiter(PartitionOf(http), _ => new FixedWindowRateLimiterOptions
                        {
                            PermitLimit = limit.PermitLimit,
                            Window = limit.Window,
                            QueueLimit = limit.QueueLimit,
                            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                            AutoReplenishment = true,
                        }));
            });
    }

    /// <summary>The rate limit's partition of a request: its principal's name when signed in, else its IP address.</summary>
    internal static string PartitionOf(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
            ? "principal:" + name
            : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static string SelectScheme(HttpContext http)
    {
        if (RequestCredentials.ApiKey(http.Request) is not null || RequestCredentials.BearerToken(http.Request) is null)
        {
            return ToolCatalogAuthenticationSchemes.ApiKey;
        }

        var jwt = http.RequestServices.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(ToolCatalogAuthenticationSchemes.Jwt);
        var configured = jwt.Authority is not null || jwt.MetadataAddress is not null || jwt.Configuration is not null
            || jwt.TokenValidationParameters.IssuerSigningKey is not null
            || jwt.TokenValidationParameters.IssuerSigningKeys?.Any() == true
            || jwt.TokenValidationParameters.IssuerSigningKeyResolver is not null;
        return configured ? ToolCatalogAuthenticationSchemes.Jwt : ToolCatalogAuthenticationSchemes.ApiKey;
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        int? seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : null;
        if (seconds is { } s)
        {
            context.HttpContext.Response.Headers.RetryAfter = s.ToString(CultureInfo.InvariantCulture);
        }

        var partition = PartitionOf(context.HttpContext);
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiKeyStore).Namespace!);
        if (logger.IsEnabled(LogLevel.Information))
        {
            Log.RateLimited(logger, partition);
        }
        await ApiProblems.TooManyRequests(
                seconds is { } wait
                    ? $"Too many requests from {partition}: the rate limit allows more in {wait} s (Retry-After)."
                    : $"Too many requests from {partition}: try again later.",
                seconds)
            .ExecuteAsync(context.HttpContext).ConfigureAwait(false);
    }
}
