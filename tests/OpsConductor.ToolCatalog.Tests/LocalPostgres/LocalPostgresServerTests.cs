using System.Diagnostics;
using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.LocalPostgres;

/// <summary>Starts real private servers from the machine's binaries (these tests are what the test database and the
/// CLI's embedded default stand on).</summary>
/// <remarks>Each test has a folder of its own, so the tests run in parallel. Each lifecycle (persistent, ephemeral) is one
/// test on one server, so that each runs <c>initdb</c> once.</remarks>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresServerTests
{
    private string _parent = null!;

    [SetUp]
    public void CreateFolder() => _parent = NewParentFolder();

    [TearDown]
    public async Task StopAndDelete() => await StopAndDeleteAsync(_parent);

    [Test]
    public async Task A_persistent_server_is_initialised_once_with_a_private_secret_on_loopback_as_an_unprivileged_owner_reused_while_running_and_keeps_its_data_across_stop_and_start()
    {
        // One server (one initdb) for the persistent lifecycle: what the first start makes, reuse, stop and start.
        var instance = Path.Combine(_parent, "instance");

        var first = await LocalPostgresServer.StartPersistentAsync(instance);

        // The secret is stored readable by its owner only, and the server listens on loopback with a password.
        var mode = File.GetUnixFileMode(Path.Combine(instance, "instance.json"));
        Assert.That(mode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(await ServerProbe.ScalarAsync(first.ConnectionString, "SHOW listen_addresses"), Is.EqualTo("127.0.0.1"));
        Assert.That(await ServerProbe.ScalarAsync(first.ConnectionString, "SHOW password_encryption"), Is.EqualTo("scram-sha-256"));
        var wrong = new NpgsqlConnectionStringBuilder(first.ConnectionString) { Password = "wrong", Pooling = false }.ConnectionString;
        var refused = Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(wrong, "SELECT 1"));
        Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.InvalidPassword));

        // When run as root, the server runs as an unprivileged account that owns the data.
        var owner = await ServerProbe.RunAsync("stat", "-c", "%U", first.DataDirectory);
        Assert.That(await ServerProbe.ScalarAsync(first.ConnectionString, "SELECT current_setting('data_directory')"), Is.EqualTo(first.DataDirectory));
        if (Environment.IsPrivilegedProcess)
        {
            Assert.That(first.ServiceAccount, Is.Not.Null.And.Not.EqualTo("root"));
            Assert.That(owner, Is.EqualTo(first.ServiceAccount));
        }
        else
        {
            Assert.That(first.ServiceAccount, Is.Null);
            Assert.That(owner, Is.EqualTo(Environment.UserName));
        }

        await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('survives')");
        var running = await LocalPostgresServer.GetStatusAsync(instance);

        Assert.That(running.IsInitialized, Is.True);
        Assert.That(running.IsRunning, Is.True);
        Assert.That(running.Port, Is.EqualTo(first.Port));
        Assert.That(running.DataDirectory, Is.EqualTo(Path.Combine(instance, "data")));
        Assert.That(running.DataVersion, Is.EqualTo(first.Binaries.Version.Major.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(running.ServerVersion, Does.Contain("PostgreSQL"));

        // A second process (here: a second call) reuses the running server: same port, same postmaster.
        var second = await LocalPostgresServer.StartPersistentAsync(instance);
        Assert.That(second.Port, Is.EqualTo(first.Port));
        Assert.That((await LocalPostgresServer.GetStatusAsync(instance)).ProcessId, Is.EqualTo(running.ProcessId));

        Assert.That(await LocalPostgresServer.StopPersistentAsync(instance), Is.True);
        var stopped = await LocalPostgresServer.GetStatusAsync(instance);
        Assert.That(stopped.IsRunning, Is.False);
        Assert.That(stopped.IsInitialized, Is.True);
        Assert.That(await LocalPostgresServer.StopPersistentAsync(instance), Is.False, "stopping a stopped server reports it");

        var third = await LocalPostgresServer.StartPersistentAsync(instance);
        Assert.That(await ServerProbe.ScalarAsync(third.ConnectionString, "SELECT value FROM kept"), Is.EqualTo("survives"));
    }

    [Test]
    public async Task A_folder_the_service_account_cannot_reach_is_refused_with_a_way_out()
    {
        var closed = Path.Combine(_parent, "closed");
        Directory.CreateDirectory(closed);
        File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var instance = Path.Combine(closed, "instance");

        if (Environment.IsPrivilegedProcess)
        {
            var error = Assert.ThrowsAsync<LocalPostgresException>(() => LocalPostgresServer.StartPersistentAsync(instance));
            Assert.That(error!.Message, Does.Contain(closed).And.Contain("does not let other users through").And.Contain("/var/lib/opsconductor-toolcatalog/pg"));
        }
        else
        {
            // Without root the server runs as the folder's owner, so a private folder is fine.
            var server = await LocalPostgresServer.StartPersistentAsync(instance);
            Assert.That(server.Port, Is.GreaterThan(0));
            await LocalPostgresServer.StopPersistentAsync(instance);
        }
    }

    [Test]
    public async Task An_ephemeral_server_cleans_up_abandoned_ones_at_start_stops_and_starts_on_its_port_and_is_deleted_on_dispose()
    {
        // One server (one initdb) for the throwaway lifecycle from start to dispose.
        var abandoned = Directory.CreateDirectory(Path.Combine(_parent, "toolcatalog-pg-abandoned")).FullName;
        var foreign = Directory.CreateDirectory(Path.Combine(_parent, "toolcatalog-pg-other-container")).FullName;
        var deadProcess = await DeadProcessIdAsync();
        await File.WriteAllTextAsync(Path.Combine(abandoned, "owner.pid"), LocalPostgresServer.OwnerRecord(deadProcess));
        await File.WriteAllTextAsync(Path.Combine(foreign, "owner.pid"), $"{deadProcess} pid:[1]");

        var server = await LocalPostgresServer.StartEphemeralAsync(new LocalPostgresOptions { EphemeralParentDirectory = _parent });
        var folder = server.InstanceDirectory;

        Assert.That(Directory.Exists(abandoned), Is.False, "the folder of a dead test run is removed");
        Assert.That(Directory.Exists(foreign), Is.True, "a folder whose owner ran in another PID namespace (another container sharing /tmp) is left alone");
        Assert.That(Directory.Exists(folder), Is.True);
        Assert.That(await ServerProbe.ScalarAsync(server.ConnectionString, "SHOW fsync"), Is.EqualTo("off"), "throwaway servers trade durability for speed");

        // A running server can be stopped and started again on the same port, under a live data source.
        var port = server.Port;
        await using (var dataSource = NpgsqlDataSource.Create(server.ConnectionString))
        {
            await server.StopAsync();
            Assert.That(server.IsRunning, Is.False);
            Assert.ThrowsAsync<NpgsqlException>(async () => await dataSource.OpenConnectionAsync());
            await server.StartAsync();

            Assert.That(server.IsRunning, Is.True);
            Assert.That(server.Port, Is.EqualTo(port));
            await using var connection = await dataSource.OpenConnectionAsync();
            Assert.That(connection.State, Is.EqualTo(System.Data.ConnectionState.Open));
        }

        await server.DisposeAsync();

        Assert.That(Directory.Exists(folder), Is.False);
        Assert.ThrowsAsync<NpgsqlException>(() => ExecuteAsync(server.ConnectionString, "SELECT 1"));
    }

    private static string NewParentFolder()
    {
        // Under the scratch folder (not under /root, mode 0700), so that the service account can enter it when we run as root.
        var parent = Path.Combine(TestScratch.Root, "tc-localpg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(parent);
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return parent;
    }

    private static async Task StopAndDeleteAsync(string parent)
    {
        var instance = Path.Combine(parent, "instance");
        if (Directory.Exists(instance))
        {
            await LocalPostgresServer.StopPersistentAsync(instance);
        }

        Directory.Delete(parent, recursive: true);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> DeadProcessIdAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true"))!;
        await process.WaitForExitAsync();
        return process.Id;
    }
}
