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

    [Test]
    public void The_defaults_are_valid()
    {
        var services = new ServiceCollection();
        services.AddToolCatalogServer();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IOptions<ToolCatalogServerOptions>>().Value.RateLimit.PermitLimit, Is.EqualTo(1000));
    }
}
