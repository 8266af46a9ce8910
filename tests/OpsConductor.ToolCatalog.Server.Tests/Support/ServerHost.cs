using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Support;

/// <summary>
/// The sample management host (samples/ManagementServer) over a test database of its own, started in memory by
/// <see cref="WebApplicationFactory{TEntryPoint}"/>. By default requests sign in with test headers
/// (<see cref="ClientAs"/>); <see cref="UseRealSignIn"/> leaves the server's own sign-in in place.
/// </summary>
internal sealed class ServerHost : WebApplicationFactory<Program>
{
    private readonly List<Action<IServiceCollection>> _services = [];
    private bool _realSignIn;
    private bool _kestrel;
    private int _port;
    private bool _ownsDatabase = true;

    private ServerHost(TestDatabase database) => Database = database;

    /// <summary>The database the host serves.</summary>
    public TestDatabase Database { get; }

    /// <summary>
    /// A host over a new migrated database (disposed with the host), or over <paramref name="database"/> (left to its
    /// owner: a second replica, or the same server started again).
    /// </summary>
    public static async Task<ServerHost> StartAsync(Action<ServerHost>? configure = null, TestDatabase? database = null)
    {
        var host = new ServerHost(database ?? await TestDatabase.CreateAsync()) { _ownsDatabase = database is null };
        configure?.Invoke(host);
        if (host._kestrel)
        {
            host.UseKestrel(host._port); // a free port on loopback unless one was given
            host.StartServer();
        }
        else
        {
            _ = host.Server; // builds and starts the host now, so the catalog has loaded before the first request
        }

        await host.Catalog.RefreshAsync();
        return host;
    }

    /// <summary>Keeps the server's own sign-in (API keys, tokens) instead of the test headers.</summary>
    public ServerHost UseRealSignIn()
    {
        _realSignIn = true;
        return this;
    }

    /// <summary>
    /// Serves over a real Kestrel port (for a browser: the admin UI's WebSocket circuit) instead of the in-memory test
    /// server; <see cref="BaseAddress"/> is where. The clients of <see cref="ClientAs"/> go to that port too.
    /// </summary>
    /// <param name="port">The loopback port (a server started again where it was); 0 for a free one.</param>
    public ServerHost ServeOverKestrel(int port = 0)
    {
        _kestrel = true;
        _port = port;
        return this;
    }

    /// <summary>The host's address (a loopback port with <see cref="ServeOverKestrel"/>).</summary>
    public Uri BaseAddress => ClientOptions.BaseAddress;

    /// <summary>Changes the host's services after the sample's (options, fakes of the clock, …).</summary>
    public ServerHost ConfigureServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>The host's catalog (the snapshot the API reads).</summary>
    public IToolCatalog Catalog => Services.GetRequiredService<IToolCatalog>();

    /// <summary>The host's store (the writes the API makes).</summary>
    public ToolCatalogStore Store => Services.GetRequiredService<ToolCatalogStore>();

    /// <summary>A client signed in (test headers) as <paramref name="user"/> with <paramref name="role"/>, owning <paramref name="tools"/>.</summary>
    public HttpClient ClientAs(string role, string user = "test-user", params string[] tools)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(TestAuthenticationHandler.RoleHeader, role);
        client.DefaultRequestHeaders.Add(TestAuthenticationHandler.UserHeader, user);
        if (tools.Length > 0)
        {
            client.DefaultRequestHeaders.Add(TestAuthenticationHandler.ToolsHeader, string.Join(',', tools));
        }

        return client;
    }

    /// <summary>A client that signs in with <c>Authorization: Bearer <paramref name="key"/></c>.</summary>
    public HttpClient ClientWithKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A client that does not sign in.</summary>
    public HttpClient Anonymous() => CreateClient();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:ToolCatalog", Database.ConnectionString);
        builder.ConfigureTestServices(services =>
        {
            if (!_realSignIn)
            {
                services.AddAuthentication(TestAuthenticationHandler.SchemeName)
                    .AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null);
                services.Configure<AuthenticationOptions>(o =>
                {
                    o.DefaultScheme = TestAuthenticationHandler.SchemeName;
                    o.DefaultAuthenticateScheme = TestAuthenticationHandler.SchemeName;
                    o.DefaultChallengeScheme = TestAuthenticationHandler.SchemeName;
                    o.DefaultForbidScheme = TestAuthenticationHandler.SchemeName;
                });
            }

            foreach (var configure in _services)
            {
                configure(services);
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}
