using System.Text.Json;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary><c>toolcatalog bulk-update</c> against a test database holding the samples.</summary>
/// <remarks>
/// The samples are imported once into a seed database (revision 1, the 202 tools of the shipped catalog). The tests
/// that must write nothing (dry runs, refusals, usage errors) share one copy of it, <see cref="_unwritten"/>: each
/// asserts the revision stays 1 or that a tool keeps its values, which a write by another test would break, never
/// satisfy. A test that writes gets a copy of its own.
/// </remarks>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class BulkUpdateCommandTests
{
    private static TestDatabase _seed = null!;
    private static TestDatabase _unwritten = null!;

    private static Dictionary<string, string> Env(TestDatabase db) => new() { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };

    [OneTimeSetUp]
    public static async Task ImportTheSamplesOnce()
    {
        _seed = await TestDatabase.CreateAsync();
        await CatalogFiles.ImportAsync(_seed.CreateStore(), new CatalogFiles().Load(CliPaths.Samples));
        _unwritten = await _seed.CopyAsync();
    }

    [OneTimeTearDown]
    public static async Task DropTheDatabases()
    {
        await _unwritten.DisposeAsync();
        await _seed.DisposeAsync();
    }

    [Test]
    public async Task Requiring_approval_on_every_linux_pattern_publishes_new_versions_shows_the_diff_and_audits_each()
    {
        await using var db = await _seed.CopyAsync();
        var store = db.CreateStore();
        var audits = await AuditReader.CountAsync(db);

        var result = await CliHarness.RunAsync(Env(db), "bulk-update", "--filter", "platform=linux", "--set", "policy.requires_approval=true", "--reason", "change freeze");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("systemctl 1.0 -> 1.1\n  capabilities.service_reload.patterns.reload.policy.requires_approval: false -> true\n"));
        Assert.That(result.Output, Does.Contain("46 tools match; 40 would get a new version, 6 already have these values."));
        Assert.That(result.Output, Does.Contain("Published 40 new versions in one transaction; the catalog is at revision 2."));
        var systemctl = (await store.GetAsync("systemctl"))!;
        Assert.That(systemctl.Definition.Version, Is.EqualTo("1.1"));
        Assert.That(systemctl.Definition.Capabilities.SelectMany(c => c.Patterns).Select(p => p.Policy.RequiresApproval), Is.All.True);
        Assert.That((await store.GetAsync("curl"))!.Definition.Version, Is.EqualTo("1.0"), "other platforms untouched");
        var audit = await AuditReader.ReadAsync(db, "systemctl");
        Assert.That(await AuditReader.CountAsync(db), Is.EqualTo(audits + 40));
        Assert.That(audit[^1].Version, Is.EqualTo("1.1"));
        Assert.That(audit[^1].Reason, Is.EqualTo("change freeze"));
        Assert.That(audit[^1].Changes.ToJsonString(), Does.Contain("requires_approval"));
    }

    [Test]
    public async Task A_dry_run_shows_the_diff_and_writes_nothing()
    {
        var result = await CliHarness.RunAsync(Env(_unwritten), "bulk-update", "--filter", "name=sys*", "--set", "metadata.owner=ops", "--set", "defaults.freshness=recent", "--dry-run");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("systemctl 1.0 -> 1.1\n  metadata.owner: (absent) -> \"ops\"\n"));
        Assert.That(result.Output, Does.Contain("systemd-timer 1.0 -> 1.1"));
        Assert.That(result.Output, Does.Contain("Dry run: nothing was written."));
        Assert.That(await _unwritten.CreateStore().GetRevisionAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task Tools_that_already_have_the_value_are_left_alone()
    {
        var result = await CliHarness.RunAsync(Env(_unwritten), "bulk-update", "--filter", "capability=service_restart", "--set", "category=system", "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("matched").GetInt32(), Is.EqualTo(2));
        Assert.That(json.RootElement.GetProperty("tools").GetArrayLength(), Is.EqualTo(0));
        Assert.That(await _unwritten.CreateStore().GetRevisionAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_value_that_breaks_validation_refuses_every_change()
    {
        var result = await CliHarness.RunAsync(Env(_unwritten), "bulk-update", "--filter", "platform=network", "--set", "complexity_score=high");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("complexity_score").And.Contain("nothing was written"));
        Assert.That(await _unwritten.CreateStore().GetRevisionAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task The_version_bump_steps_over_versions_the_tool_already_had()
    {
        await using var db = await _seed.CopyAsync();
        var store = db.CreateStore();
        var df = (await store.GetAsync("df"))!.Definition;
        await store.PublishAsync(df with { Version = "1.1", Description = "newer" });
        await store.RollbackAsync("df", "1.0");

        var result = await CliHarness.RunAsync(Env(db), "bulk-update", "--filter", "name=df", "--set", "metadata.owner=storage");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("df 1.0 -> 1.2"));
        Assert.That((await store.GetAsync("df"))!.Definition.Version, Is.EqualTo("1.2"));
    }

    [TestCase("--filter", "colour=red", "'colour' is not a filter")]
    [TestCase("--filter", "platform", "is not KEY=VALUE")]
    [TestCase("--set", "version=2.0", "bumped automatically")]
    [TestCase("--set", "policy", "is not path=value")]
    public async Task Bad_filters_and_paths_are_usage_errors(string flag, string value, string message)
    {
        string[] args = flag == "--filter"
            ? ["bulk-update", "--filter", value, "--set", "metadata.owner=x"]
            : ["bulk-update", "--filter", "name=*", "--set", value];

        var result = await CliHarness.RunAsync(Env(_unwritten), args);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(message));
    }

    [Test]
    public async Task A_filter_is_required()
    {
        var result = await CliHarness.RunAsync(Env(_unwritten), "bulk-update", "--set", "metadata.owner=x");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--filter"));
    }
}
