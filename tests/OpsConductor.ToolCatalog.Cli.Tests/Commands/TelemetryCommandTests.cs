using System.Text.Json;
using Npgsql;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog telemetry ingest FILE.jsonl</c> against a real database holding the sample tools.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class TelemetryCommandTests
{
    private TestDatabase _db = null!;
    private Dictionary<string, string> _env = null!;
    private string _folder = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseWithTheSamples()
    {
        _db = await TestDatabase.CreateAsync();
        _env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString };
        _folder = CliTestData.NewFolder("telemetry");
        var imported = await CliHarness.RunAsync(_env, "import", CliPaths.Samples);
        Assert.That(imported.ExitCode, Is.EqualTo(0), imported.Error);
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Prune_drops_the_whole_months_older_than_the_age_given_and_keeps_the_months_ahead()
    {
        Assert.That(await ScalarAsync<string>("SELECT tool_catalog.ensure_telemetry_partition('2024-03-01')"), Is.EqualTo("tool_telemetry_2024_03"));
        var thisMonth = "tool_telemetry_" + DateTime.UtcNow.ToString("yyyy_MM", System.Globalization.CultureInfo.InvariantCulture);

        var result = await CliHarness.RunAsync(_env, "telemetry", "prune", "--older-than", "90d", "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var answer = JsonDocument.Parse(result.Output);
        Assert.That(answer.RootElement.GetProperty("dropped").EnumerateArray().Select(e => e.GetString()), Does.Contain("tool_telemetry_2024_03").And.Not.Contain(thisMonth));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'tool_telemetry_2024_03'"), Is.Zero);
        await using var current = _db.DataSource.CreateCommand("SELECT count(*) FROM pg_class WHERE relname = $1");
        current.Parameters.Add(new NpgsqlParameter { Value = thisMonth });
        Assert.That((long)(await current.ExecuteScalarAsync())!, Is.EqualTo(1));
    }

    [TestCase("90")]
    [TestCase("0d")]
    [TestCase("3m")]
    [TestCase("-5d")]
    public async Task Prune_refuses_an_age_that_is_not_days_or_weeks_naming_the_option(string age)
    {
        var result = await CliHarness.RunAsync(_env, "telemetry", "prune", "--older-than", age);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--older-than"));
    }

    [Test]
    public async Task A_good_file_is_written_row_by_row_and_blank_lines_are_skipped()
    {
        var file = Write("good.jsonl",
            Record("good", 120),
            "",
            Record("good", 80, """, "version": null, "variables": {"N": 40}, "executed_at": "2026-11-30T10:00:00Z", "catalog_revision": 3"""),
            "   ",
            Record("good", 95.5, """, "success": false""", success: null));

        var result = await CliHarness.RunAsync(_env, "telemetry", "ingest", file);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Error, Is.Empty);
        Assert.That(result.Output, Does.Contain("3 records read from").And.Contain("3 written, 0 unmatched, 0 bad"));
        Assert.That(await RowsAsync("good"), Is.EqualTo(3));
        Assert.That(await ScalarAsync<string>("SELECT context_variables::text FROM tool_catalog.tool_telemetry WHERE environment = 'good' AND actual_time_ms = 80"),
            Does.Contain("\"N\": 40"));
    }

    [Test]
    public async Task Bad_lines_are_named_by_line_number_field_and_rule_and_nothing_is_written()
    {
        var file = Write("bad.jsonl",
            Record("bad", 10),
            Record("bad", -5),
            """{"tool": "df", "capability": "disk_usage", "pattern": "filesystem_usage", "actual_time_ms": 1, "success": true, "environment": "bad", "colour": "red"}""",
            """{"tool": "", "capability": "disk_usage", "pattern": "filesystem_usage", "actual_time_ms": 1, "success": true}""",
            """{"tool": "df", "capability": "disk_usage", "pattern": "filesystem_usage", "actual_time_ms": 1}""",
            Record("bad", 1, """, "executed_at": "2999-01-01T00:00:00Z" """),
            Record("bad", 1, """, "variables": {"N": "forty"}"""),
            "{not json",
            Record("bad", 20));

        var result = await CliHarness.RunAsync(_env, "telemetry", "ingest", file);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        var errors = result.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(errors, Has.Length.EqualTo(7), result.Error);
        Assert.That(errors[0], Does.StartWith(file + ":2: actual_time_ms: must be from 0 to 2147483647"));
        Assert.That(errors[1], Does.StartWith(file + ":3: colour: unknown field"));
        Assert.That(errors[2], Is.EqualTo(file + ":4: tool: required, a non-empty string"));
        Assert.That(errors[3], Is.EqualTo(file + ":5: success: required, true or false"));
        Assert.That(errors[4], Does.StartWith(file + ":6: executed_at: must not be more than 1 day in the future"));
        Assert.That(errors[5], Is.EqualTo(file + ":7: variables.N: must be a finite number"));
        Assert.That(errors[6], Does.StartWith(file + ":8: json: not valid JSON"));
        Assert.That(result.Output, Does.Contain("9 records read").And.Contain("0 written").And.Contain("7 bad").And.Contain("Nothing was written"));
        Assert.That(await RowsAsync("bad"), Is.EqualTo(0));
    }

    [Test]
    public async Task With_skip_bad_the_good_lines_are_written_and_the_exit_code_still_says_some_were_not()
    {
        var file = Write("skip.jsonl", Record("skip", 10), Record("skip", -1), Record("skip", 30));

        var result = await CliHarness.RunAsync(_env, "telemetry", "ingest", file, "--skip-bad");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain(file + ":2: actual_time_ms"));
        Assert.That(result.Output, Does.Contain("3 records read").And.Contain("2 written, 0 unmatched, 1 bad"));
        Assert.That(await RowsAsync("skip"), Is.EqualTo(2));
    }

    [Test]
    public async Task Records_of_unknown_names_are_reported_by_name_and_the_rest_is_written_in_batches()
    {
        var file = Write("unmatched.jsonl",
            Record("unmatched", 1),
            Record("unmatched", 2, tool: "no_such_tool"),
            Record("unmatched", 3),
            Record("unmatched", 4, pattern: "no_such_pattern"),
            Record("unmatched", 5));

        var result = await CliHarness.RunAsync(_env, "telemetry", "ingest", file, "--batch", "2", "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.That((root.GetProperty("read").GetInt32(), root.GetProperty("written").GetInt32(), root.GetProperty("unmatched").GetInt32(), root.GetProperty("bad").GetInt32()),
            Is.EqualTo((5, 3, 2, 0)));
        Assert.That(root.GetProperty("unmatched_names").EnumerateArray().Select(e => e.GetString()),
            Is.EqualTo(new[] { "no_such_tool disk_usage/filesystem_usage", "df disk_usage/no_such_pattern" }));
        Assert.That(await RowsAsync("unmatched"), Is.EqualTo(3));
    }

    [Test]
    public async Task Values_the_database_would_refuse_are_bad_lines_named_by_rule_not_failed_writes()
    {
        var file = Write("refused.jsonl",
            Record("refused", 1, extra: """, "error_message": "nul \u0000 here" """),
            Record("refused", 2147483647.6),
            Record("refused", 1, extra: """, "estimated_time_ms": 1e12"""),
            Record("refused", 1, extra: """, "user_id": "\ud800" """),
            Record("refused", 2147483647));

        var result = await CliHarness.RunAsync(_env, "telemetry", "ingest", file, "--skip-bad");

        var errors = result.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(errors, Has.Length.EqualTo(4), result.Error);
        Assert.That(errors[0], Is.EqualTo(file + ":1: error_message: must not contain the NUL character (\\u0000)"));
        Assert.That(errors[1], Does.StartWith(file + ":2: actual_time_ms: must be from 0 to 2147483647"));
        Assert.That(errors[2], Does.StartWith(file + ":3: estimated_time_ms: must be from 0 to 2147483647"));
        Assert.That(errors[3], Does.StartWith(file + ":4: user_id: must be valid Unicode"));
        Assert.That(result.Output, Does.Contain("1 written, 0 unmatched, 4 bad"));
        Assert.That(await RowsAsync("refused"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_file_that_does_not_exist_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync(_env, "telemetry", "ingest", Path.Combine(_folder, "missing.jsonl"));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("missing.jsonl' does not exist"));
    }

    private static string Record(string environment, double time, string extra = "", string tool = "df", string pattern = "filesystem_usage", bool? success = true) =>
        "{" + $"\"tool\": \"{tool}\", \"capability\": \"disk_usage\", \"pattern\": \"{pattern}\", \"actual_time_ms\": {time.ToString(System.Globalization.CultureInfo.InvariantCulture)}, "
            + (success is null ? "" : $"\"success\": {(success.Value ? "true" : "false")}, ") + $"\"environment\": \"{environment}\"{extra}" + "}";

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private async Task<long> RowsAsync(string environment)
    {
        await using var command = _db.DataSource.CreateCommand("SELECT count(*) FROM tool_catalog.tool_telemetry WHERE environment = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = environment });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = _db.DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
