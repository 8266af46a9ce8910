using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Secrets;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Following;

/// <summary>
/// A follower over HTTP holds what a runtime reading PostgreSQL directly holds: the running experiments (so it selects
/// with the same assignment, and a start or stop reaches it by the change feed) and, for the keys the server allows, the
/// secrets as their sealed envelopes (a plain viewer's follower still gets masks). The server's own runtime is the direct
/// runtime compared against. Every wait is on a revision reached.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class FollowerSnapshotParityTests
{
    private const string SecretText = "follower-s3cret-41c9";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string[] Keys = [.. Enumerable.Range(0, 200).Select(static i => $"request-{i}")];
    private readonly List<IAsyncDisposable> _cleanup = [];

    [TearDown]
    public async Task CleanUp()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }
    }

    [Test]
    public async Task A_follower_loaded_while_an_experiment_runs_selects_with_the_same_assignment_as_a_direct_runtime()
    {
        var (host, key) = await StartServerAsync();
        await ThreeVersionsAsync(host);
        await host.Store.CreateExperimentAsync(new ExperimentDefinition { Name = "faster-fgrep", Tool = "fgrep", VersionA = "1.0", VersionB = "2.0" });
        await host.Store.StartExperimentAsync("faster-fgrep");
        var revision = await host.Store.GetRevisionAsync();
        await host.Catalog.WaitForRevisionAsync(revision).WaitAsync(Patience);

        var follower = await StartFollowerAsync(host.BaseAddress, key);
        var followed = await follower.WaitForRevisionAsync(revision).WaitAsync(Patience);

        Assert.That(followed.Experiments.Select(static e => e.Name), Is.EqualTo(new[] { "faster-fgrep" }));
        Assert.That(followed.FindTool("fgrep")!.Definition.Platform, Is.SameAs(followed.Experiments[0].VersionA.Definition.Platform),
            "one catalog load shares equal texts between documents (docs/scaling.md)");
        AssertSameSelections(host.Catalog.Current, followed, expectBothArms: true);
    }

    [Test]
    public async Task Starting_and_stopping_an_experiment_reaches_a_follower_through_the_change_feed()
    {
        var (host, key) = await StartServerAsync();
        await ThreeVersionsAsync(host);
        var follower = await StartFollowerAsync(host.BaseAddress, key);
        var fullLoads = 0;
        follower.Changed += (_, e) => fullLoads += e.IsFullLoad && e.Origin != CatalogChangeOrigin.Startup ? 1 : 0;
        await host.Store.CreateExperimentAsync(new ExperimentDefinition { Name = "fgrep-b", Tool = "fgrep", VersionA = "1.0", VersionB = "2.0", Environments = ["production"] });

        await host.Store.StartExperimentAsync("fgrep-b");
        var started = await follower.WaitForRevisionAsync(await host.Store.GetRevisionAsync()).WaitAsync(Patience);
        await host.Catalog.WaitForRevisionAsync(started.Revision).WaitAsync(Patience);
        var startedDirect = host.Catalog.Current;

        await host.Store.StopExperimentAsync("fgrep-b");
        var stopped = await follower.WaitForRevisionAsync(await host.Store.GetRevisionAsync()).WaitAsync(Patience);
        await host.Catalog.WaitForRevisionAsync(stopped.Revision).WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(started.Experiments.Select(static e => e.Name), Is.EqualTo(new[] { "fgrep-b" }), "the start reached the follower");
            Assert.That(stopped.Experiments, Is.Empty, "the stop reached the follower");
            Assert.That(fullLoads, Is.Zero, "both came as change events, not reloads");
        });
        AssertSameSelections(startedDirect, started, expectBothArms: true);
        AssertSameSelections(host.Catalog.Current, stopped, expectBothArms: false);
        Assert.That(Keys.Select(k => Select(stopped, k).Version).Distinct(), Is.EqualTo(new[] { "3.0" }), "after the stop every key gets the latest version");
    }

    [Test]
    public async Task A_follower_whose_key_may_read_sealed_secrets_holds_the_same_tool_as_a_direct_runtime_and_opens_it_with_the_key_ring()
    {
        var ring = SecretKeyRing.Create(TimeProvider.System);
        var (host, key) = await StartServerAsync(ring, sealedSecretReaders: "key:follower");
        var first = await ImportSecretHolderAsync(host, "1.0");
        var follower = await StartFollowerAsync(host.BaseAddress, key);
        var loaded = await follower.WaitForRevisionAsync(first).WaitAsync(Patience);
        var loadedDirect = host.Catalog.Current.FindTool("secret-holder")!.Definition;

        var second = await ImportSecretHolderAsync(host, "2.0");
        var changed = await follower.WaitForRevisionAsync(second).WaitAsync(Patience);
        await host.Catalog.WaitForRevisionAsync(second).WaitAsync(Patience);
        var changedDirect = host.Catalog.Current.FindTool("secret-holder")!.Definition;
        using var client = host.ClientWithKey(key);
        using var response = await client.GetAsync("/api/v1/catalog");
        var catalog = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(ToolJson.ToStoredJson(loaded.FindTool("secret-holder")!.Definition), Is.EqualTo(ToolJson.ToStoredJson(loadedDirect)), "the first load, as stored JSON (envelopes included)");
            Assert.That(loaded.FindTool("secret-holder")!.Definition, Is.EqualTo(loadedDirect), "the first load (GET /catalog)");
            Assert.That(changed.FindTool("secret-holder")!.Definition, Is.EqualTo(changedDirect), "a change event");
            Assert.That(Token(changed).IsSealed, Is.True);
            Assert.That(catalog, Does.Contain("\"sealed_secrets\":{\"secret-holder\":[{\"path\":\"metadata.token\"").And.Not.Contain(SecretText), catalog);
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True, "a catalog with envelopes is never cached");
            Assert.That(Token(changed).Reveal(ring), Is.EqualTo(SecretText + "2.0"), "opened with the key ring, as a direct runtime would");
        });
    }

    [Test]
    public async Task A_follower_with_a_plain_viewer_key_still_gets_masks_and_the_catalog_carries_no_envelope()
    {
        var ring = SecretKeyRing.Create(TimeProvider.System);
        var (host, key) = await StartServerAsync(ring, sealedSecretReaders: "key:someone-else");
        var first = await ImportSecretHolderAsync(host, "1.0");
        var follower = await StartFollowerAsync(host.BaseAddress, key);
        await follower.WaitForRevisionAsync(first).WaitAsync(Patience);
        var second = await ImportSecretHolderAsync(host, "2.0");
        var changed = await follower.WaitForRevisionAsync(second).WaitAsync(Patience);
        using var viewer = host.ClientWithKey(key);
        var catalog = await viewer.GetStringAsync("/api/v1/catalog");

        Assert.Multiple(() =>
        {
            Assert.That(Token(changed).IsMasked, Is.True);
            Assert.That(catalog, Does.Contain("********").And.Not.Contain("\"ct\"").And.Not.Contain("sealed_secrets"));
        });
    }

    private static SecretValue Token(CatalogSnapshot snapshot) =>
        snapshot.FindTool("secret-holder")!.Definition.Metadata["token"].AsSecret();

    private static async Task<long> ImportSecretHolderAsync(ServerHost host, string version)
    {
        var tool = GeneratedTools.Create(0, prefix: "secret-holder") with
        {
            Name = "secret-holder",
            Version = version,
            Metadata = DataMap.Create(("token", DataValue.FromSecret(SecretValue.FromPlaintext(SecretText + version)))),
        };
        var report = await host.Store.ImportAsync([tool]);
        Assert.That(report.HasProblems, Is.False, string.Join("; ", report.Items.Select(static i => i.Message)));
        return report.Revision;
    }

    private static void AssertSameSelections(CatalogSnapshot direct, CatalogSnapshot followed, bool expectBothArms)
    {
        var arms = new HashSet<ExperimentArm?>();
        foreach (var key in Keys)
        {
            var expected = Select(direct, key);
            var actual = Select(followed, key);
            arms.Add(actual.Arm);
            Assert.That((actual.Version, actual.Experiment?.Name, actual.Arm), Is.EqualTo((expected.Version, expected.Experiment?.Name, expected.Arm)), $"key {key}");
        }

        Assert.That(arms, expectBothArms ? Is.EquivalentTo(new ExperimentArm?[] { ExperimentArm.A, ExperimentArm.B }) : Is.EquivalentTo(new ExperimentArm?[] { null }));
    }

    private static ToolSelectionResult Select(CatalogSnapshot snapshot, string key) =>
        new ToolSelector().Select(snapshot, new SelectionRequest { Capabilities = ["fgrep_cap"], AssignmentKey = key, Environment = "production" });

    private static async Task ThreeVersionsAsync(ServerHost host)
    {
        await host.Store.CreateAsync(Tool("1.0", "100"));
        await host.Store.PublishAsync(Tool("2.0", "200"));
        await host.Store.PublishAsync(Tool("3.0", "300"));
    }

    private static ToolDefinition Tool(string version, string time) => new()
    {
        Name = "fgrep",
        Version = version,
        Description = "fgrep " + version,
        Platform = "linux",
        Category = "system",
        Capabilities =
        [
            new CapabilityDefinition
            {
                Name = "fgrep_cap",
                Description = "Finds text",
                Patterns = [new PatternDefinition { Name = "default", Description = "The usual way", TimeEstimateMs = time }],
            },
        ],
    };

    private async Task<(ServerHost Host, string Key)> StartServerAsync(ISecretProtector? protector = null, string? sealedSecretReaders = null)
    {
        var host = await ServerHost.StartAsync(h => h.ServeOverKestrel().UseRealSignIn().ConfigureServices(s =>
        {
            if (protector is not null)
            {
                s.AddSingleton(protector);
            }

            if (sealedSecretReaders is not null)
            {
                s.Configure<ToolCatalogServerOptions>(o => o.SealedSecretReaders.Add(sealedSecretReaders));
            }
        }));
        _cleanup.Add(host);
        var key = (await host.Services.GetRequiredService<ApiKeyStore>().CreateAsync("follower", "viewer", null, "tests")).Key;
        return (host, key);
    }

    private async Task<ToolCatalogRuntime> StartFollowerAsync(Uri server, string key)
    {
        var follower = new ToolCatalogRuntime(new ToolCatalogOptions
        {
            Mode = CatalogMode.Database,
            Server = server,
            ServerApiKey = key,
            ReconnectDelay = TimeSpan.FromMilliseconds(20),
            SafetyPollInterval = TimeSpan.FromMinutes(5),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
        });
        _cleanup.Add(follower);
        await follower.StartAsync().WaitAsync(Patience);
        return follower;
    }
}
