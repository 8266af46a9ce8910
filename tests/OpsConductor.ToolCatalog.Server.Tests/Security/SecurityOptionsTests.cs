using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore;

namespace OpsConductor.ToolCatalog.Server.Tests.Security;

/// <summary>Sign-in and rate-limit settings that cannot work are refused when the host starts, saying which.</summary>
public sealed class SecurityOptionsTests
{
    [TestCase("jwt without audience", "Authentication.Jwt.Audience is required")]
    [TestCase("no role claim", "RoleClaim, ToolClaim and NameClaim must name claims")]
    [TestCase("zero permits", "RateLimit.PermitLimit and RateLimit.Window must be positive")]
    [TestCase("zero window", "RateLimit.PermitLimit and RateLimit.Window must be positive")]
    [TestCase("negative queue", "RateLimit.QueueLimit not negative")]
    [TestCase("negative cache", "ApiKeyCacheDuration must not be negative")]
    public void Settings_that_cannot_work_are_refused_naming_the_option(string change, string message)
    {
        var services = new ServiceCollection();
        services.AddToolCatalogServer(o =>
        {
            switch (change)
            {
                case "jwt without audience": o.Authentication.Jwt.Authority = "https://login.example.test"; break;
                case "no role claim": o.Authentication.Jwt.RoleClaim = " "; break;
                case "zero permits": o.RateLimit.PermitLimit = 0; break;
                case "zero window": o.RateLimit.Window = TimeSpan.Zero; break;
                case "negative queue": o.RateLimit.QueueLimit = -1; break;
                case "negative cache": o.Authentication.ApiKeyCacheDuration = TimeSpan.FromSeconds(-1); break;
            }
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<ToolCatalogServerOptions>>().Value);

        Assert.That(error!.Message, Does.Contain(message));
    }

    [TestCase("no client id", "Authentication.OpenIdConnect.ClientId is required with Authentication.OpenIdConnect.Authority")]
    [TestCase("client id without authority", "Authentication.OpenIdConnect.Authority is required with Authentication.OpenIdConnect.ClientId")]
    [TestCase("relative authority", "Authentication.OpenIdConnect.Authority ('login.example.test') must be an absolute http(s) URL")]
    [TestCase("http authority", "Authentication.OpenIdConnect.Authority ('http://login.example.test') must use https")]
    [TestCase("no openid scope", "Authentication.OpenIdConnect.Scope ('profile email') must include 'openid'")]
    [TestCase("blank role claim", "Authentication.OpenIdConnect.RoleClaim must name a claim")]
    [TestCase("blank name claim", "Authentication.OpenIdConnect.ToolClaim, Authentication.OpenIdConnect.NameClaim and Authentication.OpenIdConnect.TenantClaim must name claims")]
    [TestCase("blank tenant claim", "Authentication.OpenIdConnect.ToolClaim, Authentication.OpenIdConnect.NameClaim and Authentication.OpenIdConnect.TenantClaim must name claims")]
    public void OpenID_Connect_settings_that_cannot_work_are_refused_naming_the_option(string change, string message)
    {
        var services = new ServiceCollection();
        services.AddToolCatalogServer(o =>
        {
            var oidc = o.Authentication.OpenIdConnect;
            (oidc.Authority, oidc.ClientId) = ("https://login.example.test", "toolcatalog-admin");
            switch (change)
            {
                case "no client id": oidc.ClientId = null; break;
                case "client id without authority": oidc.Authority = null; break;
                case "relative authority": oidc.Authority = "login.example.test"; break;
                case "http authority": oidc.Authority = "http://login.example.test"; break;
                case "no openid scope": oidc.Scope = "profile email"; break;
                case "blank role claim": oidc.RoleClaim = " "; break;
                case "blank name claim": oidc.NameClaim = ""; break;
                case "blank tenant claim": oidc.TenantClaim = " "; break;
            }
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<ToolCatalogServerOptions>>().Value);

        Assert.That(error!.Message, Does.Contain(message));
    }

    [Test]
    public void An_OpenID_Connect_provider_over_http_is_accepted_when_https_is_explicitly_not_required()
    {
        var services = new ServiceCollection();
        services.AddToolCatalogServer(o =>
        {
            var oidc = o.Authentication.OpenIdConnect;
            (oidc.Authority, oidc.ClientId, oidc.RequireHttpsMetadata) = ("http://127.0.0.1:5001", "toolcatalog-admin", false);
        });
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IOptions<ToolCatalogServerOptions>>().Value.Authentication.OpenIdConnect.ClientId, Is.EqualTo("toolcatalog-admin"));
    }

    [Test]
    public void The_defaults_are_valid()
    {
        var services = new ServiceCollection();
        services.AddToolCatalogServer();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IOptions<ToolCatalogServerOptions>>().Value.RateLimit.PermitLimit, Is.EqualTo(1000));
    }
}
