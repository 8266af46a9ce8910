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
        Assert.That(result.Output, Does.Contain("Database: the server given with --connection."));
        Assert.That(result.Output, Does.Contain("Schema: version 3 (applied 0001_catalog, 0002_telemetry_and_ab_tests, 0003_pattern_documents_and_immutable_versions)."));
        Assert.That(result.Output, Does.Contain("Samples: imported 10 tools"));
        Assert.That(result.Output, Does.Contain("Selected: systemctl.service_status"));
        Assert.That(result.Output, Does.Not.Contain("toolcatalog db status"), "the private server is not in use");
    }

    [Test]
    public void In_the_repository_it_finds_the_samples_folder_without_being_told()
    {
        var found = Cli.Commands.QuickstartCommand.FindSamples(
            new CliContext { Output = TextWriter.Null, Error = TextWriter.Null, WorkingDirectory = Path.Combine(CliPaths.RepositoryRoot, "docs"), BaseDirectory = "/nowhere" }, null);
        var bundled = Cli.Commands.QuickstartCommand.FindSamples(
            new CliContext { Output = TextWriter.Null, Error = TextWriter.Null, WorkingDirectory = "/", BaseDirectory = AppContext.BaseDirectory }, null);

        Assert.That(found, Is.EqualTo(CliPaths.Samples));
        Assert.That(bundled, Is.EqualTo(Path.Combine(AppContext.BaseDirectory, "samples", "tools")), "a copy travels with the program");
        Assert.That(Directory.GetFiles(bundled!, "*.yaml", SearchOption.AllDirectories), Has.Length.EqualTo(29));
    }

    [Test]
    public async Task A_samples_folder_that_does_not_exist_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync("quickstart", "--samples", "/no/such/samples");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("'/no/such/samples' does not exist"));
    }
}
