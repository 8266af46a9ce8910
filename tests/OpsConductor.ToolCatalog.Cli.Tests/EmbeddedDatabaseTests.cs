using System.Text.Json;
using Npgsql;
using OpsConductor.ToolCatalog.Cli.Configuration;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>
/// The private PostgreSQL server the database verbs start when no connection string is given, and the main job
/// (<c>quickstart</c>) on it. One data folder of the test run, used in order: first use, reuse, stop, start again.
/// </summary>
[NonParallelizable]
public sealed class EmbeddedDatabaseTests
{
    private string _dataDirectory = null!;

    private Dictionary<string, string> Env => new() { ["TOOLCATALOG_DATA_DIR"] = _dataDirectory };

    private string Instance => Path.Combine(_dataDirectory, "pg");

    [OneTimeSetUp]
    public void ChooseDataFolder() => _dataDirectory = Path.Combine(CliTestData.NewFolder("embedded"), "data");

    [OneTimeTearDown]
    public async Task StopServer()
    {
        NpgsqlConnection.ClearAllPools();
        await LocalPostgresServer.StopPersistentAsync(Instance);
    }

    [Test]
    [Order(1)]
    public async Task Quickstart_sets_up_the_private_server_imports_the_samples_and_shows_a_selection()
    {
        var result = await CliHarness.RunAsync(Env, "quickstart");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var port = (await LocalPostgresServer.GetStatusAsync(Instance)).Port;
        Assert.That(result.Error, Does.Contain($"Setting up a private PostgreSQL server in {Instance}"));
        Assert.That(result.Error, Does.Contain($"Started the private PostgreSQL server: the catalog is 127.0.0.1:{port}/toolcatalog (data in {Instance})."),
            "which server and database it started, on standard error");
        Assert.That(result.Error, Does.Contain("src/OpsConductor.ToolCatalog.Cli -- db stop' stops it"), "how to stop it, as it runs here (not installed)");
        Assert.That(result.Output, Does.Not.Contain("Started the private"), "standard output stays the command's own");
        Assert.That(result.Error, Does.Not.Contain("Password"));
        Assert.That(result.Output, Does.Contain($"Database: 127.0.0.1:{port}/toolcatalog (the private PostgreSQL server in {Instance})."));
        Assert.That(result.Output, Does.Contain("Samples: imported 202 tools"));
        Assert.That(result.Output, Does.Contain("Catalog at revision 1: 202 tools, 168 distinct capabilities, 493 patterns."));
        Assert.That(result.Output, Does.Contain(" 46 ").And.Contain("ansible, apt-get, cat, check_http, check_nrpe, chronyc, crictl, df, … (38 more)"), "linux, the first names of each platform");
        Assert.That(result.Output, Does.Contain(" select service_restart --var N=40 --mode fast --environment production"));
        Assert.That(result.Output, Does.Contain("1     systemctl.restart_all"));
        Assert.That(result.Output, Does.Contain("Selected: systemctl.restart_all (score 0.4514, deterministic)."), "the example asks for a restart and gets one");
        Assert.That(result.Output, Does.Contain("Next, try").And.Contain(" -- db status"), "the private server's own verb, as the clone runs it");
    }

    [Test]
    [Order(2)]
    public void The_secret_is_kept_in_a_file_only_its_owner_can_read()
    {
        var mode = File.GetUnixFileMode(Path.Combine(Instance, "instance.json"));

        Assert.That(mode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    [Order(3)]
    public async Task A_second_quickstart_reuses_the_running_server_and_does_not_import_again()
    {
        var result = await CliHarness.RunAsync(Env, "quickstart");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Error, Is.Empty, "reusing a running server is silent");
        Assert.That(result.Output, Does.Contain("Samples: not imported again; the catalog already holds 202 tools."));
        Assert.That(result.Output, Does.Contain("Catalog at revision 1:"), "nothing was written");
        Assert.That(result.Output, Does.Contain("Selected: systemctl.restart_all"));
    }

    [Test]
    [Order(4)]
    public async Task Any_database_verb_without_a_connection_uses_the_private_server()
    {
        var list = await CliHarness.RunAsync(Env, "list", "--platform", "scheduler", "--format", "json");

        Assert.That(list.ExitCode, Is.EqualTo(0), list.Error);
        using var json = JsonDocument.Parse(list.Output);
        var names = json.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.That(names, Has.Count.EqualTo(23).And.SupersetOf(new[] { "at", "crontab", "schtasks", "systemd-timer" }), "the scheduler tools of the samples");
    }

    [Test]
    [Order(5)]
    public async Task Db_status_says_where_the_server_is_without_showing_the_secret_unless_asked()
    {
        var status = await CliHarness.RunAsync(Env, "db", "status");
        var secret = await CliHarness.RunAsync(Env, "db", "status", "--show-secret", "--format", "json");

        Assert.That(status.ExitCode, Is.EqualTo(0), status.Error);
        Assert.That(status.Output, Does.Contain("The private PostgreSQL server is running (port "));
        Assert.That(status.Output, Does.Contain($"instance folder {Instance}"));
        Assert.That(status.Output, Does.Contain("Password=***"));
        Assert.That(status.Output, Does.Contain("Catalog commands use: the private PostgreSQL server (database 'toolcatalog')."));
        using var json = JsonDocument.Parse(secret.Output);
        var connection = json.RootElement.GetProperty("connection").GetString()!;
        Assert.That(new NpgsqlConnectionStringBuilder(connection).Password, Is.Not.Empty.And.Not.EqualTo("***"));
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM tool_catalog.tools");
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(202L), "the printed connection string reaches the catalog");
    }

    [Test]
    [Order(6)]
    public async Task Db_stop_stops_the_server_and_the_next_verb_starts_it_again_with_the_data_kept()
    {
        var stop = await CliHarness.RunAsync(Env, "db", "stop");
        var stopped = await LocalPostgresServer.GetStatusAsync(Instance);
        var again = await CliHarness.RunAsync(Env, "db", "stop");
        var list = await CliHarness.RunAsync(Env, "list", "--capability", "service_restart");
        var restarted = await LocalPostgresServer.GetStatusAsync(Instance);

        Assert.That(stop.ExitCode, Is.EqualTo(0), stop.Error);
        Assert.That(stop.Output, Does.Contain("Stopped the private PostgreSQL server"));
        Assert.That(stopped.IsRunning, Is.False);
        Assert.That(again.Output, Does.Contain("was not running"));
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Error);
        Assert.That(list.Error, Does.Contain("Starting the private PostgreSQL server"));
        Assert.That(list.Error, Does.Contain($"Started the private PostgreSQL server: the catalog is 127.0.0.1:{restarted.Port}/toolcatalog"));
        Assert.That(list.Output, Does.Contain("systemctl").And.Contain("Restart-Service"));
    }

    [Test]
    [Order(7)]
    public async Task Db_start_reports_an_already_running_server()
    {
        var start = await CliHarness.RunAsync(Env, "db", "start");

        Assert.That(start.ExitCode, Is.EqualTo(0), start.Error);
        Assert.That(start.Output, Does.Contain("already running"));
    }

    [Test]
    [Order(8)]
    public async Task With_a_connection_in_the_environment_db_status_says_the_private_server_is_not_used()
    {
        var environment = new Dictionary<string, string>(Env) { ["TOOLCATALOG_CONNECTION"] = "Host=elsewhere;Username=u;Password=p;Database=d" };

        var status = await CliHarness.RunAsync(environment, "db", "status");

        Assert.That(status.Output, Does.Contain("Catalog commands use: the server in $TOOLCATALOG_CONNECTION."));
    }
}

/// <summary>Where the connection string and the private server's folder come from, and the errors when they cannot.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class ConnectionSettingsTests
{
    [Test]
    public async Task Without_server_programs_the_error_says_how_to_install_them_or_point_at_a_server()
    {
        var environment = new Dictionary<string, string>
        {
            ["TOOLCATALOG_DATA_DIR"] = Path.Combine(CliTestData.NewFolder("no-binaries"), "data"),
            ["TOOLCATALOG_PG_BIN"] = CliTestData.NewFolder("empty-bin"),
        };

        var result = await CliHarness.RunAsync(environment, "list");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("No PostgreSQL server programs (initdb, pg_ctl, postgres) were found"));
        Assert.That(result.Error, Does.Contain("apt-get install postgresql"));
        Assert.That(result.Error, Does.Contain("--connection").And.Contain("TOOLCATALOG_CONNECTION").And.Contain("configuration file"));
    }

    [Test]
    public async Task A_configuration_file_gives_the_connection_when_no_option_or_variable_does()
    {
        await using var db = await TestDatabase.CreateAsync();
        var folder = CliTestData.NewFolder("config");
        var configDirectory = Path.Combine(folder, "opsconductor-toolcatalog");
        Directory.CreateDirectory(configDirectory);
        await File.WriteAllTextAsync(Path.Combine(configDirectory, "config.json"), JsonSerializer.Serialize(new { connection = db.ConnectionString }));
        await db.CreateStore().ImportAsync(GeneratedTools.CreateMany(3));

        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = folder }, "list");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("gen-tool-00002"));
        Assert.That(result.Error, Is.Empty, "no private server was started");
    }

    [Test]
    public async Task A_broken_configuration_file_is_a_usage_error_naming_the_file_and_line()
    {
        var file = Path.Combine(CliTestData.NewFolder("bad-config"), "config.json");
        await File.WriteAllTextAsync(file, "{\n  \"connection\": \"Host=x\",\n  oops\n}");

        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["TOOLCATALOG_CONFIG"] = file }, "list");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(file).And.Contain("line 3"));
    }

    [Test]
    public async Task An_unknown_configuration_key_is_named_with_the_keys_allowed()
    {
        var file = Path.Combine(CliTestData.NewFolder("typo-config"), "config.json");
        await File.WriteAllTextAsync(file, "{\"conection\": \"Host=x\"}");

        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["TOOLCATALOG_CONFIG"] = file }, "list");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("\"conection\"").And.Contain("\"connection\"").And.Contain("\"data_dir\""));
    }

    [Test]
    public void The_data_folder_comes_from_the_variable_then_the_file_then_the_platform_default()
    {
        static CliContext Context(bool root, Dictionary<string, string> environment) => new()
        {
            Output = TextWriter.Null,
            Error = TextWriter.Null,
            IsPrivileged = root,
            GetEnvironmentVariable = n => environment.GetValueOrDefault(n),
            WorkingDirectory = "/work",
        };

        var home = new Dictionary<string, string> { ["HOME"] = "/home/ada" };
        Assert.Multiple(() =>
        {
            Assert.That(new CliSettings().ResolveDataDirectory(Context(false, home)), Is.EqualTo("/home/ada/.local/share/opsconductor-toolcatalog"));
            Assert.That(new CliSettings().ResolveDataDirectory(Context(false, new(home) { ["XDG_DATA_HOME"] = "/data" })), Is.EqualTo("/data/opsconductor-toolcatalog"));
            Assert.That(new CliSettings().ResolveDataDirectory(Context(true, home)), Is.EqualTo("/var/lib/opsconductor-toolcatalog"));
            Assert.That(new CliSettings { DataDirectory = "/srv/tc" }.ResolveDataDirectory(Context(true, home)), Is.EqualTo("/srv/tc"));
            Assert.That(new CliSettings { DataDirectory = "/srv/tc" }.ResolveDataDirectory(Context(true, new(home) { ["TOOLCATALOG_DATA_DIR"] = "rel" })), Is.EqualTo("/work/rel"));
            Assert.That(CliSettings.FindConfigFile(Context(false, home)), Is.EqualTo("/home/ada/.config/opsconductor-toolcatalog/config.json"));
            Assert.That(CliSettings.FindConfigFile(Context(false, [])), Is.Null);
            Assert.That(() => new CliSettings().ResolveDataDirectory(Context(false, [])), Throws.TypeOf<CliException>().With.Message.Contains("TOOLCATALOG_DATA_DIR"));
        });
    }
}
