using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Following;

/// <summary>
/// An orchestrator's catalog following the management server over HTTP (<see cref="ToolCatalogOptions.Server"/>):
/// real Kestrel hosts on loopback ports, over real databases, with real API keys. Every wait is on a signal (a revision
/// reached, a listener state raised), bounded by <see cref="Patience"/>.
/// </summary>
/// <remarks>
/// Each test starts a server host of its own; the tests that assert only on tools, tenants and keys of their own (and
/// on their follower applying revisions in order, which other tests' writes to the same database do not change) run
/// their hosts over one database of the fixture, <see cref="_shared"/>. A test whose assertion depends on which
/// revisions reach its follower (a missed event, a waiter released by the next revision, the last revision served
/// while its server is away) keeps a database of its own.
/// </remarks>
[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class FollowerOverHttpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static TestDatabase _shared = null!;
    private readonly List<IAsyncDisposable> _cleanup = [];

    [OneTimeSetUp]
    public static async Task CreateTheSharedDatabase() => _shared = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public static async Task DropTheSharedDatabase() => await _shared.DisposeAsync();

    [TearDown]
    public async Task CleanUp()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }
    }

    [Test]
    public async Task A_follower_loads_the_catalog_then_applies_each_commit_in_revision_order()
    {
        var (host, key) = await StartServerAsync(_shared);
        await host.Store.CreateAsync(GeneratedTools.Create(0, prefix: "follow-first"));
        var (follower, applied) = await StartFollowerAsync(host.BaseAddress, key);

        long last = 0;
        for (var i = 1; i <= 5; i++)
        {
            last = (await host.Store.CreateAsync(GeneratedTools.Create(i, prefix: "follow-next"))).Revision;
        }

        var snapshot = await follower.WaitForRevisionAsync(last).WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(snapshot.FindTool("follow-first-00000"), Is.Not.Null, "the first load");
            Assert.That(Enumerable.Range(1, 5).Select(i => snapshot.FindTool($"follow-next-{i:00000}")), Is.All.Not.Null, "every change");
            Assert.That(snapshot.Source, Is.EqualTo(CatalogSource.Database));
            Assert.That(applied, Is.Ordered.And.Unique, "each applied revision is after the one before");
            Assert.That(follower.Health.Status, Is.EqualTo(CatalogHealthStatus.Healthy));
            Assert.That(follower.Health.Description, Does.Contain(host.BaseAddress.ToString()));
        });
    }

    [Test]
    public async Task A_follower_converges_after_the_server_restarts_and_serves_its_last_snapshot_meanwhile()
    {
        var database = await TestDatabase.CreateAsync();
        _cleanup.Add(database);
        var (host, key) = await StartServerAsync(database);
        var port = host.BaseAddress.Port;
        var (follower, applied) = await StartFollowerAsync(host.BaseAddress, key);
        var before = (await host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "restart-before"))).Revision;
        await follower.WaitForRevisionAsync(before).WaitAsync(Patience);
        var lost = ListenerStateSignal(follower, ListenerState.Disconnected);

        _cleanup.Remove(host);
        await host.DisposeAsync();
        await lost.WaitAsync(Patience);
        var degraded = follower.Health;
        var store = database.CreateStore();
        long last = 0;
        for (var i = 0; i < 3; i++)
        {
            last = (await store.CreateAsync(GeneratedTools.Create(i, prefix: "restart-away"))).Revision;
        }

        var reconnected = ListenerStateSignal(follower, ListenerState.Connected);
        var restarted = await ServerHost.StartAsync(h => h.ServeOverKestrel(port).UseRealSignIn(), database);
        _cleanup.Add(restarted);
        var snapshot = await follower.WaitForRevisionAsync(last).WaitAsync(Patience);
        await reconnected.WaitAsync(Patience); // the reload comes before the stream is open again

        Assert.Multiple(() =>
        {
            Assert.That(degraded.Status, Is.EqualTo(CatalogHealthStatus.Degraded), degraded.Description);
            Assert.That(degraded.Revision, Is.EqualTo(before), "the last good snapshot kept serving");
            Assert.That(snapshot.FindTool("restart-before-00001"), Is.Not.Null);
            Assert.That(Enumerable.Range(0, 3).Select(i => snapshot.FindTool($"restart-away-{i:00000}")), Is.All.Not.Null);
            Assert.That(applied, Is.Ordered.And.Unique);
            Assert.That(follower.Health.Status, Is.EqualTo(CatalogHealthStatus.Healthy));
        });
    }

    [Test]
    public async Task A_follower_that_misses_an_event_sees_the_gap_and_reloads_the_whole_catalog()
    {
        var database = await TestDatabase.CreateAsync();
        _cleanup.Add(database);
        var (host, key) = await StartServerAsync(database);
        var (follower, applied) = await StartFollowerAsync(host.BaseAddress, key);
        var fullLoads = new ConcurrentQueue<long>();
        follower.Changed += (_, e) =>
        {
            if (e.IsFullLoad)
            {
                fullLoads.Enqueue(e.Current.Revision);
            }
        };
        var dropped = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        follower.ServerEventFilter = revision => !dropped.TrySetResult(revision); // drops the first event, passes the rest
        await host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "gap-missed"));
        var missed = await dropped.Task.WaitAsync(Patience);

        var next = (await host.Store.CreateAsync(GeneratedTools.Create(2, prefix: "gap-next"))).Revision;
        var snapshot = await follower.WaitForRevisionAsync(next).WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(snapshot.FindTool("gap-missed-00001"), Is.Not.Null, "the missed change came with the reload");
            Assert.That(snapshot.FindTool("gap-next-00002"), Is.Not.Null);
            Assert.That(fullLoads, Does.Contain(next), "the gap was answered by a full load at the next revision");
            Assert.That(applied, Does.Not.Contain(missed), "the missed revision was never applied on its own");
            Assert.That(applied, Is.Ordered.And.Unique);
        });
    }

    [Test]
    public async Task A_follower_away_longer_than_the_change_window_is_told_to_reload_and_converges()
    {
        var (host, key) = await StartServerAsync(_shared, window: 3);
        var (follower, applied) = await StartFollowerAsync(host.BaseAddress, key);
        var held = follower.Revision;
        var away = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var back = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        follower.BeforeServerConnect = async (_, ct) =>
        {
            away.TrySetResult();
            await back.Task.WaitAsync(ct);
        };
        follower.AbortServerStream();
        await away.Task.WaitAsync(Patience);

        long last = 0;
        for (var i = 0; i < 6; i++)
        {
            last = (await host.Store.CreateAsync(GeneratedTools.Create(i, prefix: "window-away"))).Revision;
        }

        await host.Catalog.WaitForRevisionAsync(last).WaitAsync(Patience);
        back.SetResult();
        var snapshot = await follower.WaitForRevisionAsync(last).WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(follower.Revision, Is.GreaterThan(held));
            Assert.That(Enumerable.Range(0, 6).Select(i => snapshot.FindTool($"window-away-{i:00000}")), Is.All.Not.Null);
            Assert.That(applied, Is.Ordered.And.Unique);
        });
    }

    [Test]
    public async Task When_its_server_goes_away_a_follower_resumes_on_a_second_replica_of_the_same_database()
    {
        var database = await TestDatabase.CreateAsync();
        _cleanup.Add(database);
        var (first, key) = await StartServerAsync(database);
        var (second, _) = await StartServerAsync(database, key: key);
        var (follower, applied) = await StartFollowerAsync(first.BaseAddress, key, second.BaseAddress);
        var before = (await first.Store.CreateAsync(GeneratedTools.Create(1, prefix: "replica-before"))).Revision;
        await follower.WaitForRevisionAsync(before).WaitAsync(Patience);

        _cleanup.Remove(first);
        await first.DisposeAsync();
        var after = (await second.Store.CreateAsync(GeneratedTools.Create(2, prefix: "replica-after"))).Revision;
        var snapshot = await follower.WaitForRevisionAsync(after).WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(snapshot.FindTool("replica-after-00002"), Is.Not.Null);
            Assert.That(follower.ActiveServer, Is.EqualTo(second.BaseAddress));
            Assert.That(applied, Is.Ordered.And.Unique);
        });
    }

    [Test]
    public async Task A_follower_whose_stream_falls_silent_catches_up_by_the_safety_poll_and_opens_the_stream_again()
    {
        var (host, key) = await StartServerAsync(_shared);
        var (follower, applied) = await StartFollowerAsync(
            host.BaseAddress, key, configure: f => f.ServerEventFilter = static _ => false, safetyPoll: TimeSpan.FromSeconds(1)); // the minimum
        var reopened = ListenerStateSignal(follower, ListenerState.Disconnected);

        var written = await host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "silent"));
        var snapshot = await follower.WaitForRevisionAsync(written.Revision).WaitAsync(Patience);
        await reopened.WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(snapshot.FindTool("silent-00001"), Is.Not.Null, "loaded by the safety poll (every event was dropped)");
            Assert.That(follower.Health.LastError ?? "", Does.Contain("the change stream brought nothing"));
            Assert.That(applied, Is.Ordered.And.Unique);
        });
    }

    [Test]
    public async Task Waiting_for_a_revision_returns_only_after_every_Changed_handler_has_run_for_it()
    {
        var database = await TestDatabase.CreateAsync();
        _cleanup.Add(database);
        var (host, key) = await StartServerAsync(database);
        var (follower, _) = await StartFollowerAsync(host.BaseAddress, key);
        var target = follower.Revision + 1;
        var waiting = follower.WaitForRevisionAsync(target);
        var releasedBeforeHandler = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        follower.Changed += (_, e) =>
        {
            if (e.Current.Revision >= target)
            {
                releasedBeforeHandler.TrySetResult(waiting.IsCompleted);
            }
        };

        await host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "handlers-first"));

        Assert.That(await releasedBeforeHandler.Task.WaitAsync(Patience), Is.False, "the waiter was still waiting while the handler ran");
        Assert.That((await waiting.WaitAsync(Patience)).Revision, Is.GreaterThanOrEqualTo(target));
    }

    [TestCase("tc_not_a_key_anybody_issued_0000000000000000")]
    [TestCase("revoked")]
    public async Task A_follower_whose_key_the_server_refuses_applies_nothing_and_says_why_in_its_health(string keyCase)
    {
        var (host, key) = await StartServerAsync(_shared);
        await host.Store.CreateAsync(GeneratedTools.Create(1, prefix: keyCase == "revoked" ? "refused-revoked" : "refused-unknown"));
        var given = keyCase;
        if (keyCase == "revoked")
        {
            var keys = host.Services.GetRequiredService<ApiKeyStore>();
            var created = await keys.CreateAsync("revoked-follower", "viewer", null, "tests");
            await keys.RevokeAsync("revoked-follower", "tests");
            given = created.Key;
        }

        var refused = new TaskCompletionSource<ListenerStateChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (follower, applied) = await StartFollowerAsync(host.BaseAddress, given, configure: f => f.ListenerStateChanged += (_, e) =>
        {
            if (e.State == ListenerState.Disconnected)
            {
                refused.TrySetResult(e);
            }
        });
        var state = await refused.Task.WaitAsync(Patience);
        var health = follower.Health;

        Assert.Multiple(() =>
        {
            Assert.That(applied, Is.Empty, "nothing applied");
            Assert.That(follower.Current.ToolCount, Is.Zero);
            Assert.That(health.Status, Is.EqualTo(CatalogHealthStatus.Unhealthy));
            Assert.That(health.LastError, Does.Contain("401").And.Contain("ServerApiKey").And.Contain("viewer"));
            Assert.That(health.LastError, Does.Not.Contain(given), "the key is never repeated");
            Assert.That(state.Error, Does.Contain("401"));
        });
    }

    [Test]
    public void A_server_without_a_key_or_beside_a_connection_string_is_refused_naming_the_options()
    {
        var error = Assert.Throws<OptionsValidationException>(() => _ = new ToolCatalogRuntime(new ToolCatalogOptions
        {
            Mode = CatalogMode.Database,
            Server = new Uri("https://catalog.internal/"),
            ConnectionString = "Host=localhost;Database=toolcatalog",
        }));

        Assert.That(error!.Message, Does.Contain("ToolCatalogOptions.ServerApiKey is not set")
            .And.Contain("ToolCatalogOptions.Server and ToolCatalogOptions.ConnectionString are both set"));
        Assert.That(error.Message, Does.Not.Contain("Host=localhost"), "a connection string is never repeated");
    }

    [Test]
    public async Task A_follower_with_a_tenant_key_converges_on_that_tenants_view_and_never_sees_another_tenants()
    {
        var (host, _) = await StartServerAsync(_shared);
        var store = host.Store;
        await store.CreateTenantAsync("acme", "Acme");
        await store.CreateTenantAsync("globex", "Globex");
        await store.CreateAsync(GeneratedTools.Create(0, prefix: "tenant-follow-global"));
        await store.ForTenant("acme").CreateAsync(GeneratedTools.Create(0, prefix: "tenant-follow-acme"));
        var key = (await host.Services.GetRequiredService<ApiKeyStore>().CreateForTenantAsync("acme-follower", "viewer", null, "acme", "tests")).Key;
        var (follower, applied) = await StartFollowerAsync(host.BaseAddress, key);

        await store.ForTenant("globex").CreateAsync(GeneratedTools.Create(1, prefix: "tenant-follow-globex"));
        await store.CreateAsync(GeneratedTools.Create(1, prefix: "tenant-follow-global"));
        var last = (await store.ForTenant("acme").CreateAsync(GeneratedTools.Create(1, prefix: "tenant-follow-acme"))).Revision;
        var snapshot = await follower.WaitForRevisionAsync(last).WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(snapshot.FindTool("tenant-follow-acme-00000"), Is.Not.Null, "the tenant's own tool, from the first load");
            Assert.That(snapshot.FindTool("tenant-follow-global-00000"), Is.Not.Null, "the global tool it inherits, from the first load");
            Assert.That(snapshot.FindTool("tenant-follow-acme-00001"), Is.Not.Null, "its own change, from the feed");
            Assert.That(snapshot.FindTool("tenant-follow-global-00001"), Is.Not.Null, "a global change, from the feed");
            Assert.That(snapshot.FindTool("tenant-follow-globex-00001"), Is.Null, "never another tenant's tool");
            Assert.That(applied, Is.Ordered.And.Unique);
            Assert.That(follower.Health.Status, Is.EqualTo(CatalogHealthStatus.Healthy));
        });
    }

    [Test]
    public void A_tenant_followed_over_http_is_refused_naming_both_options()
    {
        var error = Assert.Throws<OptionsValidationException>(() => _ = new ToolCatalogRuntime(new ToolCatalogOptions
        {
            Mode = CatalogMode.Database,
            Server = new Uri("https://catalog.internal/"),
            ServerApiKey = "tc_key",
            Tenant = "acme",
        }));

        Assert.That(error!.Message, Does.Contain("ToolCatalogOptions.Tenant is 'acme', but Server is set").And.Contain("the server's API key decides the tenant"));
    }

    [TestCase("ftp://catalog.internal/", "Server is 'ftp://catalog.internal/'")]
    [TestCase("https://user:secret@catalog.internal/", "Server has user information")]
    public void A_server_address_that_is_not_a_plain_http_address_is_refused(string address, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => _ = new ToolCatalogRuntime(new ToolCatalogOptions
        {
            Mode = CatalogMode.Database,
            Server = new Uri(address),
            ServerApiKey = "tc_key",
        }));

        Assert.That(error!.Message, Does.Contain(expected));
    }

    private async Task<(ServerHost Host, string Key)> StartServerAsync(TestDatabase? database = null, int window = 10_000, string? key = null)
    {
        var host = await ServerHost.StartAsync(
            h => h.ServeOverKestrel().UseRealSignIn().ConfigureServices(s => s.Configure<ToolCatalogServerOptions>(o => o.ChangeFeedWindow = window)),
            database);
        _cleanup.Add(host);
        key ??= (await host.Services.GetRequiredService<ApiKeyStore>().CreateAsync($"follower-{Guid.NewGuid():N}", "viewer", null, "tests")).Key; // a name of its own: hosts share a database
        return (host, key);
    }

    private async Task<(ToolCatalogRuntime Follower, ConcurrentQueue<long> Applied)> StartFollowerAsync(
        Uri server, string key, Uri? replica = null, Action<ToolCatalogRuntime>? configure = null, TimeSpan? safetyPoll = null)
    {
        var options = new ToolCatalogOptions
        {
            Mode = CatalogMode.Database,
            Server = server,
            ServerApiKey = key,
            ReconnectDelay = TimeSpan.FromMilliseconds(20),
            SafetyPollInterval = safetyPoll ?? TimeSpan.FromMinutes(5), // only the silent-stream test relies on it
            MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
        };
        if (replica is not null)
        {
            options.ServerReplicas.Add(replica);
        }

        var follower = new ToolCatalogRuntime(options);
        _cleanup.Add(follower);
        var applied = new ConcurrentQueue<long>();
        follower.Changed += (_, e) => applied.Enqueue(e.Current.Revision);
        configure?.Invoke(follower);
        await follower.StartAsync().WaitAsync(Patience);
        return (follower, applied);
    }

    private static Task ListenerStateSignal(ToolCatalogRuntime follower, ListenerState state)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        follower.ListenerStateChanged += (_, e) =>
        {
            if (e.State == state)
            {
                signal.TrySetResult();
            }
        };
        return signal.Task;
    }
}
