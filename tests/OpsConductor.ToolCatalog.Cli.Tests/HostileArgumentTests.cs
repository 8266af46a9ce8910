namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>
/// No input reaches the user as a stack trace (issue 12): arguments that can never be right are usage errors (exit 2)
/// naming the argument and the rule, checked before any database is opened; response files are off; and what the CLI
/// prints cannot drive the terminal.
/// </summary>
public sealed class HostileArgumentTests
{
    private static IEnumerable<TestCaseData> ArgumentsThatCanNeverBeRight()
    {
        var tooLong = new string('a', 101);
        yield return new TestCaseData((object)new[] { "show", "" }, "name: the tool name '' is empty");
        yield return new TestCaseData((object)new[] { "versions", "  " }, "name: the tool name '  ' is only white space");
        yield return new TestCaseData((object)new[] { "enable", "" }, "name:");
        yield return new TestCaseData((object)new[] { "disable", "" }, "name:");
        yield return new TestCaseData((object)new[] { "deprecate", "" }, "name:");
        yield return new TestCaseData((object)new[] { "delete", "" }, "name:");
        yield return new TestCaseData((object)new[] { "rollback", "df", "--to", "" }, "--to: the version '' is empty");
        yield return new TestCaseData((object)new[] { "show", "df", "--version", "" }, "--version: the version '' is empty");
        yield return new TestCaseData((object)new[] { "show", "df", "--version", "123456789012345678901" }, "at most 20");
        yield return new TestCaseData((object)new[] { "show", tooLong }, "is 101 characters long; the catalog stores at most 100");
        yield return new TestCaseData((object)new[] { "show", " df" }, "starts or ends with white space");
        yield return new TestCaseData((object)new[] { "show", "df\u001b[31m" }, "contains a control character");
        yield return new TestCaseData((object)new[] { "import", "" }, "path: the path '' is empty");
        yield return new TestCaseData((object)new[] { "validate", "" }, "path: the path '' is empty; give a file or folder (use '.' for the current folder)");
        yield return new TestCaseData((object)new[] { "export", "" }, "dir: the path '' is empty");
        yield return new TestCaseData((object)new[] { "list", "--connection", "" }, "--connection: the connection string is empty");
        yield return new TestCaseData((object)new[] { "list", "--connection", "Host=localhost;Port=999999" }, "Port=999999 is not a TCP port");
        yield return new TestCaseData((object)new[] { "show", "df", "--connection", "Host=localhost;Port=abc" }, "--connection: the connection string");
        yield return new TestCaseData((object)new[] { "list", "--connection", "Host=localhost;Timeout=-5" }, "Timeout");
        yield return new TestCaseData((object)new[] { "list", "--connection", "Host=localhost;Maximum Pool Size=0" }, "Maximum Pool Size=0");
        yield return new TestCaseData((object)new[] { "list", "--connection", "NoSuchKey=1" }, "--connection: the connection string");
    }

    [TestCaseSource(nameof(ArgumentsThatCanNeverBeRight))]
    public async Task An_argument_that_can_never_be_right_is_a_usage_error_naming_it(string[] args, string expected)
    {
        var result = await CliHarness.RunAsync(args);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
            Assert.That(result.Error, Does.Contain(expected));
            Assert.That(result.Error + result.Output, Does.Not.Contain("Unhandled").And.Not.Contain("   at "));
            Assert.That(result.Error, Does.Not.Contain("\u001b"), "the echoed value is neutralised");
        });
    }

    [Test]
    public async Task A_connection_string_from_the_environment_that_cannot_be_used_is_a_usage_error_naming_its_source()
    {
        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = "Host=localhost;Port=999999" }, "list");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.Contain("$TOOLCATALOG_CONNECTION is not valid: Port=999999 is not a TCP port"));
    }

    [TestCase("Host=localhost;Password=hunter2-secret;Port=999999")]
    [TestCase("Host=localhost;Password=hunter2-secret;Bogus=1")]
    [TestCase("Host=localhost;Password=hunter2-secret;Maximum Pool Size=0")]
    public async Task A_connection_string_that_cannot_be_used_is_refused_without_echoing_its_password(string connection)
    {
        var result = await CliHarness.RunAsync("list", "--connection", connection);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
            Assert.That(result.Error, Does.Contain("--connection: the connection string is not valid"));
            Assert.That(result.Error + result.Output, Does.Not.Contain("hunter2"));
        });
    }

    [Test]
    public async Task An_argument_starting_with_an_at_sign_is_taken_as_written_not_read_as_a_response_file()
    {
        var folder = CliTestData.NewFolder("at-sign");
        File.Copy(Path.Combine(CliPaths.Samples, "linux", "df.yaml"), Path.Combine(folder, "@df.yaml"));
        await File.WriteAllTextAsync(Path.Combine(folder, "df.yaml"), "--strict\n");

        var result = await CliHarness.RunAsync(["validate", "@df.yaml"], workingDirectory: folder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.StartWith("✓ @df.yaml").And.Contain("(lenient mode)"));
    }

    [Test]
    public async Task An_unknown_at_sign_argument_is_an_unknown_argument_not_a_file_of_options()
    {
        var folder = CliTestData.NewFolder("response-file");
        await File.WriteAllTextAsync(Path.Combine(folder, "args.txt"), "--connection\nHost=elsewhere\n");

        var result = await CliHarness.RunAsync(["list", "@args.txt"], workingDirectory: folder);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("@args.txt"));
    }

    [Test]
    public async Task Control_characters_in_what_the_cli_prints_are_shown_as_escapes()
    {
        var folder = CliTestData.NewFolder("escapes");
        var text = (await File.ReadAllTextAsync(Path.Combine(CliPaths.Samples, "linux", "df.yaml")))
            .Replace("tool_name: \"df\"", "tool_name: \"d\\e[31mf\\x07\"", StringComparison.Ordinal);
        Assume.That(text, Does.Contain("\\e[31m"));
        await File.WriteAllTextAsync(Path.Combine(folder, "df.yaml"), text);

        var result = await CliHarness.RunAsync(["validate", "df.yaml"], workingDirectory: folder);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain("error TOOL027 tool_name"));
        Assert.That(result.Output, Does.Contain("d\\u001b[31mf\\u0007"));
        Assert.That(result.Output, Does.Not.Contain("\u001b").And.Not.Contain("\u0007"));
    }

    [Test]
    public void Neutralising_keeps_tabs_and_line_breaks_and_escapes_the_rest()
    {
        Assert.That(TerminalText.Neutralize("a\tb\r\nc\u001b[0m\u009b\u007f\u202e\u0000"), Is.EqualTo("a\tb\r\nc\\u001b[0m\\u009b\\u007f\\u202e\\u0000"));
    }

    [Test]
    public async Task The_same_tool_version_in_two_files_fails_validate_naming_both_files_as_import_would()
    {
        var folder = CliTestData.NewFolder("duplicates");
        File.Copy(Path.Combine(CliPaths.Samples, "linux", "df.yaml"), Path.Combine(folder, "a.yaml"));
        File.Copy(Path.Combine(CliPaths.Samples, "linux", "df.yaml"), Path.Combine(folder, "b.yaml"));

        var result = await CliHarness.RunAsync(["validate", "."], workingDirectory: folder);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain("✗ ./b.yaml").And.Contain("error IMP001 tool_name: tool 'df' version '1.0' is also defined in './a.yaml'"));
    }

    [Test]
    [Platform("Linux")]
    public async Task Validate_skips_a_fifo_in_a_folder_and_says_so_instead_of_hanging()
    {
        var folder = CliTestData.NewFolder("fifo");
        File.Copy(Path.Combine(CliPaths.Samples, "linux", "df.yaml"), Path.Combine(folder, "df.yaml"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(folder, "x.yaml")]))
        {
            await mkfifo.WaitForExitAsync();
        }

        var result = await CliHarness.RunAsync(["validate", "."], workingDirectory: folder).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Error, Does.Contain("skipped ./x.yaml: a FIFO (named pipe), not a regular file"));
    }

    [Test]
    public async Task Export_into_a_file_is_an_error_that_changes_nothing()
    {
        var folder = CliTestData.NewFolder("export-file");
        var file = Path.Combine(folder, "catalog.yaml");
        await File.WriteAllTextAsync(file, "keep me\n");

        var result = await CliHarness.RunAsync("export", file, "--connection", "Host=127.0.0.1;Port=1;Timeout=1");

        // The connection string points nowhere: the target is refused before the database is opened.
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.Contain("is a file; export writes a folder tree"));
        Assert.That(await File.ReadAllTextAsync(file), Is.EqualTo("keep me\n"));
    }

    [Test]
    public async Task New_with_a_folder_as_its_output_file_is_a_usage_error_naming_the_option()
    {
        var folder = CliTestData.NewFolder("new-into-folder");

        var result = await CliHarness.RunAsync(
            ["new", "-t", "linux", "--name", "grep2", "--description", "Search", "--capability", "text_search", "--output", "."],
            workingDirectory: folder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.Contain("--output: '.' is a folder; give the file to write"));
        Assert.That(Directory.EnumerateFileSystemEntries(folder), Is.Empty);
    }
}
