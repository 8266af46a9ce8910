using System.Text.Json;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary>
/// <c>toolcatalog telemetry recommend</c> and <c>toolcatalog telemetry apply ID</c> against a real database holding one
/// tool whose estimate (1500 + 350·N) is wrong for its recorded executions (1200 + 310·N ms with noise).
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class TelemetryRecommendCommandTests
{
    private const string Tool = "cli-rec-00000";
    private TestDatabase _db = null!;
    private ToolCatalogStore _store = null!;
    private Dictionary<string, string> _env = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseWithATelemetredTool()
    {
        _db = await TestDatabase.CreateAsync();
        _store = _db.CreateStore();
        _env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString };
        var tool = GeneratedTools.Create(0, capabilities: 1, patterns: 1, prefix: "cli-rec");
        tool = tool with { Capabilities = [tool.Capabilities[0] with { Patterns = [tool.Capabilities[0].Patterns[0] with { TimeEstimateMs = "1500 + 350 * N" }] }] };
        await _store.ImportAsync([tool]);
        var random = new Random(11);
        var start = DateTimeOffset.UtcNow.AddDays(-10);
        var records = Enumerable.Range(0, 1000).Select(i =>
        {
            var n = random.Next(1, 101);
            return new ExecutionRecord
            {
                Tool = Tool,
                Capability = "capability_0",
                Pattern = "pattern_0",
                ActualTimeMs = Math.Round((1200 + (310 * n)) * Math.Exp(0.1 * ((random.NextDouble() * 2) - 1))),
                Success = true,
                Variables = new Dictionary<string, double> { ["N"] = n },
                ExecutedAt = start.AddMinutes(i),
            };
        }).ToList();
        await _store.WriteTelemetryAsync(records);
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Recommend_lists_the_fields_the_issue_names_in_order_then_apply_publishes_and_rollback_undoes_it()
    {
        var recommend = await CliHarness.RunAsync(_env, "telemetry", "recommend", "--tool", Tool, "--since", "30d", "--format", "json");

        Assert.That(recommend.ExitCode, Is.EqualTo(0), recommend.Error);
        using var answer = JsonDocument.Parse(recommend.Output);
        var item = answer.RootElement.GetProperty("recommendations").EnumerateArray().Single();
        Assert.That(item.EnumerateObject().Select(p => p.Name).Take(11), Is.EqualTo(new[]
        {
            "tool", "version", "capability", "pattern", "field", "current", "recommended", "samples", "current_error", "recommended_error", "id",
        }));
        Assert.That((item.GetProperty("tool").GetString(), item.GetProperty("field").GetString(), item.GetProperty("current").GetString(), item.GetProperty("samples").GetInt32()),
            Is.EqualTo((Tool, "time_estimate_ms", "1500 + 350 * N", 1000)));
        var id = item.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var recommended = item.GetProperty("recommended").GetString();

        var apply = await CliHarness.RunAsync(_env, "telemetry", "apply", id, "--reason", "ticket OPS-7");

        Assert.That(apply.ExitCode, Is.EqualTo(0), apply.Error);
        Assert.That(apply.Output, Does.Contain($"{Tool} 1.0 -> 1.1").And.Contain($"'1500 + 350 * N' -> '{recommended}'").And.Contain($"toolcatalog rollback {Tool} --to 1.0"));
        Assert.That((await _store.GetAsync(Tool))!.Definition.Capabilities[0].Patterns[0].TimeEstimateMs, Is.EqualTo(recommended));
        var audit = await _store.GetAuditAsync(Tool);
        Assert.That(audit[^1].Reason, Does.StartWith($"ticket OPS-7; telemetry recommendation {id}: capability_0/pattern_0 time_estimate_ms '1500 + 350 * N' → '{recommended}' on 1,000 executions"));

        var again = await CliHarness.RunAsync(_env, "telemetry", "apply", id);
        Assert.That(again.ExitCode, Is.EqualTo(1));
        Assert.That(again.Error, Does.Contain($"Recommendation {id} ({Tool} 1.0, capability_0/pattern_0, time_estimate_ms) was applied already").And.Contain("as version 1.1"));

        var rollback = await CliHarness.RunAsync(_env, "rollback", Tool, "--to", "1.0");
        Assert.That(rollback.ExitCode, Is.EqualTo(0), rollback.Error);
        Assert.That((await _store.GetAsync(Tool))!.Definition.Capabilities[0].Patterns[0].TimeEstimateMs, Is.EqualTo("1500 + 350 * N"));
    }

    [Test]
    public async Task Recommend_as_a_table_shows_the_errors_and_how_to_apply()
    {
        var result = await CliHarness.RunAsync(_env, "telemetry", "recommend", "--tool", Tool);
        TestContext.Out.WriteLine(result.Output);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("ID").And.Contain("RECOMMENDED").And.Contain("capability_0/pattern_0").And.Contain("Apply one with 'toolcatalog telemetry apply ID'"));
    }

    [Test]
    public async Task Apply_of_an_unknown_id_fails_and_says_how_to_list_them()
    {
        var result = await CliHarness.RunAsync(_env, "telemetry", "apply", "987654321");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Is.EqualTo("error: There is no telemetry recommendation 987654321. List them with `toolcatalog telemetry recommend` (or GET /api/v1/telemetry/recommendations)." + Environment.NewLine));
    }

    [TestCase("telemetry", "apply", "twelve")]
    [TestCase("telemetry", "recommend", "--since", "3m")]
    [TestCase("telemetry", "recommend", "--since", "0d")]
    [TestCase("telemetry", "recommend", "--version", "1.0")]
    [TestCase("telemetry", "recommend", "--format", "xml")]
    [TestCase("telemetry", "recommend", "--tool", " ")]
    [TestCase("telemetry", "recommend", "--tool", "df", "--version", "")]
    public async Task Bad_arguments_are_usage_errors(params string[] args)
    {
        var result = await CliHarness.RunAsync(_env, args);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output + result.Error);
    }
}
