using System.Text.Json;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog experiment</c> against a real database.</summary>
/// <remarks>
/// The tests (one at a time) share one database: each experiments on a tool of its own, under experiment names of its
/// own, and asserts only on those.
/// </remarks>
[Parallelizable(ParallelScope.Self)]
public sealed class ExperimentCommandTests
{
    private TestDatabase _db = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _db = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Create_assign_start_status_stop_runs_the_whole_life_and_assignment_matches_ArmAssignment()
    {
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString };
        var tool = await ToolWithTwoVersionsAsync(_db, "experimented");

        var created = await CliHarness.RunAsync(env, "experiment", "create", "faster", "--tool", tool, "--a", "1.0", "--b", "2.0", "--split", "0.3",
            "--environment", "production", "--environment", "staging", "--metric", "time", "--min-samples", "250", "--auto-promote", "--description", "speed");
        Assert.That(created.ExitCode, Is.EqualTo(0), created.Error);
        Assert.That(created.Output, Does.Contain("Experiment faster created as a draft"));

        var seed = ArmAssignment.Seed("faster");
        foreach (var key in new[] { "alice", "bob", "carol", "dave", "erin", "frank" })
        {
            var first = await CliHarness.RunAsync(env, "experiment", "assign", "faster", "--key", key, "--environment", "production");
            var again = await CliHarness.RunAsync(env, "experiment", "assign", "faster", "--key", key, "--environment", "production");
            Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
            var expected = ArmAssignment.Assign(seed, key, 0.3) == ExperimentArm.B ? "b" : "a";
            Assert.That(first.Output.Trim(), Is.EqualTo(expected), key);
            Assert.That(again.Output, Is.EqualTo(first.Output), "the same key gets the same arm");
        }

        var outside = await CliHarness.RunAsync(env, "experiment", "assign", "faster", "--key", "alice", "--environment", "dev");
        Assert.That(outside.ExitCode, Is.EqualTo(0), outside.Error);
        Assert.That(outside.Output, Does.StartWith("not enrolled").And.Contain("environments production, staging"));
        var outsideJson = JsonDocument.Parse((await CliHarness.RunAsync(env, "experiment", "assign", "faster", "--key", "alice", "--format", "json")).Output).RootElement;
        Assert.That(outsideJson.GetProperty("enrolled").GetBoolean(), Is.False);
        Assert.That(outsideJson.GetProperty("arm").ValueKind, Is.EqualTo(JsonValueKind.Null));

        var started = await CliHarness.RunAsync(env, "experiment", "start", "faster");
        Assert.That(started.ExitCode, Is.EqualTo(0), started.Error);
        Assert.That(started.Output, Does.Contain("Experiment faster is running."));

        var status = await CliHarness.RunAsync(env, "experiment", "status", "faster", "--format", "json");
        Assert.That(status.ExitCode, Is.EqualTo(0), status.Error);
        var json = JsonDocument.Parse(status.Output).RootElement;
        Assert.That(json.GetProperty("state").GetString(), Is.EqualTo("running"));
        Assert.That(json.GetProperty("tool").GetString(), Is.EqualTo(tool));
        Assert.That((json.GetProperty("a").GetString(), json.GetProperty("b").GetString()), Is.EqualTo(("1.0", "2.0")));
        Assert.That(json.GetProperty("split").GetDouble(), Is.EqualTo(0.3));
        Assert.That(json.GetProperty("metric").GetString(), Is.EqualTo("time"));
        Assert.That(json.GetProperty("min_samples").GetInt32(), Is.EqualTo(250));
        Assert.That(json.GetProperty("auto_promote").GetBoolean(), Is.True);
        Assert.That(json.GetProperty("environments").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "production", "staging" }));
        Assert.That(json.GetProperty("started_at").ValueKind, Is.EqualTo(JsonValueKind.String));

        var stopped = await CliHarness.RunAsync(env, "experiment", "stop", "faster");
        Assert.That(stopped.ExitCode, Is.EqualTo(0), stopped.Error);
        Assert.That(stopped.Output, Does.Contain("Experiment faster is stopped."));

        var stopAgain = await CliHarness.RunAsync(env, "experiment", "stop", "faster");
        Assert.That(stopAgain.ExitCode, Is.EqualTo(1));
        Assert.That(stopAgain.Error, Does.Contain("Experiment 'faster' is stopped; only a running experiment can be stopped"));

        var list = await CliHarness.RunAsync(env, "experiment", "status");
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Error);
        Assert.That(list.Output, Does.Contain("faster").And.Contain("stopped"));
    }

    [Test]
    public async Task Assign_enrols_a_user_through_a_targeted_group()
    {
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString };
        var tool = await ToolWithTwoVersionsAsync(_db, "experimented-group");
        var created = await CliHarness.RunAsync(env, "experiment", "create", "for-ops", "--tool", tool, "--a", "1.0", "--b", "2.0", "--user", "ops-team");
        Assert.That(created.ExitCode, Is.EqualTo(0), created.Error);

        var member = await CliHarness.RunAsync(env, "experiment", "assign", "for-ops", "--key", "alice", "--group", "dba", "--group", "ops-team");
        var outsider = await CliHarness.RunAsync(env, "experiment", "assign", "for-ops", "--key", "alice", "--group", "dba");

        var expected = ArmAssignment.Assign(ArmAssignment.Seed("for-ops"), "alice", 0.5) == ExperimentArm.B ? "b" : "a";
        Assert.That(member.Output.Trim(), Is.EqualTo(expected), member.Error);
        Assert.That(outsider.Output, Does.StartWith("not enrolled"), outsider.Error);
    }

    [Test]
    public async Task Refused_creations_exit_1_with_the_reason()
    {
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString };
        var tool = await ToolWithTwoVersionsAsync(_db, "experimented-refused");

        var unknownVersion = await CliHarness.RunAsync(env, "experiment", "create", "x", "--tool", tool, "--a", "1.0", "--b", "3.0");
        Assert.That(unknownVersion.ExitCode, Is.EqualTo(1));
        Assert.That(unknownVersion.Error, Does.Contain("version '3.0' (arm b) is not a stored version"));

        var sameArms = await CliHarness.RunAsync(env, "experiment", "create", "x", "--tool", tool, "--a", "1.0", "--b", "1.0");
        Assert.That(sameArms.ExitCode, Is.EqualTo(1));
        Assert.That(sameArms.Error, Does.Contain("version_b"));

        var missing = await CliHarness.RunAsync(env, "experiment", "start", "nope");
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("no experiment named 'nope'"));
    }

    [TestCase("--split", "1.5", "--split '1.5': must be a number greater than 0 and less than 1")]
    [TestCase("--split", "0", "--split '0': must be a number greater than 0")]
    [TestCase("--split", "half", "--split 'half': must be a number")]
    [TestCase("--metric", "latency", "--metric 'latency': must be success")]
    [TestCase("--min-samples", "0", "--min-samples 0: must be at least 1")]
    public async Task A_bad_option_is_a_usage_error_naming_it(string option, string value, string message)
    {
        var result = await CliHarness.RunAsync("experiment", "create", "x", "--tool", "grep", "--a", "1.0", "--b", "2.0", option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(message));
    }

    private static async Task<string> ToolWithTwoVersionsAsync(TestDatabase db, string prefix)
    {
        var store = db.CreateStore();
        var tool = GeneratedTools.Create(1, prefix: prefix);
        await store.CreateAsync(tool);
        await store.PublishAsync(tool with { Version = "2.0" });
        return tool.Name;
    }
}
