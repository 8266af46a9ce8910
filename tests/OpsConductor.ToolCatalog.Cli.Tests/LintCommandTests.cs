using System.Text.Json;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary><c>toolcatalog lint PATH</c> against files: the score, the reasons, and exit codes usable in CI.</summary>
public sealed class LintCommandTests
{
    private static string Ping => File.ReadAllText(Path.Combine(CliPaths.Samples, "network", "ping.yaml"));

    /// <summary>A folder holding the shipped ping and a copy renamed to ping-generic whose capability is host_management (loses 20 + 5 points).</summary>
    private static DirectoryInfo FolderWithAGenericTool()
    {
        var folder = Directory.CreateTempSubdirectory("toolcatalog-cli-lint-");
        File.WriteAllText(Path.Combine(folder.FullName, "ping.yaml"), Ping);
        File.WriteAllText(Path.Combine(folder.FullName, "ping-generic.yaml"), Ping
            .Replace("tool_name: \"ping\"", "tool_name: \"ping-generic\"", StringComparison.Ordinal)
            .Replace("  host_reachability:", "  host_management:", StringComparison.Ordinal));
        return folder;
    }

    [Test]
    public async Task The_shipped_catalog_scores_at_least_90_in_json_with_no_tool_under_75()
    {
        var result = await CliHarness.RunAsync("lint", CliPaths.Samples, "--format", "json", "--min-score", "90");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("score").GetDouble(), Is.GreaterThanOrEqualTo(90));
        var tools = json.RootElement.GetProperty("tools").EnumerateArray().ToList();
        Assert.That(tools, Has.Count.GreaterThanOrEqualTo(200));
        Assert.That(tools.Where(t => t.GetProperty("score").GetDouble() < 75).Select(t => t.GetProperty("name").GetString()), Is.Empty);
    }

    [Test]
    public async Task Json_lists_each_tool_with_its_score_and_reasons_code_place_message_points()
    {
        var folder = FolderWithAGenericTool();
        try
        {
            var result = await CliHarness.RunAsync("lint", folder.FullName, "--format", "json");

            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            using var json = JsonDocument.Parse(result.Output);
            Assert.That(json.RootElement.GetProperty("score").GetDouble(), Is.EqualTo(87.5));
            var generic = json.RootElement.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "ping-generic");
            Assert.That(generic.GetProperty("score").GetDouble(), Is.EqualTo(75));
            var reasons = generic.GetProperty("reasons").EnumerateArray().ToList();
            Assert.That(reasons.Select(r => r.GetProperty("code").GetString()), Is.EqualTo(new[] { "TOOL029", "TOOL030" }));
            Assert.That(reasons[0].GetProperty("place").GetString(), Is.EqualTo("capabilities.host_management"));
            Assert.That(reasons[0].GetProperty("points").GetDouble(), Is.EqualTo(20));
            Assert.That(reasons[0].GetProperty("message").GetString(), Does.Contain("'management'"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Text_shows_the_worst_tools_with_their_reasons_and_the_score_and_min_score_decides_the_exit_code()
    {
        var folder = FolderWithAGenericTool();
        try
        {
            var passing = await CliHarness.RunAsync("lint", folder.FullName);
            Assert.That(passing.ExitCode, Is.EqualTo(0), passing.Error);
            var lines = passing.Output.Split('\n');
            Assert.That(lines[0], Does.StartWith("TOOL").And.Contain("SCORE").And.Contain("PLACE"));
            Assert.That(lines[1], Does.StartWith("ping-generic").And.Contain("75").And.Contain("TOOL029").And.Contain("capabilities.host_management"));
            Assert.That(passing.Output, Does.Contain("Catalog score: 87.5/100 over 2 tools (1 with reasons); minimum 0: passed."));

            var failing = await CliHarness.RunAsync("lint", folder.FullName, "--min-score", "90");
            Assert.That(failing.ExitCode, Is.EqualTo(1));
            Assert.That(failing.Output, Does.Contain("minimum 90: failed."));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public async Task A_file_with_a_validation_error_fails_the_lint_and_is_named_on_the_error_stream()
    {
        var folder = Directory.CreateTempSubdirectory("toolcatalog-cli-lint-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "ping.yaml"), Ping);
            File.WriteAllText(Path.Combine(folder.FullName, "broken.yaml"), "tool_name: broken\nversion: \"1.0\"\n");

            var result = await CliHarness.RunAsync(["lint", "broken.yaml"], workingDirectory: folder.FullName);
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Error, Does.Contain("broken.yaml: error TOOL001"));

            var whole = await CliHarness.RunAsync(["lint", "."], workingDirectory: folder.FullName);
            Assert.That(whole.ExitCode, Is.EqualTo(1));
            Assert.That(whole.Output, Does.Contain("over 1 tool").And.Contain("validation errors (files with errors are not scored): failed."));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [TestCase("no/such/folder")]
    [TestCase("--min-score", "101", "x.yaml")]
    [TestCase("--min-score", "high", "x.yaml")]
    [TestCase("--format", "xml", "x.yaml")]
    [TestCase("a.yaml", "b.yaml")]
    public async Task Bad_arguments_are_usage_errors(params string[] arguments)
    {
        var result = await CliHarness.RunAsync(["lint", .. arguments]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.Error, Does.Contain("error"));
    }
}
