using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary><c>quickstart</c> against a given server (the private-server runs are in <see cref="EmbeddedDatabaseTests"/>).</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class QuickstartCommandTests
{
    [Test]
    public async Task With_a_connection_it_uses_that_server_and_imports_the_samples_folder_given()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);

        var result = await CliHarness.RunAsync("quickstart", "--connection", db.ConnectionString, "--samples", Path.Combine(CliPaths.Samples, "linux"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Error, Is.Empty, "no private server");
        Assert.That(result.Output, Does.Contain($"Database: {WrittenDatabaseTests.LocationOf(db.ConnectionString)} (the server given with --connection)."));
        Assert.That(result.Output, Does.Contain("Schema: version 14 (applied 0001_catalog, 0002_telemetry_and_ab_tests, 0003_pattern_documents_and_immutable_versions, 0004_api_keys, 0005_telemetry_recording, 0006_telemetry_recommendations, 0007_decision_log, 0008_audit_hash_chain, 0009_experiments, 0010_experiment_telemetry, 0011_secret_rewrap, 0012_tenants, 0013_tenant_scope, 0014_api_key_event_tenant)."));
        Assert.That(result.Output, Does.Contain("Samples: imported 35 tools"));
        Assert.That(result.Output, Does.Contain("Selected: systemctl.restart_all"));
        Assert.That(result.Output, Does.Not.Contain("db status"), "the private server is not in use");
    }

    [Test]
    public async Task In_a_fresh_clone_every_suggested_command_runs_as_printed()
    {
        await using var db = await TestDatabase.CreateAsync();
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString }; // no PATH: nothing installed
        const string Clone = "dotnet run --project src/OpsConductor.ToolCatalog.Cli -- ";

        var result = await CliHarness.RunAsync(["quickstart"], env, CliPaths.RepositoryRoot);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain($"$ {Clone}select service_restart --var N=40 --mode fast --environment production"));
        Assert.That(result.Output, Does.Contain("'toolcatalog' is not installed").And.Contain("docs/cli.md"));
        var lines = result.Output.Split('\n');
        var suggested = lines.SkipWhile(l => !l.StartsWith("Next, try", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Where(l => !l.StartsWith("  #", StringComparison.Ordinal))
            .Select(l => l.Trim()).ToList();
        Assert.That(suggested, Has.Count.GreaterThanOrEqualTo(7));
        Assert.That(lines.Where(l => l.TrimStart().StartsWith("toolcatalog ", StringComparison.Ordinal)), Is.Empty, "no command that does not exist here");
        foreach (var command in suggested)
        {
            Assert.That(command, Does.StartWith(Clone));
            var args = ShellWords(command[Clone.Length..]);
            Assert.That(CliApp.BuildRootCommand(new CliContext { Output = TextWriter.Null, Error = TextWriter.Null }).Parse(args).Errors, Is.Empty, command);
            if (args[0] is "list" or "show" or "select" or "validate" or "bulk-update")
            {
                var run = await CliHarness.RunAsync(args, env, CliPaths.RepositoryRoot);
                Assert.That(run.ExitCode, Is.EqualTo(0), $"{command}: {run.Error}");
            }
        }
    }

    [Test]
    public void The_suggested_commands_start_with_toolcatalog_only_when_it_is_on_the_path()
    {
        var bin = CliTestData.NewFolder("path-bin");
        File.WriteAllText(Path.Combine(bin, "toolcatalog"), "");
        CliContext Context(string? path, string workingDirectory) => new()
        {
            Output = TextWriter.Null,
            Error = TextWriter.Null,
            GetEnvironmentVariable = name => name == "PATH" ? path : null,
            WorkingDirectory = workingDirectory,
            BaseDirectory = "/opt/program",
        };

        Assert.That(Cli.Commands.QuickstartCommand.CommandPrefix(Context($"/usr/bin:{bin}", "/")), Is.EqualTo("toolcatalog"));
        Assert.That(Cli.Commands.QuickstartCommand.CommandPrefix(Context("/usr/bin", Path.Combine(CliPaths.RepositoryRoot, "docs"))),
            Is.EqualTo("dotnet run --project ../src/OpsConductor.ToolCatalog.Cli --"));
        Assert.That(Cli.Commands.QuickstartCommand.CommandPrefix(Context(null, "/")), Is.EqualTo("dotnet /opt/program/toolcatalog.dll"));
    }

    /// <summary>Splits a command line as a shell would for the commands quickstart prints (words, double quotes).</summary>
    private static string[] ShellWords(string line) =>
        [.. System.Text.RegularExpressions.Regex.Matches(line, "\"([^\"]*)\"|'([^']*)'|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value)];

    [Test]
    public void In_the_repository_it_finds_the_samples_folder_without_being_told()
    {
        var found = Cli.Commands.QuickstartCommand.FindSamples(
            new CliContext { Output = TextWriter.Null, Error = TextWriter.Null, WorkingDirectory = Path.Combine(CliPaths.RepositoryRoot, "docs"), BaseDirectory = "/nowhere" }, null);
        var bundled = Cli.Commands.QuickstartCommand.FindSamples(
            new CliContext { Output = TextWriter.Null, Error = TextWriter.Null, WorkingDirectory = "/", BaseDirectory = AppContext.BaseDirectory }, null);

        Assert.That(found, Is.EqualTo(CliPaths.Samples));
        Assert.That(bundled, Is.EqualTo(Path.Combine(AppContext.BaseDirectory, "samples", "tools")), "a copy travels with the program");
        Assert.That(Directory.GetFiles(bundled!, "*.yaml", SearchOption.AllDirectories), Has.Length.EqualTo(202));
    }

    [Test]
    public async Task A_samples_folder_that_does_not_exist_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync("quickstart", "--samples", "/no/such/samples");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("'/no/such/samples' does not exist"));
    }
}
