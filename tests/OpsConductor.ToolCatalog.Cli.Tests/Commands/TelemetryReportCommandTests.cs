using System.Text.Json;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog telemetry report</c> against a real database with executions written through the store.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class TelemetryReportCommandTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    private TestDatabase _db = null!;
    private Dictionary<string, string> _env = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseWithExecutions()
    {
        _db = await TestDatabase.CreateAsync();
        _env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString };
        var store = _db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, capabilities: 1, patterns: 1, prefix: "rep"), GeneratedTools.Create(1, capabilities: 1, patterns: 1, prefix: "rep")]);
        // rep-00000: 1.2 × its estimate (100 + 0.5·N), one in ten failing, one of 100 a wild ×20; rep-00001 in staging.
        var records = Enumerable.Range(0, 200).Select(i => new ExecutionRecord
        {
            Tool = i < 100 ? "rep-00000" : "rep-00001",
            Capability = "capability_0",
            Pattern = "pattern_0",
            ActualTimeMs = (100 + (0.5 * 40)) * 1.2 * (i == 50 ? 20 : 1) * (1 + (0.01 * (i % 5))),
            Success = i % 10 != 0,
            Environment = i < 100 ? "production" : "staging",
            Variables = new Dictionary<string, double> { ["N"] = 40 },
            ExecutedAt = Start.AddMinutes(i),
        }).ToList();
        await store.WriteTelemetryAsync(records);
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task The_json_report_has_a_snake_case_row_per_pattern_with_its_figures()
    {
        var result = await CliHarness.RunAsync(_env, "telemetry", "report", "--since", "2026-11-02T00:00:00Z", "--until", "2026-11-03T00:00:00Z", "--environment", "production", "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var answer = JsonDocument.Parse(result.Output);
        var rows = answer.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.That(rows, Has.Count.EqualTo(1));
        var row = rows[0];
        Assert.That(row.GetProperty("tool").GetString(), Is.EqualTo("rep-00000"));
        Assert.That(row.GetProperty("time_estimate").GetString(), Is.EqualTo("100 + 0.5 * N"));
        Assert.That((row.GetProperty("count").GetInt64(), row.GetProperty("successes").GetInt64(), row.GetProperty("estimated").GetInt64()), Is.EqualTo((100L, 90L, 100L)));
        Assert.That(row.GetProperty("ratio_median").GetDouble(), Is.EqualTo(1.2 * 1.02).Within(1).Percent);
        Assert.That(row.GetProperty("outliers").GetInt64(), Is.EqualTo(1));
        Assert.That(row.GetProperty("drift").GetString(), Is.EqualTo("estimate"), "20% above the estimate throughout: beyond the 10% tolerance");
        Assert.That(row.GetProperty("drift_from_estimate_since").GetString(), Does.StartWith("2026-11-02T00:0"));
        Assert.That(row.TryGetProperty("time_p99_ms", out _) && row.TryGetProperty("time_error", out _) && row.TryGetProperty("log_ratio_mad", out _), Is.True);
    }

    [Test]
    public async Task The_text_report_is_a_table_with_a_line_per_pattern()
    {
        var result = await CliHarness.RunAsync(_env, "telemetry", "report", "--since", "2026-11-02T00:00:00Z", "--until", "2026-11-03T00:00:00Z");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("TOOL").And.Contain("P90 MS").And.Contain("rep-00000").And.Contain("rep-00001").And.Contain("capability_0/pattern_0"));
        Assert.That(result.Output, Does.Contain("90.0%"));
    }

    [Test]
    public async Task A_window_without_executions_says_so()
    {
        var result = await CliHarness.RunAsync(_env, "telemetry", "report", "--since", "2020-01-01T00:00:00Z", "--until", "2020-01-02T00:00:00+02:00");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("No executions in the window."));
    }

    [TestCase("--since", "yesterday")]
    [TestCase("--since", "0d")]
    [TestCase("--since", "2026-11-02T00:00:00")]
    [TestCase("--until", "7x")]
    [TestCase("--drift-samples", "5")]
    public async Task A_bad_option_value_is_a_usage_error_naming_the_option(string option, string value)
    {
        var result = await CliHarness.RunAsync(_env, "telemetry", "report", option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(option));
    }

    [Test]
    public async Task A_window_that_ends_before_it_starts_is_a_usage_error_naming_both_options()
    {
        var result = await CliHarness.RunAsync(_env, "telemetry", "report", "--since", "1d", "--until", "2d");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--since").And.Contain("--until"));
    }
}
