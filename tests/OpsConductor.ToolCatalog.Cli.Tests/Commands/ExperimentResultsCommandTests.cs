using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog experiment results|promote</c>, with records ingested by <c>telemetry ingest</c>, against a real database.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class ExperimentResultsCommandTests
{
    [Test]
    public async Task Ingested_enrolled_records_give_results_in_json_and_text_and_promote_makes_b_the_latest()
    {
        await using var db = await TestDatabase.CreateAsync();
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };
        var store = db.CreateStore();
        var tool = GeneratedTools.Create(1, prefix: "experimented");
        await store.CreateAsync(tool);
        await store.PublishAsync(tool with { Version = "2.0" });
        await store.RollbackAsync(tool.Name, "1.0");
        Assert.That((await CliHarness.RunAsync(env, "experiment", "create", "faster", "--tool", tool.Name, "--a", "1.0", "--b", "2.0", "--metric", "time",
            "--min-samples", "50", "--guardrails", """[{"metric":"success","max_drop":0.05}]""")).ExitCode, Is.EqualTo(0));
        Assert.That((await CliHarness.RunAsync(env, "experiment", "start", "faster")).ExitCode, Is.EqualTo(0));
        var capability = tool.Capabilities[0].Name;
        var pattern = tool.Capabilities[0].Patterns[0].Name;
        var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"experiment-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, 200).SelectMany(i => new[]
        {
            string.Create(CultureInfo.InvariantCulture, $$"""{"tool":"{{tool.Name}}","version":"1.0","capability":"{{capability}}","pattern":"{{pattern}}","actual_time_ms":{{200 + (i % 40)}},"success":true,"experiment":"faster","arm":"a","user_id":"u{{i}}"}"""),
            string.Create(CultureInfo.InvariantCulture, $$"""{"tool":"{{tool.Name}}","version":"2.0","capability":"{{capability}}","pattern":"{{pattern}}","actual_time_ms":{{100 + (i % 40)}},"success":true,"experiment":"faster","arm":"b","user_id":"v{{i}}"}"""),
        }));

        var ingest = await CliHarness.RunAsync(env, "telemetry", "ingest", file);
        Assert.That(ingest.ExitCode, Is.EqualTo(0), ingest.Error);

        var json = await CliHarness.RunAsync(env, "experiment", "results", "faster", "--format", "json");
        Assert.That(json.ExitCode, Is.EqualTo(0), json.Error);
        var root = JsonDocument.Parse(json.Output).RootElement;
        Assert.That(root.GetProperty("arms").GetProperty("a").GetProperty("executions").GetInt64(), Is.EqualTo(200));
        Assert.That(root.GetProperty("arms").GetProperty("b").GetProperty("time_ms").GetProperty("median").GetProperty("value").GetDouble(), Is.InRange(100, 140));
        Assert.That(root.GetProperty("srm_mismatch").GetBoolean(), Is.False);
        Assert.That(root.GetProperty("srm_p_value").GetDouble(), Is.EqualTo(1).Within(1e-9));
        Assert.That(root.GetProperty("p_value").GetDouble(), Is.LessThan(0.05));
        Assert.That(root.GetProperty("significant").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("winner").GetString(), Is.EqualTo("b"));
        Assert.That(root.GetProperty("guardrails")[0].GetProperty("breached").GetBoolean(), Is.False);

        var text = await CliHarness.RunAsync(env, "experiment", "results", "faster");
        Assert.That(text.ExitCode, Is.EqualTo(0), text.Error);
        Assert.That(text.Output, Does.Contain("srm_mismatch: false").And.Contain("winner: b").And.Contain("significant: true"));

        var badArm = await CliHarness.RunAsync(env, "experiment", "promote", "faster", "--arm", "c");
        Assert.That(badArm.ExitCode, Is.EqualTo(2));
        Assert.That(badArm.Error, Does.Contain("--arm 'c'"));
        var against = await CliHarness.RunAsync(env, "experiment", "promote", "faster", "--arm", "a");
        Assert.That(against.ExitCode, Is.EqualTo(1));
        Assert.That(against.Error, Does.Contain("conclusive for arm b, not a"));

        var promoted = await CliHarness.RunAsync(env, "experiment", "promote", "faster", "--reason", "b is faster");
        Assert.That(promoted.ExitCode, Is.EqualTo(0), promoted.Error);
        Assert.That(promoted.Output, Does.Contain("winner b; version 2.0 is now the latest"));
        Assert.That((await store.GetAsync(tool.Name))!.Definition.Version, Is.EqualTo("2.0"));
        var status = JsonDocument.Parse((await CliHarness.RunAsync(env, "experiment", "status", "faster", "--format", "json")).Output).RootElement;
        Assert.That((status.GetProperty("state").GetString(), status.GetProperty("winner").GetString()), Is.EqualTo(("completed", "b")));
    }

    [Test]
    public async Task Results_of_an_unknown_experiment_fail_and_a_bad_guardrail_is_a_usage_error()
    {
        await using var db = await TestDatabase.CreateAsync();
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };

        var missing = await CliHarness.RunAsync(env, "experiment", "results", "nope");
        var badGuardrail = await CliHarness.RunAsync(env, "experiment", "create", "x", "--tool", "t", "--a", "1", "--b", "2", "--guardrails", """[{"metric":"speed"}]""");

        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("no experiment named 'nope'"));
        Assert.That(badGuardrail.ExitCode, Is.EqualTo(2));
        Assert.That(badGuardrail.Error, Does.Contain("--guardrails: [0].metric: required"));
    }
}
