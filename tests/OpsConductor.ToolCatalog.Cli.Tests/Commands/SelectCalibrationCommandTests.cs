using System.Text.Json;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog select --calibration report|rank</c> over a database whose telemetry says the winner is slow.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class SelectCalibrationCommandTests
{
    private TestDatabase _db = null!;
    private Dictionary<string, string> _env = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseWithTheSamples()
    {
        _db = await TestDatabase.CreateAsync();
        _env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString };
        var imported = await CliHarness.RunAsync(_env, "import", CliPaths.Samples);
        Assert.That(imported.ExitCode, Is.EqualTo(0), imported.Error);
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Rank_turns_away_from_a_winner_the_telemetry_finds_fifty_times_slower_and_report_shows_why()
    {
        var before = await SelectAsync("off");
        var (tool, capability, pattern) = (Text(before, "tool"), Text(before, "capability"), Text(before, "pattern"));
        var now = DateTimeOffset.UtcNow;
        await _db.CreateStore().WriteTelemetryAsync([.. Enumerable.Range(0, 40).Select(i => new ExecutionRecord
        {
            Tool = tool,
            Capability = capability,
            Pattern = pattern,
            ActualTimeMs = 50_000,
            EstimatedTimeMs = 1_000,
            Success = true,
            ExecutedAt = now.AddMinutes(-i),
        })]);

        var ranked = await SelectAsync("rank");
        var text = await CliHarness.RunAsync(_env, "select", "service_restart", "--var", "N=40", "--mode", "fast", "--calibration", "report");

        Assert.That((Text(ranked, "tool"), Text(ranked, "pattern")), Is.Not.EqualTo((tool, pattern)));
        var slow = ranked.GetProperty("ranked").EnumerateArray().Single(r => r.GetProperty("tool").GetString() == tool && r.GetProperty("pattern").GetString() == pattern);
        Assert.That(slow.GetProperty("calibrated").GetProperty("samples").GetInt32(), Is.EqualTo(40));
        Assert.That(slow.GetProperty("calibrated").GetProperty("p50_ms").GetDouble(), Is.EqualTo(slow.GetProperty("estimated_time_ms").GetDouble() * 50).Within(1e-6));
        Assert.That(slow.GetProperty("calibrated").GetProperty("ranked_on").GetString(), Is.EqualTo("telemetry_p50"));
        Assert.That(text.ExitCode, Is.EqualTo(0), text.Error);
        Assert.That(text.Output, Does.Contain($"Selected: {tool}.{pattern}"), "report only: the same winner");
        Assert.That(text.Output, Does.Contain("telemetry: p50 ").And.Contain("over 40 runs; ranked on the catalog estimate"));
    }

    [Test]
    public async Task Calibration_with_yaml_files_is_a_usage_error_naming_the_option()
    {
        var result = await CliHarness.RunAsync("select", "service_restart", "--tools", CliPaths.Samples, "--calibration", "rank");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--calibration reads the telemetry in the database"));
    }

    private async Task<JsonElement> SelectAsync(string calibration)
    {
        var result = await CliHarness.RunAsync(_env, "select", "service_restart", "--var", "N=40", "--mode", "fast", "--calibration", calibration, "--format", "json");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        return JsonDocument.Parse(result.Output).RootElement;
    }

    private static string Text(JsonElement answer, string field) => answer.GetProperty("selected").GetProperty(field).GetString()!;
}
