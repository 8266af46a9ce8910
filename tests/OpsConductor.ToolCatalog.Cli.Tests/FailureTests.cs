using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>
/// What a careless or hostile user can do to a database verb (a schema the program does not know, another writer
/// holding the catalog, Ctrl+C, a wrong password or database, a missing permission): one clear line, exit code 1
/// (or 130 when interrupted), never a stack trace, and nothing stored changed.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class FailureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private TestDatabase _db = null!;
    private ToolCatalogStore _store = null!;
    private TestDatabase _future = null!;

    private Dictionary<string, string> Env => new() { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString };

    private Dictionary<string, string> FutureEnv => new() { ["TOOLCATALOG_CONNECTION"] = _future.ConnectionString };

    private static string Df => Path.Combine(CliPaths.Samples, "linux", "df.yaml");

    /// <summary>
    /// Two databases for the fixture, whose tests run one at a time and none of which may write: <see cref="_db"/>
    /// (the current schema, empty; each test asserts it is still at revision 0 afterwards, which a write by an earlier
    /// test would break, never satisfy) and <see cref="_future"/> (a schema newer than the program).
    /// </summary>
    [OneTimeSetUp]
    public async Task CreateDatabases()
    {
        _db = await TestDatabase.CreateAsync();
        _store = _db.CreateStore();
        _future = await TestDatabase.CreateAsync();
        await AddMigrationFromTheFutureAsync(_future);
    }

    [OneTimeTearDown]
    public async Task DropDatabases()
    {
        await _db.DisposeAsync();
        await _future.DisposeAsync();
    }

    private static void AssertNoStackTrace(CliHarness.Result result)
    {
        Assert.That(result.Error + result.Output, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "), "no stack trace");
    }

    private static async Task AddMigrationFromTheFutureAsync(TestDatabase db)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "INSERT INTO tool_catalog.schema_migrations (version, name, checksum, execution_ms) VALUES (@Version, 'from_the_future', 'f00d', 1)",
            new { Version = SchemaMigrator.ProgramVersion + 1 });
    }

    [Test]
    public async Task Migrate_on_a_schema_newer_than_the_program_refuses_naming_both_versions()
    {
        var result = await CliHarness.RunAsync(FutureEnv, "migrate");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output);
        Assert.That(result.Output, Does.Not.Contain("up to date"));
        Assert.That(result.Error, Does.Contain($"version {SchemaMigrator.ProgramVersion + 1}, newer than this program's (version {SchemaMigrator.ProgramVersion})")
            .And.Contain($"{SchemaMigrator.ProgramVersion + 1:D4}_from_the_future"));
        AssertNoStackTrace(result);
    }

    [Test]
    public async Task Import_into_a_schema_newer_than_the_program_writes_nothing_and_says_why()
    {
        var result = await CliHarness.RunAsync(FutureEnv, "import", Df);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output);
        Assert.That(result.Error, Does.Contain("newer than this program's").And.Contain("Nothing was written"));
        Assert.That(await _future.CreateStore().GetRevisionAsync(), Is.Zero);
        Assert.That(await _future.CreateStore().ExportAsync(), Is.Empty);
        AssertNoStackTrace(result);
    }

    [Test]
    public async Task Import_while_another_writer_holds_the_catalog_says_so_and_how_long_it_waited()
    {
        await using var holder = await HoldRevisionRowAsync();
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString + ";Command Timeout=1" };

        var result = await CliHarness.RunAsync(env, "import", Df);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output);
        Assert.That(result.Error, Does.Contain("Another writer holds the catalog").And.Match(@"waited \d+(\.\d)? s").And.Contain("Nothing was written"));
        Assert.That(result.Error, Does.Not.Contain("server is running"));
        AssertNoStackTrace(result);
        await holder.RollbackAsync();
        Assert.That(await _store.GetRevisionAsync(), Is.Zero);
    }

    [Test]
    public async Task An_import_interrupted_while_it_waits_says_it_was_cancelled_exits_130_and_writes_nothing()
    {
        await using var holder = await HoldRevisionRowAsync();
        using var interrupt = new CancellationTokenSource();
        using var output = new StringWriter();
        var run = CliHarness.RunAsync(["import", Df], output, Env, interrupt.Token);
        await WaitUntilAWriterWaitsAsync();

        await interrupt.CancelAsync();
        var result = await run.WaitAsync(Patience);

        Assert.That(result.ExitCode, Is.EqualTo(130), result.Output);
        Assert.That(result.Error, Does.Contain("cancelled").And.Contain("Nothing was written"));
        AssertNoStackTrace(result);
        await holder.RollbackAsync();
        Assert.That(await _store.GetRevisionAsync(), Is.Zero);
        Assert.That(await _store.ExportAsync(), Is.Empty);
    }

    [Test]
    public async Task A_wrong_password_a_missing_database_and_a_missing_permission_each_get_one_clear_line()
    {
        var wrongPassword = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Password = "not-the-password" }.ConnectionString;
        var missingDatabase = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Database = "toolcatalog_no_such_database" }.ConnectionString;
        var role = "tc_reader_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = await _db.DataSource.OpenConnectionAsync())
        {
            await admin.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD 'reader-secret'");
            await admin.ExecuteAsync($"GRANT USAGE ON SCHEMA tool_catalog TO {role}");
        }

        var noPermission = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Username = role, Password = "reader-secret" }.ConnectionString;

        var login = await CliHarness.RunAsync(["list", "--connection", wrongPassword]);
        var database = await CliHarness.RunAsync(["list", "--connection", missingDatabase]);
        var permission = await CliHarness.RunAsync(["import", Df, "--connection", noPermission]);

        Assert.That(login.ExitCode, Is.EqualTo(1), login.Output);
        Assert.That(login.Error, Does.Contain("refused the login").And.Contain("28P01").And.Not.Contain("not-the-password"));
        Assert.That(database.ExitCode, Is.EqualTo(1), database.Output);
        Assert.That(database.Error, Does.Contain("database does not exist").And.Contain("toolcatalog_no_such_database"));
        Assert.That(permission.ExitCode, Is.EqualTo(1), permission.Output);
        Assert.That(permission.Error, Does.Contain("lacks a permission").And.Contain("Nothing was written"));
        foreach (var result in new[] { login, database, permission })
        {
            AssertNoStackTrace(result);
            Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line");
        }

        Assert.That(await _store.GetRevisionAsync(), Is.Zero);
    }

    /// <summary>Another writer: a transaction that has locked the revision row and not committed.</summary>
    private async Task<Holder> HoldRevisionRowAsync()
    {
        var connection = await _db.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("UPDATE tool_catalog.catalog_revision SET updated_at = now() WHERE id = 1", transaction: transaction);
        return new Holder(connection, transaction);
    }

    private sealed class Holder(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public Task RollbackAsync() => transaction.RollbackAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>Waits (reading the server's own view, no sleeping on a guess) until a backend of this database waits for a lock.</summary>
    private async Task WaitUntilAWriterWaitsAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using var connection = await _db.DataSource.OpenConnectionAsync(timeout.Token);
        while (await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", cancellationToken: timeout.Token)) == 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
