using System.Text.Json;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>The database verbs against a real test database.</summary>
/// <remarks>
/// The tests about one tool share one database (<see cref="_shared"/>): each writes tools under names of its own (a
/// prefix of its own for <c>GeneratedTools.Create</c>) and asserts only on them. A test that lists the whole catalog,
/// asserts a catalog revision or needs a database without the schema has a database of its own.
/// </remarks>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class CatalogCommandTests
{
    private static TestDatabase _shared = null!;
    private static ToolCatalogStore _store = null!;

    [OneTimeSetUp]
    public static async Task CreateTheSharedDatabase()
    {
        _shared = await TestDatabase.CreateAsync();
        _store = _shared.CreateStore();
    }

    [OneTimeTearDown]
    public static async Task DropTheSharedDatabase() => await _shared.DisposeAsync();

    [Test]
    public async Task Migrate_creates_the_schema_once_and_then_reports_it_up_to_date()
    {
        await using var empty = await TestDatabase.CreateAsync(migrate: false);

        var first = await CliHarness.RunAsync("migrate", "--connection", empty.ConnectionString);
        var second = await CliHarness.RunAsync(Env(empty), "migrate");

        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
        Assert.That(first.Output, Does.Contain("applied 0001_catalog"));
        Assert.That(second.ExitCode, Is.EqualTo(0), second.Error);
        Assert.That(second.Output, Does.Contain("up to date"));
    }

    [Test]
    public async Task A_database_without_the_schema_is_reported_with_the_fix()
    {
        await using var empty = await TestDatabase.CreateAsync(migrate: false);

        var result = await CliHarness.RunAsync(Env(empty), "list");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("toolcatalog migrate"));
    }

    [Test]
    public async Task List_shows_tools_with_filters_and_pages_in_text_and_json()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync(GeneratedTools.CreateMany(12));

        var text = await CliHarness.RunAsync(Env(db), "list", "--platform", "linux");
        var page = await CliHarness.RunAsync(Env(db), "list", "--limit", "5", "--format", "json");
        using var json = JsonDocument.Parse(page.Output);
        var cursor = json.RootElement.GetProperty("next_cursor").GetString();
        var next = await CliHarness.RunAsync(Env(db), "list", "--limit", "5", "--after", cursor!);

        Assert.That(text.ExitCode, Is.EqualTo(0), text.Error);
        Assert.That(text.Output, Does.Contain("NAME").And.Contain("gen-tool-00000").And.Contain("gen-tool-00010").And.Not.Contain("gen-tool-00001"));
        Assert.That(json.RootElement.GetProperty("tools").GetArrayLength(), Is.EqualTo(5));
        Assert.That(cursor, Is.EqualTo("gen-tool-00004"));
        Assert.That(next.Output, Does.Contain("gen-tool-00005").And.Not.Contain("gen-tool-00004").And.Contain("--after gen-tool-00009"));
    }

    [Test]
    public async Task List_rejects_a_bad_limit_as_a_usage_error()
    {
        var result = await CliHarness.RunAsync(Env(_shared), "list", "--limit", "0");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--limit"));
    }

    [Test]
    public async Task Show_prints_a_version_as_text_or_as_json_and_fails_with_1_for_an_unknown_tool()
    {
        var tool = GeneratedTools.Create(1, prefix: "show");
        await _store.CreateAsync(tool);
        await _store.PublishAsync(tool with { Version = "2.0", Description = "Second version" });

        var latest = await CliHarness.RunAsync(Env(_shared), "show", tool.Name);
        var old = await CliHarness.RunAsync(Env(_shared), "show", tool.Name, "--version", "1.0", "--format", "json");
        var missing = await CliHarness.RunAsync(Env(_shared), "show", "nope");

        Assert.That(latest.ExitCode, Is.EqualTo(0), latest.Error);
        Assert.That(latest.Output, Does.Contain($"{tool.Name} 2.0 (latest)").And.Contain("Second version").And.Contain("capability capability_0"));
        using var json = JsonDocument.Parse(old.Output);
        Assert.That(json.RootElement.GetProperty("version").GetString(), Is.EqualTo("1.0"));
        Assert.That(json.RootElement.GetProperty("capabilities").GetProperty("capability_1").GetProperty("patterns").EnumerateObject().Count(), Is.EqualTo(3));
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("'nope' does not exist"));
    }

    [Test]
    public async Task Versions_lists_the_history_with_the_latest_marked()
    {
        var tool = GeneratedTools.Create(1, prefix: "versions");
        await _store.CreateAsync(tool);
        await _store.PublishAsync(tool with { Version = "2.0" });

        var result = await CliHarness.RunAsync(Env(_shared), "versions", tool.Name);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("VERSION"));
        Assert.That(lines[1], Does.StartWith("1.0"));
        Assert.That(lines[2], Does.StartWith("2.0").And.Contain("*").And.Contain("1.0"));
    }

    [Test]
    public async Task Disable_enable_and_deprecate_record_the_os_user_and_the_reason()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        var tool = GeneratedTools.Create(1);
        await store.CreateAsync(tool);

        var disabled = await CliHarness.RunAsync(Env(db), "disable", tool.Name, "--reason", "flaky on prod");
        var again = await CliHarness.RunAsync(Env(db), "disable", tool.Name);
        var enabled = await CliHarness.RunAsync(Env(db), "enable", tool.Name);
        var deprecated = await CliHarness.RunAsync(Env(db), "deprecate", tool.Name, "--version", "1.0");

        Assert.That(new[] { disabled, again, enabled, deprecated }.Select(r => r.ExitCode), Is.All.EqualTo(0));
        Assert.That(disabled.Output, Does.Contain("disabled (catalog revision 2)"));
        Assert.That(again.Output, Does.Contain("already disabled"));
        var audit = await AuditReader.ReadAsync(db, tool.Name);
        Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { "created", "disabled", "enabled", "deprecated" }));
        Assert.That(audit[1].ChangedBy, Is.EqualTo(Environment.UserName));
        Assert.That(audit[1].Reason, Is.EqualTo("flaky on prod"));
        Assert.That(audit[1].UserAgent, Is.EqualTo("toolcatalog-cli"));
    }

    [Test]
    public async Task Rollback_needs_to_and_makes_the_version_latest()
    {
        var tool = GeneratedTools.Create(1, prefix: "rollback");
        await _store.CreateAsync(tool);
        await _store.PublishAsync(tool with { Version = "2.0" });

        var missingTo = await CliHarness.RunAsync(Env(_shared), "rollback", tool.Name);
        var result = await CliHarness.RunAsync(Env(_shared), "rollback", tool.Name, "--to", "1.0", "--reason", "bad release");
        var again = await CliHarness.RunAsync(Env(_shared), "rollback", tool.Name, "--to", "1.0");

        Assert.That(missingTo.ExitCode, Is.EqualTo(2));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("rolled back to 1.0"));
        Assert.That((await _store.GetAsync(tool.Name))!.Definition.Version, Is.EqualTo("1.0"));
        Assert.That(again.ExitCode, Is.EqualTo(1));
        Assert.That(again.Error, Does.Contain("already the latest"));
    }

    [Test]
    public async Task Delete_is_soft_by_default_and_hard_delete_of_a_referenced_tool_needs_force()
    {
        var soft = GeneratedTools.Create(1, prefix: "delete");
        var hard = GeneratedTools.Create(2, prefix: "delete");
        await _store.ImportAsync([soft, hard]);
        await using (var connection = await _shared.DataSource.OpenConnectionAsync())
        await using (var insert = new Npgsql.NpgsqlCommand("INSERT INTO tool_catalog.tool_telemetry (tool_id, actual_time_ms, success) VALUES ($1, 5, true)", connection))
        {
            insert.Parameters.AddWithValue((await _store.GetAsync(hard.Name))!.Id);
            await insert.ExecuteNonQueryAsync();
        }

        var softResult = await CliHarness.RunAsync(Env(_shared), "delete", soft.Name);
        var refused = await CliHarness.RunAsync(Env(_shared), "delete", hard.Name, "--hard");
        var forceAlone = await CliHarness.RunAsync(Env(_shared), "delete", hard.Name, "--force");
        var forced = await CliHarness.RunAsync(Env(_shared), "delete", hard.Name, "--hard", "--force");

        Assert.That(softResult.ExitCode, Is.EqualTo(0), softResult.Error);
        Assert.That(softResult.Output, Does.Contain("soft"));
        Assert.That((await _store.ListVersionsAsync(soft.Name)).Single().DeletedAt, Is.Not.Null);
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Error, Does.Contain("telemetry").And.Contain("--force"));
        Assert.That(forceAlone.ExitCode, Is.EqualTo(2));
        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.Error);
        Assert.ThrowsAsync<ToolNotFoundException>(() => _store.ListVersionsAsync(hard.Name));
    }

    [Test]
    public async Task An_unreachable_server_is_an_operation_failure_with_advice()
    {
        var result = await CliHarness.RunAsync("list", "--connection", "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=2");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("could not be used").And.Contain("server is running"));
    }

    private static Dictionary<string, string> Env(TestDatabase db) => new() { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };
}
