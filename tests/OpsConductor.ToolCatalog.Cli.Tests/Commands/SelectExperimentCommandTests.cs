using System.Text.Json;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog select --assignment-key K [--user U]</c> with an experiment running, against a real database.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class SelectExperimentCommandTests
{
    [Test]
    public async Task An_enrolled_key_selects_the_arms_version_and_says_so_and_no_key_selects_the_latest()
    {
        await using var db = await TestDatabase.CreateAsync();
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };
        var store = db.CreateStore();
        await store.CreateAsync(Tool("1.0", "100"));
        await store.PublishAsync(Tool("2.0", "200"));
        await store.PublishAsync(Tool("3.0", "300"));
        var experiment = await store.CreateExperimentAsync(new ExperimentDefinition { Name = "cli-grep", Tool = "cligrep", VersionA = "1.0", VersionB = "2.0" });
        await store.StartExperimentAsync(experiment.Name);
        var keyA = Enumerable.Range(0, 100).Select(i => $"k-{i}").First(k => experiment.Assign(k) == ExperimentArm.A);

        var text = await CliHarness.RunAsync(env, "select", "cli_cap", "--assignment-key", keyA);
        var json = await CliHarness.RunAsync(env, "select", "cli_cap", "--assignment-key", keyA, "--format", "json");
        var plain = await CliHarness.RunAsync(env, "select", "cli_cap", "--format", "json");

        Assert.That(text.ExitCode, Is.EqualTo(0), text.Error);
        Assert.That(text.Output, Does.Contain("experiment cli-grep, arm a: version 1.0"));
        var selected = JsonDocument.Parse(json.Output).RootElement.GetProperty("selected");
        Assert.That(selected.GetProperty("version").GetString(), Is.EqualTo("1.0"));
        Assert.That(selected.GetProperty("experiment").GetProperty("arm").GetString(), Is.EqualTo("a"));
        Assert.That(selected.GetProperty("estimated_time_ms").GetDouble(), Is.EqualTo(100));
        var latest = JsonDocument.Parse(plain.Output).RootElement.GetProperty("selected");
        Assert.That(latest.GetProperty("version").GetString(), Is.EqualTo("3.0"));
        Assert.That(latest.GetProperty("experiment").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task A_blank_assignment_key_is_a_usage_error_naming_it()
    {
        var result = await CliHarness.RunAsync("select", "cli_cap", "--assignment-key", " ");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--assignment-key").And.Contain("must not be empty or blank"));
    }

    private static ToolDefinition Tool(string version, string time) => new()
    {
        Name = "cligrep",
        Version = version,
        Description = "cligrep " + version,
        Platform = "linux",
        Category = "system",
        Capabilities =
        [
            new CapabilityDefinition
            {
                Name = "cli_cap",
                Description = "Does the thing",
                Patterns = [new PatternDefinition { Name = "default", Description = "The usual way", TimeEstimateMs = time }],
            },
        ],
    };
}
