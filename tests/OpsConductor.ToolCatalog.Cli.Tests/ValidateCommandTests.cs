using System.Text.Json;

namespace OpsConductor.ToolCatalog.Cli.Tests;

public sealed class ValidateCommandTests
{
    private static string CompatFile(params string[] parts) => Path.Combine([CliPaths.Compat, .. parts]);

    [Test]
    public async Task A_valid_file_passes_with_exit_code_0_a_tick_and_a_summary()
    {
        var file = Path.Combine(CliPaths.RepositoryRoot, "samples", "tools", "linux", "df.yaml");

        var result = await CliHarness.RunAsync("validate", file);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.StartWith($"✓ {file}\n"));
        Assert.That(result.Output, Does.Contain("1 file: 1 valid, 0 invalid; 0 errors, 0 warnings (lenient mode)"));
    }

    [Test]
    public async Task Findings_are_listed_under_their_file_with_code_path_line_and_column()
    {
        var result = await CliHarness.RunAsync("validate", CompatFile("tools", "linux", "grep.yaml"), CompatFile("tools", "windows", "copy_item.yaml"));

        Assert.That(result.ExitCode, Is.EqualTo(1));
        var lines = result.Output.Split('\n');
        Assert.That(lines[0], Does.StartWith("✓ ").And.EndWith("grep.yaml"));
        Assert.That(lines[1], Does.StartWith("  warning TOOL004 category (line 7, col 11): category is 'text-processing'"));
        // The final grep's patterns use file_size_kb, which nothing provides (the original dropped them silently).
        Assert.That(lines[2], Does.StartWith("  warning PAT027 capabilities.text_search.patterns.search_files.time_estimate_ms (line 30, col 27): "));
        Assert.That(lines.Count(l => l.StartsWith("  warning PAT027 ", StringComparison.Ordinal)), Is.EqualTo(3));
        var wrapper = Array.FindIndex(lines, l => l.StartsWith("✗ ", StringComparison.Ordinal));
        Assert.That(lines[wrapper], Does.EndWith("copy_item.yaml"));
        Assert.That(lines[wrapper + 1], Does.StartWith("  error SHAPE001 tool (line 1, col 1): this is a `tool:` wrapper"));
        // Lenient mode checks the catalog guide's modelling rules too: the original grep's single_item patterns estimate the
        // same time for 1 host as for 100 (TOOL032), a warning for each of the three.
        Assert.That(lines.Count(l => l.StartsWith("  warning TOOL032 ", StringComparison.Ordinal)), Is.EqualTo(3));
        Assert.That(result.Output, Does.Contain("2 files: 1 valid, 1 invalid; 1 error, 7 warnings (lenient mode)"));
    }

    [Test]
    public async Task Strict_json_over_the_corpus_folder_reports_every_file_with_the_original_verdicts()
    {
        var result = await CliHarness.RunAsync("validate", "--strict", "--format", "json", CompatFile("tools"));

        Assert.That(result.ExitCode, Is.EqualTo(1));
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.That(root.GetProperty("mode").GetString(), Is.EqualTo("strict"));
        var files = root.GetProperty("files").EnumerateArray().ToList();
        Assert.That(files, Has.Count.EqualTo(223));
        Assert.That(root.GetProperty("summary").GetProperty("valid").GetInt32(), Is.EqualTo(6));
        Assert.That(files.Where(f => f.GetProperty("valid").GetBoolean()).Select(f => Path.GetFileName(f.GetProperty("file").GetString())),
            Is.EquivalentTo(new[] { "chmod.yaml", "chown.yaml", "curl.yaml", "dig.yaml", "top.yaml", "powershell.yaml" }));

        var aws = files.Single(f => f.GetProperty("file").GetString()!.EndsWith("aws.yaml", StringComparison.Ordinal));
        var error = aws.GetProperty("errors").EnumerateArray().First();
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("TOOL003"));
        Assert.That(error.GetProperty("path").GetString(), Is.EqualTo("platform"));
        Assert.That(error.GetProperty("line").GetInt32(), Is.GreaterThan(0));
        Assert.That(error.GetProperty("column").GetInt32(), Is.GreaterThan(0));
        Assert.That(error.GetProperty("message").GetString(),
            Is.EqualTo("Invalid platform 'cloud'. Must be one of: linux, windows, network, scheduler, custom, multi-platform"));
        Assert.That(aws.GetProperty("warnings").GetArrayLength(), Is.Zero);
        Assert.That(aws.GetProperty("shape").GetString(), Is.EqualTo("canonical"));
    }

    [Test]
    public async Task Lenient_json_marks_warnings_separately_and_accepts_canonical_files()
    {
        var result = await CliHarness.RunAsync("validate", "--format", "json", CompatFile("tools", "cloud", "aws.yaml"));

        Assert.That(result.ExitCode, Is.EqualTo(0));
        using var json = JsonDocument.Parse(result.Output);
        var file = json.RootElement.GetProperty("files")[0];
        Assert.That(file.GetProperty("valid").GetBoolean(), Is.True);
        Assert.That(file.GetProperty("errors").GetArrayLength(), Is.Zero);
        Assert.That(file.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()), Does.Contain("TOOL003"));
        Assert.That(file.GetProperty("tools")[0].GetString(), Is.EqualTo("aws"));
    }

    [Test]
    public async Task A_path_that_does_not_exist_is_a_usage_error_and_nothing_is_validated()
    {
        var result = await CliHarness.RunAsync("validate", CompatFile("tools-early", "linux", "grep.yaml"), "no/such/file.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("the path 'no/such/file.yaml' does not exist"));
        Assert.That(result.Output, Is.Empty);
    }

    [Test]
    public async Task A_folder_without_yaml_files_is_a_usage_error()
    {
        var folder = Directory.CreateTempSubdirectory("toolcatalog-cli-empty-");
        try
        {
            var result = await CliHarness.RunAsync("validate", folder.FullName);
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Does.Contain("holds no *.yaml or *.yml file"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [TestCase]
    [TestCase("--format", "xml", "x.yaml")]
    [TestCase("--bogus", "x.yaml")]
    public async Task Bad_arguments_are_usage_errors(params string[] arguments)
    {
        var result = await CliHarness.RunAsync(["validate", .. arguments]);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("error"));
    }

    [Test]
    public async Task A_folder_is_searched_recursively_templates_included_and_hostile_files_get_their_error()
    {
        var folder = Directory.CreateTempSubdirectory("toolcatalog-cli-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, "templates"));
            File.Copy(CompatFile("tools-early", "templates", "tool_template.yaml"), Path.Combine(folder.FullName, "templates", "tool_template.yaml"));
            File.Copy(CompatFile("tools-early", "linux", "grep.yaml"), Path.Combine(folder.FullName, "grep.yml"));
            File.WriteAllText(Path.Combine(folder.FullName, "deep.yaml"), new string('[', 100_000));

            var result = await CliHarness.RunAsync(["validate", folder.FullName], workingDirectory: folder.Parent!.FullName);

            Assert.That(result.ExitCode, Is.EqualTo(1));
            var deep = $"✗ {Path.Join(folder.FullName, "deep.yaml")}\n  error YAML003 " + string.Concat(Enumerable.Repeat("[0]", 64));
            Assert.That(result.Output, Does.Contain(deep + " (line 1, col 65): lists and mappings are nested more than 64 levels deep"));
            Assert.That(result.Output, Does.Contain($"✓ {Path.Join(folder.FullName, "grep.yml")}"));
            Assert.That(result.Output, Does.Contain($"✗ {Path.Join(folder.FullName, "templates", "tool_template.yaml")}\n  error SHAPE003 tool_name (line 11, col 12)"));
            Assert.That(result.Output, Does.Contain("3 files: 1 valid, 2 invalid"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Relative_paths_are_resolved_against_the_working_directory_and_shown_as_given()
    {
        var result = await CliHarness.RunAsync(["validate", Path.Combine("tools-early", "linux")], workingDirectory: CliPaths.Compat);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error + result.Output);
        Assert.That(result.Output, Does.StartWith($"✓ {Path.Combine("tools-early", "linux", "grep.yaml")}\n"));
    }
}
