using Npgsql;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.LocalPostgres;

/// <summary>Local test servers are copies of one initialised instance (TestServer.LocalCopies.cs): each copy must still be
/// a server of its own, and must still give migration tests an empty database.</summary>
[Parallelizable(ParallelScope.Self)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TestServerCopyTests
{
    [Test]
    public async Task Two_private_servers_have_their_own_port_socket_folder_password_and_data_and_share_no_file()
    {
        await using var first = await TestServer.StartPrivateAsync();
        await using var second = await TestServer.StartPrivateAsync();
        Assume.That(first.Kind, Is.EqualTo(TestServerKind.Local), "only local servers are copies");
        var (a, b) = (first.Local!, second.Local!);

        Assert.That(a.Port, Is.Not.EqualTo(b.Port));
        Assert.That(a.DataDirectory, Is.Not.EqualTo(b.DataDirectory));
        Assert.That(await ServerProbe.ScalarAsync(a.ConnectionString, "SHOW data_directory"), Is.EqualTo(a.DataDirectory));
        Assert.That(await ServerProbe.ScalarAsync(b.ConnectionString, "SHOW data_directory"), Is.EqualTo(b.DataDirectory));
        Assert.That(await ServerProbe.ScalarAsync(a.ConnectionString, "SHOW unix_socket_directories"), Does.StartWith(a.InstanceDirectory + Path.DirectorySeparatorChar));
        Assert.That(await ServerProbe.ScalarAsync(b.ConnectionString, "SHOW unix_socket_directories"), Does.StartWith(b.InstanceDirectory + Path.DirectorySeparatorChar));

        var passwordA = new NpgsqlConnectionStringBuilder(a.ConnectionString).Password;
        var passwordB = new NpgsqlConnectionStringBuilder(b.ConnectionString).Password;
        Assert.That(passwordA, Is.Not.Empty.And.Not.EqualTo(passwordB), "each copy gets a superuser password of its own");
        var crossed = new NpgsqlConnectionStringBuilder(b.ConnectionString) { Password = passwordA }.ConnectionString;
        var refused = Assert.ThrowsAsync<PostgresException>(() => ServerProbe.ScalarAsync(crossed, "SELECT 1"));
        Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.InvalidPassword), "one server's secret does not open the other");

        await ServerProbe.ScalarAsync(a.ConnectionString, "CREATE TABLE only_in_first (value int)");
        Assert.That(await ServerProbe.ScalarAsync(a.ConnectionString, "SELECT to_regclass('only_in_first') IS NOT NULL"), Is.EqualTo("True"));
        Assert.That(await ServerProbe.ScalarAsync(b.ConnectionString, "SELECT to_regclass('only_in_first') IS NULL"), Is.EqualTo("True"), "the copies' data are apart");

        // Copies, not hard links: PostgreSQL writes its files in place.
        Assert.That(await ServerProbe.RunAsync("find", a.InstanceDirectory, b.InstanceDirectory, "-type", "f", "-links", "+1"), Is.Empty);
    }

    [Test]
    public async Task A_private_server_needs_no_migration_yet_a_database_made_without_migrating_is_empty()
    {
        await using var server = await TestServer.StartPrivateAsync();
        await using var migrated = await TestDatabase.CreateAsync(server);
        await using var empty = await TestDatabase.CreateAsync(server, migrate: false);

        Assert.That(await migrated.CreateStore().GetRevisionAsync(), Is.Zero, "a migrated, empty catalog");
        Assert.That(await ServerProbe.ScalarAsync(empty.ConnectionString, "SELECT count(*) FROM pg_namespace WHERE nspname = 'tool_catalog'"), Is.EqualTo("0"));
        Assert.That(await ServerProbe.ScalarAsync(empty.ConnectionString, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"), Is.EqualTo("0"));
    }
}
