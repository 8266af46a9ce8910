using System.Text.Json;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;
using Spectre.Console.Testing;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary><c>import</c> and <c>export</c> against a real test database.</summary>
/// <remarks>
/// Two databases are shared by the fixture, and no test writes to either: <see cref="_untouched"/> (the migrated,
/// empty catalog) for the tests that must write nothing (dry runs, refused imports: each asserts the revision stays 0
/// or that every tool would be new, which another test's write would break, never satisfy), and
/// <see cref="_samples"/> (the samples imported once, at revision 1) for the tests that read or re-import them. A test
/// that writes has a database of its own.
/// </remarks>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class ImportExportCommandTests
{
    private static TestDatabase _untouched = null!;
    private static TestDatabase _samples = null!;

    private static Dictionary<string, string> Env(TestDatabase db) => new() { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };

    [OneTimeSetUp]
    public static async Task CreateTheSharedDatabases()
    {
        _untouched = await TestDatabase.CreateAsync();
        _samples = await TestDatabase.CreateAsync();
        var import = await CliHarness.RunAsync(Env(_samples), "import", CliPaths.Samples);
        Assert.That(import.ExitCode, Is.EqualTo(0), import.Error + import.Output);
    }

    [OneTimeTearDown]
    public static async Task DropTheSharedDatabases()
    {
        await _untouched.DisposeAsync();
        await _samples.DisposeAsync();
    }

    [Test]
    public async Task Importing_the_corpus_folder_lists_the_skipped_files_and_stores_184_tools()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        var result = await CliHarness.RunAsync(Env(db), "import", Path.Combine(CliPaths.Compat, "tools"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error + result.Output);
        Assert.That(result.Output, Does.Contain("- " + Path.Combine(CliPaths.Compat, "tools", "templates", "tool_template.yaml") + ": skipped, "));
        Assert.That(result.Output, Does.Contain("+ grep 1.0: new tool"));
        Assert.That(result.Output, Does.Contain("223 files read (184 with tools, 39 skipped, 0 invalid;"));
        Assert.That(result.Output, Does.Contain("184 tools: 184 new, 0 unchanged."));
        Assert.That(result.Output, Does.Contain("Imported; the catalog is at revision 1."));
        Assert.That(await store.ExportAsync(), Has.Count.EqualTo(184));
    }

    [Test]
    public async Task At_a_terminal_a_long_import_shows_progress_bars_and_piped_output_stays_plain()
    {
        using var console = new TestConsole().Interactive().Width(120);

        var atTerminal = await CliHarness.RunAsync(["import", Path.Combine(CliPaths.Compat, "tools"), "--dry-run"], Env(_untouched), terminal: console);
        var piped = await CliHarness.RunAsync(Env(_untouched), "import", Path.Combine(CliPaths.Compat, "tools"), "--dry-run");

        Assert.That(atTerminal.ExitCode, Is.EqualTo(0), atTerminal.Error);
        Assert.That(console.Output, Does.Contain("Reading and validating files").And.Contain("Writing to the catalog"));
        Assert.That(atTerminal.Output, Does.Contain("184 tools: 184 new, 0 unchanged."));
        Assert.That(piped.Output + piped.Error, Does.Not.Contain("Reading and validating files"));
    }

    [Test]
    public async Task A_second_import_of_the_same_files_changes_nothing()
    {
        var again = await CliHarness.RunAsync(Env(_samples), "import", CliPaths.Samples);

        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
        Assert.That(again.Output, Does.Contain("202 tools: 0 new, 202 unchanged."));
        Assert.That(again.Output, Does.Contain("Nothing to change; the catalog stays at revision 1."));
    }

    [Test]
    public async Task An_invalid_file_refuses_the_import_with_its_problems_and_exit_code_1()
    {
        var folder = CliTestData.NewFolder("import-invalid");
        File.Copy(Path.Combine(CliPaths.Samples, "linux", "df.yaml"), Path.Combine(folder, "df.yaml"));
        await File.WriteAllTextAsync(Path.Combine(folder, "bad.yaml"), "tool_name: \"bad\"\nversion: \"1.0\"\n");

        var result = await CliHarness.RunAsync(Env(_untouched), "import", folder);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain($"✗ {Path.Join(folder, "bad.yaml")}"));
        Assert.That(result.Output, Does.Match(@"error TOOL\d+ description \(line \d+, col \d+\)|error \w+ description"));
        Assert.That(result.Output, Does.Contain("Nothing was imported").And.Contain("--per-file"));
        Assert.That(await _untouched.CreateStore().GetRevisionAsync(), Is.EqualTo(0));
    }

    [Test]
    public async Task An_invalid_file_is_refused_before_any_database_is_needed()
    {
        var file = Path.Combine(CliTestData.NewFolder("import-nodb"), "bad.yaml");
        await File.WriteAllTextAsync(file, "tool_name: [not a name\n");
        var noDatabase = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=1" };

        var result = await CliHarness.RunAsync(noDatabase, "import", file);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain("YAML001"));
        Assert.That(result.Error, Does.Not.Contain("could not be used"));
    }

    [Test]
    public async Task Per_file_imports_the_valid_files_and_exits_1_for_the_invalid_one()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        var folder = CliTestData.NewFolder("import-per-file");
        File.Copy(Path.Combine(CliPaths.Samples, "linux", "df.yaml"), Path.Combine(folder, "df.yaml"));
        await File.WriteAllTextAsync(Path.Combine(folder, "bad.yaml"), "tool_name: \"bad\"\nversion: \"1.0\"\n");

        var result = await CliHarness.RunAsync(Env(db), "import", folder, "--per-file");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain($"✗ {Path.Join(folder, "bad.yaml")}"));
        Assert.That(result.Output, Does.Contain("+ df 1.0: new tool"));
        Assert.That(result.Output, Does.Contain("Imported what could be (the rest is listed above); the catalog is at revision 1."));
        Assert.That(await store.GetAsync("df"), Is.Not.Null);
    }

    [Test]
    public async Task A_changed_file_under_a_stored_version_is_refused_with_the_fix_and_per_file_imports_the_rest()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await CliHarness.RunAsync(Env(db), "import", Path.Combine(CliPaths.Samples, "linux", "df.yaml"));
        var folder = CliTestData.NewFolder("import-changed");
        var df = await File.ReadAllTextAsync(Path.Combine(CliPaths.Samples, "linux", "df.yaml"));
        await File.WriteAllTextAsync(Path.Combine(folder, "df.yaml"), df.Replace("description: \"", "description: \"Changed: ", StringComparison.Ordinal));
        File.Copy(Path.Combine(CliPaths.Samples, "network", "dig.yaml"), Path.Combine(folder, "dig.yaml"));

        var whole = await CliHarness.RunAsync(Env(db), "import", folder);
        var perFile = await CliHarness.RunAsync(Env(db), "import", folder, "--per-file");

        Assert.That(whole.ExitCode, Is.EqualTo(1));
        Assert.That(whole.Output, Does.Contain("✗ df 1.0: refused — Version '1.0' of tool 'df' is stored already with different content").And.Contain("bump the version"));
        Assert.That(whole.Output, Does.Contain("Nothing was imported (all or nothing)"));
        Assert.That(perFile.ExitCode, Is.EqualTo(1));
        Assert.That(perFile.Output, Does.Contain("+ dig 1.0: new tool"));
        Assert.That(await store.GetAsync("dig"), Is.Not.Null);
    }

    [Test]
    public async Task A_dry_run_in_json_says_what_would_happen_and_writes_nothing()
    {
        var result = await CliHarness.RunAsync(Env(_untouched), "import", Path.Combine(CliPaths.Samples, "network"), "--dry-run", "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetProperty("dry_run").GetBoolean(), Is.True);
        Assert.That(json.RootElement.GetProperty("applied").GetBoolean(), Is.False);
        Assert.That(json.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("outcome").GetString()), Is.All.EqualTo("new_tool"));
        Assert.That(await _untouched.CreateStore().GetRevisionAsync(), Is.EqualTo(0));
    }

    [Test]
    public async Task Strict_import_of_a_corpus_file_fails_with_the_original_message()
    {
        var result = await CliHarness.RunAsync(Env(_untouched), "import", "--strict", Path.Combine(CliPaths.Compat, "tools", "linux", "grep.yaml"));

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain("Invalid category 'text-processing'"));
        Assert.That(result.Output, Does.Contain("strict mode"));
    }

    [Test]
    public async Task A_missing_path_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync(Env(_untouched), "import", "/no/such/tools");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("the path '/no/such/tools' does not exist"));
    }

    [Test]
    public async Task Export_writes_platform_folders_that_import_reads_back_into_an_identical_catalog()
    {
        var folder = Path.Combine(CliTestData.NewFolder("export"), "out");

        var export = await CliHarness.RunAsync(Env(_samples), "export", folder);
        await using var copy = await TestDatabase.CreateAsync();
        var import = await CliHarness.RunAsync(new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = copy.ConnectionString }, "import", folder);

        Assert.That(export.ExitCode, Is.EqualTo(0), export.Error);
        Assert.That(export.Output, Does.Contain("linux/systemctl.yaml  (systemctl 1.0)"));
        Assert.That(export.Output, Does.Contain("Exported 202 tool versions to " + folder + " (6 platform folders)."));
        Assert.That(import.ExitCode, Is.EqualTo(0), import.Error);
        Assert.That(await copy.CreateStore().ExportAsync(), Is.EqualTo(await _samples.CreateStore().ExportAsync()));
    }

    [Test]
    public async Task Export_with_a_filter_writes_only_the_matching_tools_and_refuses_a_used_folder_without_force()
    {
        var folder = CliTestData.NewFolder("export-filter");

        var first = await CliHarness.RunAsync(Env(_samples), "export", folder, "--platform", "scheduler");
        var second = await CliHarness.RunAsync(Env(_samples), "export", folder, "--platform", "scheduler");
        var forced = await CliHarness.RunAsync(Env(_samples), "export", folder, "--platform", "scheduler", "--force");

        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
        Assert.That(Directory.GetFiles(folder, "*.yaml", SearchOption.AllDirectories).Select(Path.GetFileName).ToList(),
            Has.Count.EqualTo(23).And.SupersetOf(new[] { "at.yaml", "crontab.yaml", "schtasks.yaml", "systemd-timer.yaml" }), "the scheduler tools of the samples");
        Assert.That(second.ExitCode, Is.EqualTo(1));
        Assert.That(second.Error, Does.Contain("is not empty").And.Contain("--force"));
        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.Error);
    }
}
