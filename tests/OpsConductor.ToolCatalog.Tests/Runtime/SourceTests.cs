using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpsConductor.ToolCatalog.Profiles;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;
using static OpsConductor.ToolCatalog.Tests.Runtime.RuntimeHarness;

namespace OpsConductor.ToolCatalog.Tests.Runtime;

/// <summary>Which source serves: the database, the YAML fallback while the database has never been reachable, or YAML alone.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class SourceTests
{
    private const string Unreachable = "Host=127.0.0.1;Port=1;Username=nobody;Password=secret;Database=none;Timeout=3";

    [Test]
    public async Task With_the_database_down_from_the_start_the_yaml_serves_and_says_so_until_the_database_comes_up()
    {
        await using var server = await TestServer.StartPrivateAsync();
        await using var db = await TestDatabase.CreateAsync(server);
        await server.StopAsync();
        var logs = new FakeLogCollector();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Debug));
        await using var catalog = Create(db, o => { o.Mode = CatalogMode.DatabaseWithYamlFallback; o.YamlPath = TestPaths.SampleTools; }, loggerFactory: loggers);
        using var tools = new MetricCollector<int>(catalog.Catalog.Metrics.Meter, "toolcatalog.tools");
        var profiles = new ProfileLoader(catalog.Catalog);

        await catalog.Catalog.StartAsync().WaitAsync(Patience);
        tools.RecordObservableInstruments();

        Assert.That(catalog.Catalog.Source, Is.EqualTo(CatalogSource.Yaml));
        Assert.That(profiles.Source, Is.EqualTo(CatalogSource.Yaml));
        Assert.That(profiles.GetToolProfile("systemctl"), Is.Not.Null);
        Assert.That(catalog.Catalog.Health.Status, Is.EqualTo(CatalogHealthStatus.Degraded));
        Assert.That(catalog.Catalog.Health.Description, Does.Contain("YAML fallback").And.Contain("not been reachable since start"));
        Assert.That(logs.GetSnapshot().Select(l => l.Id.Id), Does.Contain(5005));
        Assert.That(logs.GetSnapshot().Single(l => l.Id.Id == 5005).Message, Does.Contain(TestPaths.SampleTools));
        Assert.That(tools.LastMeasurement!.Value, Is.EqualTo(202), "the shipped catalog");
        Assert.That(tools.LastMeasurement.Tags["source"], Is.EqualTo("yaml"));
        Assert.That(logs.GetSnapshot().Select(l => l.Message), Has.None.Contains("secret"), "connection strings are never logged");

        await server.StartAsync();
        db.DataSource.Clear();
        var write = await db.CreateStore().CreateAsync(Tool("db-only"));
        await catalog.NextChangeAsync(e => e.Current.Source == CatalogSource.Database);
        await catalog.ReachAsync(write.Revision);
        // The listener catches up (the revision above) before it reports itself listening, and health says Healthy
        // only while it listens: wait for that report, not only for the revision.
        await catalog.NextStateAsync(ListenerState.Connected);
        tools.RecordObservableInstruments();

        Assert.That(profiles.Source, Is.EqualTo(CatalogSource.Database));
        Assert.That(profiles.GetToolProfile("db-only"), Is.Not.Null);
        Assert.That(profiles.GetToolProfile("systemctl"), Is.Null, "the YAML is no longer served");
        Assert.That(catalog.Catalog.Health.Status, Is.EqualTo(CatalogHealthStatus.Healthy));
        Assert.That(logs.GetSnapshot().Where(l => l.Id.Id == 5000).Select(l => l.Message), Has.Some.Contains("now served from Database"));
        Assert.That(tools.LastMeasurement.Tags["source"], Is.EqualTo("database"));

        catalog.ForgetStates(); // the failed attempts before the database came up were recorded too
        await server.StopAsync();
        await catalog.NextStateAsync(ListenerState.Disconnected);
        Assert.That(catalog.Catalog.Source, Is.EqualTo(CatalogSource.Database), "once the database was reached, an outage keeps its last snapshot, never the YAML");
        Assert.That(catalog.Catalog.Health.Status, Is.EqualTo(CatalogHealthStatus.Degraded));
    }

    [Test]
    public async Task Database_mode_with_the_database_unreachable_serves_an_empty_catalog_and_reports_unhealthy()
    {
        await using var catalog = Create(new ToolCatalogOptions { Mode = CatalogMode.Database, ConnectionString = Unreachable, ReconnectDelay = TimeSpan.FromSeconds(5) });

        await catalog.Catalog.StartAsync().WaitAsync(Patience);
        var health = catalog.Catalog.Health;
        var evaluation = new ToolSelector().Evaluate(catalog.Current, new SelectionRequest { Capabilities = ["service_control"] });

        Assert.That(catalog.Current.ToolCount, Is.Zero);
        Assert.That(catalog.Catalog.Source, Is.EqualTo(CatalogSource.None));
        Assert.That(health.Status, Is.EqualTo(CatalogHealthStatus.Unhealthy));
        Assert.That(health.Description, Does.Contain("database has not been reachable since start"));
        Assert.That(health.LastError, Is.Not.Null.And.Not.Contains("secret"));
        Assert.That(evaluation.Ranked, Is.Empty, "readers get an empty catalog, not an exception");
        Assert.That(() => new ProfileLoader(catalog.Catalog).Load(),
            Throws.TypeOf<ProfileLoadException>().With.Message.StartsWith("Failed to load profiles from database: No catalog loaded"));
        Assert.That(async () => await catalog.Catalog.RefreshAsync(), Throws.InstanceOf<Npgsql.NpgsqlException>(), "an explicit refresh says why it failed");
    }

    [Test]
    public async Task Yaml_mode_reads_a_folder_in_file_order_and_leaves_out_unusable_files_naming_why()
    {
        using var folder = new TempFolder();
        folder.Write("b/zeta.yaml", ToolYamlWriter.Write(Tool("zeta")));
        folder.Write("a/alpha.yaml", ToolYamlWriter.Write(Tool("alpha")));
        folder.Write("a/broken.yaml", "tool_name: broken\ncapabilities: [unclosed\n");
        folder.Write("c/stub.yaml", "name: stub\nversion: \"1.0\"\ndescription: a stub\n");
        folder.Write("c/invalid.yaml", ToolYamlWriter.Write(Tool("invalid") with { Version = "" }));
        var logs = new FakeLogCollector();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        await using var catalog = Create(new ToolCatalogOptions { Mode = CatalogMode.Yaml, YamlPath = folder.Path }, loggerFactory: loggers);

        await catalog.Catalog.StartAsync();
        var problems = logs.GetSnapshot().Where(l => l.Id.Id == 5006).Select(l => l.Message).ToList();

        Assert.That(catalog.Current.Tools.Select(t => t.Name), Is.EqualTo(new[] { "alpha", "zeta" }), "a/ before b/: ordinal path order");
        Assert.That(catalog.Current.KeepsFileOrder, Is.True);
        Assert.That(catalog.Catalog.Health.Status, Is.EqualTo(CatalogHealthStatus.Healthy));
        Assert.That(problems, Has.Count.EqualTo(3));
        Assert.That(problems, Has.Some.Contains("broken.yaml:3:1: error YAML001"), "file, line, column and rule");
        Assert.That(problems, Has.Some.Contains("stub.yaml:1:1: error SHAPE002"));
        Assert.That(problems, Has.Some.Contains("invalid.yaml:2:10: error TOOL002 version"));
        Assert.That(problems, Has.All.EndsWith("(file left out)"));
    }

    [Test]
    public async Task In_yaml_mode_a_refresh_reads_the_files_again_and_one_tool_can_be_reloaded_from_its_file()
    {
        using var folder = new TempFolder();
        folder.Write("one.yaml", ToolYamlWriter.Write(Tool("one")));
        folder.Write("two.yaml", ToolYamlWriter.Write(Tool("two")));
        await using var catalog = Create(new ToolCatalogOptions { Mode = CatalogMode.Yaml, YamlPath = folder.Path });
        await catalog.Catalog.StartAsync();
        catalog.ForgetChanges();
        var two = catalog.Current.FindTool("two");

        folder.Write("one.yaml", ToolYamlWriter.Write(Tool("one", time: "999")));
        var reloaded = await catalog.Catalog.ReloadToolAsync("one");
        var toolReload = await catalog.NextChangeAsync();
        folder.Write("two.yaml", ToolYamlWriter.Write(Tool("two", "2.0")));
        folder.Write("three.yaml", ToolYamlWriter.Write(Tool("three")));
        await catalog.Catalog.RefreshAsync();
        var refresh = await catalog.NextChangeAsync();

        Assert.That(reloaded.FindTool("one")!.Definition.Capabilities[0].Patterns[0].TimeEstimateMs, Is.EqualTo("999"));
        Assert.That(reloaded.FindTool("two"), Is.SameAs(two), "only the one tool was read again");
        Assert.That(toolReload.Changes.Single().Kind, Is.EqualTo(ToolChangeKind.ContentChanged));
        Assert.That(refresh.IsFullLoad, Is.True);
        Assert.That(refresh.Changes.Select(c => $"{c.Name}: {c.Description}"), Is.EqualTo(new[] { "three: added version 1.0", "two: published version 1.0 → 2.0" }));
        Assert.That(catalog.Current.Tools.Select(t => t.Name), Is.EqualTo(new[] { "one", "three", "two" }));

        File.Delete(Path.Combine(folder.Path, "three.yaml"));
        Directory.Delete(folder.Path, recursive: true);
        Assert.That(async () => await catalog.Catalog.RefreshAsync(),
            Throws.TypeOf<FileNotFoundException>().With.Message.StartsWith("Optimization profiles config not found"));
        Assert.That(catalog.Current.ToolCount, Is.EqualTo(3), "a failed reload keeps the last good catalog");
    }

    [Test]
    public async Task A_profiles_file_that_breaks_a_rule_is_refused_whole_as_the_original_did()
    {
        using var folder = new TempFolder();
        var text = await File.ReadAllTextAsync(Path.Combine(Compat.Profiles, "tool_optimization_profiles.44c1a4bf.yaml"));
        folder.Write("profiles.yaml", text.Replace("complexity_score: 0.1", "complexity_score: 7", StringComparison.Ordinal));
        await using var catalog = Create(new ToolCatalogOptions { Mode = CatalogMode.Yaml, YamlPath = Path.Combine(folder.Path, "profiles.yaml") });

        await catalog.Catalog.StartAsync();

        Assert.That(catalog.Catalog.Source, Is.EqualTo(CatalogSource.None));
        Assert.That(catalog.Catalog.Health.Status, Is.EqualTo(CatalogHealthStatus.Unhealthy));
        Assert.That(catalog.Catalog.Health.LastError, Does.StartWith("Invalid optimization profiles config:").And.Contain("complexity_score"));
        Assert.That(() => new ProfileLoader(catalog.Catalog).Reload(),
            Throws.TypeOf<ProfileLoadException>().With.Message.StartsWith("Invalid optimization profiles config:").And.Message.Contains("profiles.yaml:"));
    }

    /// <summary>A throwaway folder, deleted on dispose.</summary>
    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("toolcatalog-runtime-").FullName;

        public void Write(string relative, string text)
        {
            var file = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
        }

        public void Dispose()
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
    }
}
