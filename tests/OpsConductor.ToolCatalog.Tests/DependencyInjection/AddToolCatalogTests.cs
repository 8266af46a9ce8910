using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConductor.ToolCatalog.DependencyInjection;
using OpsConductor.ToolCatalog.Diagnostics;
using OpsConductor.ToolCatalog.Profiles;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.DependencyInjection;

/// <summary><c>services.AddToolCatalog(…)</c> in a real host: options checked at start, idempotent, health, metrics.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class AddToolCatalogTests
{
    private const string Unreachable = "Host=127.0.0.1;Port=1;Username=nobody;Password=secret;Database=none;Timeout=3";

    private static IHost BuildHost(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        configure(builder.Services);
        return builder.Build();
    }

    private static async Task<HealthCheckResult> CheckAsync(IServiceProvider services) =>
        await services.GetRequiredService<ToolCatalogHealthCheck>().CheckHealthAsync(new HealthCheckContext());

    [TestCase(CatalogMode.Yaml, null, null, 30, "ToolCatalogOptions.YamlPath is not set, but the mode is Yaml")]
    [TestCase(CatalogMode.Database, null, null, 30, "ToolCatalogOptions.ConnectionString is not set and no NpgsqlDataSource is registered")]
    [TestCase(CatalogMode.Database, null, null, 30, "services.AddNpgsqlDataSource(…) from the Npgsql.DependencyInjection package")]
    [TestCase(CatalogMode.Yaml, "/nonexistent/tools", null, 30, "ToolCatalogOptions.YamlPath is '/nonexistent/tools'")]
    [TestCase(CatalogMode.Database, null, Unreachable, 0, "ToolCatalogOptions.SafetyPollInterval is 00:00:00; it must be at least 00:00:01")]
    [TestCase(CatalogMode.Database, null, "Host=h;Nonsense Key=1", 30, "ToolCatalogOptions.ConnectionString is not a valid PostgreSQL connection string")]
    public void Options_that_cannot_work_fail_the_host_start_naming_the_option_and_what_is_allowed(CatalogMode mode, string? yamlPath, string? connectionString, int pollSeconds, string expected)
    {
        using var host = BuildHost(s => s.AddToolCatalog(o =>
        {
            o.Mode = mode;
            o.YamlPath = yamlPath;
            o.ConnectionString = connectionString;
            o.SafetyPollInterval = TimeSpan.FromSeconds(pollSeconds);
        }));

        Assert.That(async () => await host.StartAsync(), Throws.TypeOf<OptionsValidationException>().With.Message.Contains(expected));
    }

    [Test]
    public async Task Calling_AddToolCatalog_twice_registers_each_service_once_and_applies_both_configurations()
    {
        var services = new ServiceCollection();
        services.AddToolCatalog(o => o.Mode = CatalogMode.Yaml);
        services.AddToolCatalog(o => o.YamlPath = TestPaths.SampleTools).ConfigureSelection(o => o.AmbiguityEpsilon = 0.01);
        await using var provider = services.BuildServiceProvider();

        Assert.That(services.Count(d => d.ServiceType == typeof(IHostedService)), Is.EqualTo(6), "the catalog's, the telemetry recorder's, the auto-apply's, the time calibrations', the decision log's and the experiment monitor's");
        Assert.That(services.Count(d => d.ServiceType == typeof(OpsConductor.ToolCatalog.Telemetry.ITimeCalibrationSource)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(OpsConductor.ToolCatalog.Decisions.IDecisionLog)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(OpsConductor.ToolCatalog.Storage.IExperiments)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(OpsConductor.ToolCatalog.Telemetry.ITelemetryRecorder)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IToolCatalog)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(ToolSelector)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IValidateOptions<ToolCatalogOptions>)), Is.EqualTo(1));
        var options = provider.GetRequiredService<IOptions<ToolCatalogOptions>>().Value;
        Assert.That((options.Mode, options.YamlPath), Is.EqualTo((CatalogMode.Yaml, TestPaths.SampleTools)));
        Assert.That(provider.GetRequiredService<IToolCatalog>(), Is.SameAs(provider.GetRequiredService<ToolCatalogRuntime>()));
        Assert.That(provider.GetRequiredService<ToolSelector>().Options.AmbiguityEpsilon, Is.EqualTo(0.01));
    }

    [Test]
    public async Task The_host_data_source_is_used_and_the_catalog_follows_the_database()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.CreateStore().CreateAsync(Runtime.RuntimeHarness.Tool("systemctl"));
        using var host = BuildHost(s =>
        {
            s.AddSingleton(db.DataSource);
            s.AddToolCatalog(o => o.Mode = CatalogMode.Database);
        });

        await host.StartAsync();
        var catalog = host.Services.GetRequiredService<IToolCatalog>();
        var health = await CheckAsync(host.Services);
        var write = await db.CreateStore().CreateAsync(Runtime.RuntimeHarness.Tool("journalctl"));
        await catalog.WaitForRevisionAsync(write.Revision).WaitAsync(Runtime.RuntimeHarness.Patience);
        var profiles = host.Services.GetRequiredService<ProfileLoader>();
        await host.StopAsync();

        Assert.That(catalog.Source, Is.EqualTo(CatalogSource.Database));
        Assert.That(health.Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(health.Data["source"], Is.EqualTo("database"));
        Assert.That(health.Data["listening"], Is.True);
        Assert.That(profiles.GetAllTools().Keys, Is.EqualTo(new[] { "journalctl", "systemctl" }));
        Assert.That(catalog.Health.IsListening, Is.False, "stopped with the host");
    }

    [Test]
    public async Task The_health_check_reports_degraded_on_the_yaml_fallback_and_unhealthy_with_nothing_to_serve()
    {
        using var fallback = BuildHost(s => s.AddToolCatalog(o =>
        {
            o.ConnectionString = Unreachable;
            o.YamlPath = TestPaths.SampleTools;
            o.ReconnectDelay = TimeSpan.FromSeconds(10);
            o.MaxReconnectDelay = TimeSpan.FromSeconds(10);
        }));
        using var nothing = BuildHost(s => s.AddToolCatalog(o =>
        {
            o.Mode = CatalogMode.Database;
            o.ConnectionString = Unreachable;
            o.ReconnectDelay = TimeSpan.FromSeconds(10);
            o.MaxReconnectDelay = TimeSpan.FromSeconds(10);
        }));

        await fallback.StartAsync();
        await nothing.StartAsync();
        var degraded = await CheckAsync(fallback.Services);
        var unhealthy = await CheckAsync(nothing.Services);
        var custom = await nothing.Services.GetRequiredService<ToolCatalogHealthCheck>().CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("tool_catalog", nothing.Services.GetRequiredService<ToolCatalogHealthCheck>(), HealthStatus.Degraded, null),
        });
        await fallback.StopAsync();
        await nothing.StopAsync();

        Assert.That(degraded.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(degraded.Description, Does.Contain("YAML fallback"));
        Assert.That(degraded.Data["source"], Is.EqualTo("yaml"));
        Assert.That(degraded.Data["tools"], Is.EqualTo(202));
        Assert.That(unhealthy.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(unhealthy.Data["last_error"], Is.Not.Null);
        Assert.That(custom.Status, Is.EqualTo(HealthStatus.Degraded), "the registration's failure status is honoured");
    }

    [Test]
    public async Task The_selector_and_the_facade_read_the_catalog_the_host_started()
    {
        using var host = BuildHost(s => s.AddToolCatalog(o => { o.Mode = CatalogMode.Yaml; o.YamlPath = TestPaths.SampleTools; }));
        await host.StartAsync();

        var catalog = host.Services.GetRequiredService<IToolCatalog>();
        var result = await host.Services.GetRequiredService<ToolSelector>().SelectAsync(
            catalog.Current, new SelectionRequest { Capabilities = ["service_control"], Query = "restart nginx quickly", Variables = new Dictionary<string, double> { ["N"] = 3 } });
        var profile = host.Services.GetRequiredService<ProfileLoader>().GetToolProfile(result.ToolName);
        await host.StopAsync();

        Assert.That(result.ToolName, Is.Not.Empty);
        Assert.That(profile, Is.Not.Null);
        Assert.That(profile!.Capabilities.Keys, Does.Contain("service_restart"));
    }

    [Test]
    public async Task Metrics_are_reported_through_the_host_meter_factory_with_low_cardinality_tags()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddToolCatalog(o => { o.Mode = CatalogMode.Yaml; o.YamlPath = TestPaths.SampleTools; });
        await using var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<IMeterFactory>();
        using var reloads = new MetricCollector<long>(meters, ToolCatalogDiagnostics.MeterName, "toolcatalog.reloads");
        using var lookups = new MetricCollector<long>(meters, ToolCatalogDiagnostics.MeterName, "toolcatalog.lookups");
        using var tools = new MetricCollector<int>(meters, ToolCatalogDiagnostics.MeterName, "toolcatalog.tools");
        var catalog = provider.GetRequiredService<ToolCatalogRuntime>();

        await catalog.StartAsync();
        var profiles = provider.GetRequiredService<ProfileLoader>();
        profiles.GetToolProfile("grep");
        profiles.GetToolProfile("no-such-tool");
        tools.RecordObservableInstruments();
        await catalog.StopAsync();

        var reload = reloads.GetMeasurementSnapshot().Single();
        Assert.That(reload.Tags, Is.EquivalentTo(new Dictionary<string, object?> { ["kind"] = "full", ["origin"] = "startup", ["source"] = "yaml", ["outcome"] = "success" }));
        Assert.That(lookups.GetMeasurementSnapshot().Select(m => m.Tags["result"]), Is.EqualTo(new[] { "hit", "miss" }));
        Assert.That(lookups.GetMeasurementSnapshot().Select(m => m.Tags.Count), Is.All.EqualTo(2), "no tool names in tags");
        Assert.That(tools.LastMeasurement!.Value, Is.EqualTo(202), "the shipped catalog");
    }

    [Test]
    public async Task A_connection_string_in_the_options_builds_a_data_source_of_the_catalog_own()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var host = BuildHost(s => s.AddToolCatalog(o => { o.Mode = CatalogMode.Database; o.ConnectionString = db.ConnectionString; }));

        await host.StartAsync();
        var catalog = host.Services.GetRequiredService<IToolCatalog>();
        var health = catalog.Health;
        await host.StopAsync();

        Assert.That(host.Services.GetService<NpgsqlDataSource>(), Is.Null, "nothing was registered for the host");
        Assert.That(health.Status, Is.EqualTo(CatalogHealthStatus.Healthy));
    }
}
