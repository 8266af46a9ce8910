using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Server.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Security;

/// <summary>The rate limit per principal (per address when not signed in), with a tiny limit and a long window.</summary>
[TestFixture]
public sealed class RateLimitTests
{
    private const int Limit = 3;

    private ServerHost _host = null!;

    private ApiKeyStore Keys => _host.Services.GetRequiredService<ApiKeyStore>();

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync(h =>
    {
        SignInRecorder.AddTo(h.UseRealSignIn());
        h.ConfigureServices(services => services.Configure<ToolCatalogServerOptions>(o =>
        {
            o.RateLimit.PermitLimit = Limit;
            o.RateLimit.Window = TimeSpan.FromHours(1);
        }));
    });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task A_key_over_its_limit_gets_429_with_Retry_After_as_a_problem_while_another_key_goes_on()
    {
        using var busy = _host.ClientWithKey((await Keys.CreateAsync("busy", "viewer", null, "test")).Key);
        using var quiet = _host.ClientWithKey((await Keys.CreateAsync("quiet", "viewer", null, "test")).Key);
        for (var i = 0; i < Limit; i++)
        {
            using var allowed = await busy.GetAsync("/api/v1/revision");
            Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"request {i + 1} of {Limit}");
        }

        using var refused = await busy.GetAsync("/api/v1/revision");
        using var other = await quiet.GetAsync("/api/v1/revision");

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromHours(1)));
        Assert.That(refused.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("#problem-too-many-requests"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("key:busy"));
        Assert.That(refused.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }), "security headers on a refusal too");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a partition per key");
    }

    [Test]
    public async Task Requests_that_do_not_sign_in_are_limited_per_address_before_anything_else()
    {
        using var guesser = _host.ClientWithKey("tc_AAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
        guesser.DefaultRequestHeaders.Add(SignInRecorder.RemoteAddressHeader, "198.51.100.9");
        using var neighbour = _host.Anonymous();
        neighbour.DefaultRequestHeaders.Add(SignInRecorder.RemoteAddressHeader, "198.51.100.10");
        for (var i = 0; i < Limit; i++)
        {
            using var refused = await guesser.GetAsync("/api/v1/revision");
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using var limited = await guesser.GetAsync("/api/v1/revision");
        using var other = await neighbour.GetAsync("/api/v1/revision");

        Assert.That(limited.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "key guessing is slowed down per address");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "another address has its own allowance");
    }

    [Test]
    public async Task Paths_outside_the_api_are_not_limited()
    {
        using var client = _host.Anonymous();
        client.DefaultRequestHeaders.Add(SignInRecorder.RemoteAddressHeader, "198.51.100.20");

        for (var i = 0; i < Limit + 2; i++)
        {
            using var response = await client.GetAsync("/not-the-api");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"request {i + 1}");
        }
    }
}
