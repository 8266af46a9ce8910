using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Security;

/// <summary>Signing in with API keys through the server's own sign-in (<see cref="ServerHost.UseRealSignIn"/>).</summary>
[TestFixture]
public sealed class ApiKeySignInTests
{
    private ServerHost _host = null!;
    private SignInRecorder _recorder = null!;

    private ApiKeyStore Keys => _host.Services.GetRequiredService<ApiKeyStore>();

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync(h => _recorder = SignInRecorder.AddTo(h.UseRealSignIn()));

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task A_key_sent_as_a_bearer_token_signs_in_as_key_NAME_with_its_role_and_tools()
    {
        var created = await Keys.CreateAsync("bearer-owner", "owner", ["alpha", "beta"], "test");
        using var client = _host.ClientWithKey(created.Key);
        client.DefaultRequestHeaders.Add(SignInRecorder.RequestIdHeader, "bearer-owner");

        using var response = await client.GetAsync("/api/v1/revision");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var user = _recorder["bearer-owner"].User;
        Assert.Multiple(() =>
        {
            Assert.That(user.Identity!.Name, Is.EqualTo("key:bearer-owner"));
            Assert.That(user.IsInRole(ToolCatalogRoles.Owner), Is.True);
            Assert.That(user.IsInRole(ToolCatalogRoles.Admin), Is.False);
            Assert.That(user.FindAll(ToolCatalogClaims.Tool).Select(c => c.Value), Is.EqualTo(new[] { "alpha", "beta" }));
        });
    }

    [Test]
    public async Task A_key_sent_in_the_X_Api_Key_header_signs_in_too()
    {
        var created = await Keys.CreateAsync("header-viewer", "viewer", null, "test");
        using var client = _host.Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", created.Key);

        using var response = await client.GetAsync("/api/v1/revision");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Nobody_anonymous_gets_in_and_the_401_says_how_to_sign_in_as_a_problem()
    {
        using var client = _host.Anonymous();

        using var response = await client.GetAsync("/api/v1/revision");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("#problem-unauthorized"));
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(401));
    }

    [TestCase("tc_AAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", TestName = "An unknown key is refused")]
    [TestCase("tc_short", TestName = "A malformed key is refused")]
    [TestCase("eyJhbGciOiJIUzI1NiJ9.e30.x", TestName = "A token when no identity provider is configured is refused")]
    public async Task Refused(string credential)
    {
        using var client = _host.ClientWithKey(credential);

        using var response = await client.GetAsync("/api/v1/revision");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer error=\"invalid_token\""));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task A_key_with_a_wrong_secret_is_refused_even_though_its_id_exists()
    {
        var created = await Keys.CreateAsync("wrong-secret", "admin", null, "test");
        var tampered = created.Key[..^1] + (created.Key[^1] == 'a' ? 'b' : 'a');
        using var good = _host.ClientWithKey(created.Key);
        using var bad = _host.ClientWithKey(tampered);

        using var first = await good.GetAsync("/api/v1/revision"); // the id is cached now
        using var second = await bad.GetAsync("/api/v1/revision");

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_key_revoked_through_the_servers_store_is_refused_at_once()
    {
        var created = await Keys.CreateAsync("revoked-here", "viewer", null, "test");
        using var client = _host.ClientWithKey(created.Key);
        using var before = await client.GetAsync("/api/v1/revision");

        await Keys.RevokeAsync("revoked-here", "test");
        using var after = await client.GetAsync("/api/v1/revision");

        Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Every_response_of_the_api_carries_the_security_headers_signed_in_or_not()
    {
        var created = await Keys.CreateAsync("headers", "viewer", null, "test");
        using var signedIn = _host.ClientWithKey(created.Key);
        using var anonymous = _host.Anonymous();

        foreach (var response in new[] { await signedIn.GetAsync("/api/v1/revision"), await anonymous.GetAsync("/api/v1/revision"), await signedIn.GetAsync("/api/v1/no-such-endpoint") })
        {
            using (response)
            {
                var what = $"{(int)response.StatusCode} {response.RequestMessage!.RequestUri}";
                Assert.Multiple(() =>
                {
                    Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }), what);
                    Assert.That(response.Headers.GetValues("X-Frame-Options"), Is.EqualTo(new[] { "DENY" }), what);
                    Assert.That(response.Headers.GetValues("Referrer-Policy"), Is.EqualTo(new[] { "no-referrer" }), what);
                    Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.StartWith("default-src 'none'"), what);
                    Assert.That(response.Headers.CacheControl?.NoStore, Is.True, what);
                });
            }
        }
    }

    [Test]
    public async Task The_audit_facts_of_a_request_signed_in_with_a_key_name_the_key_the_address_and_the_user_agent()
    {
        // Written through the store with the request's own change context, as every write endpoint does
        // (HttpChangeContext.From); the write endpoints themselves are built on another branch.
        var created = await Keys.CreateAsync("auditor", "admin", null, "test");
        using var client = _host.ClientWithKey(created.Key);
        client.DefaultRequestHeaders.Add(SignInRecorder.RequestIdHeader, "auditor");
        client.DefaultRequestHeaders.UserAgent.ParseAdd("deploy-script/2.1");
        client.DefaultRequestHeaders.Add("X-Change-Reason", "ticket OPS-42");
        client.DefaultRequestHeaders.Add(SignInRecorder.RemoteAddressHeader, "203.0.113.7");
        using var response = await client.GetAsync("/api/v1/revision");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var change = _recorder["auditor"].Change;

        await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "audited-by-key"), change);

        var row = (await AuditReader.ReadAsync(_host.Database, GeneratedTools.Create(1, prefix: "audited-by-key").Name)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(row.ChangedBy, Is.EqualTo("key:auditor"));
            Assert.That(row.UserAgent, Is.EqualTo("deploy-script/2.1"));
            Assert.That(row.Reason, Is.EqualTo("ticket OPS-42"));
            Assert.That(row.IpAddress, Is.EqualTo("203.0.113.7"));
        });
    }
}

/// <summary>Signing in with a key while the key store's database does not answer.</summary>
[TestFixture]
public sealed class ApiKeySignInWithoutDatabaseTests
{
    private ServerHost _host = null!;
    private NpgsqlDataSource _unreachable = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        _unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=nobody;Password=x;Database=none;Timeout=2");
        _host = await ServerHost.StartAsync(h => h.UseRealSignIn().ConfigureServices(services =>
            services.AddSingleton(new ApiKeyStore(_unreachable))));
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _host.DisposeAsync();
        await _unreachable.DisposeAsync();
    }

    [Test]
    public async Task A_key_that_cannot_be_checked_gets_503_with_Retry_After_not_401_and_never_a_500()
    {
        using var client = _host.ClientWithKey("tc_AAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");

        using var response = await client.GetAsync("/api/v1/revision");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("#problem-sign-in-unavailable"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Not.Contain("127.0.0.1"), "nothing of the connection");
    }
}
