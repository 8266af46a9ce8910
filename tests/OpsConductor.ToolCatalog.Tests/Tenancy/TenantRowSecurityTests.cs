using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Tenancy;

/// <summary>
/// Schema 0012's isolation, proved with raw SQL (no library query to trust): a transaction in a tenant's scope (the
/// tenant role plus the tenant setting, as the store enters it) sees the global rows and its own only, writes its own
/// only, and without the setting sees no tenant rows at all.
/// <para>The seeded catalog is built once: the tests that commit nothing (their transactions roll back or fail) read
/// one shared copy of it, each test that commits gets a copy of its own.</para>
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class TenantRowSecurityTests
{
    private const string RoleOnly = "SELECT set_config('role', 'tool_catalog_tenant', true)";

    private TestDatabase _seeded = null!;
    private TestDatabase _readOnly = null!;

    [OneTimeSetUp]
    public async Task SeedOnce()
    {
        _seeded = await SeededAsync();
        _readOnly = await _seeded.CopyAsync();
    }

    [OneTimeTearDown]
    public async Task DropSeeded()
    {
        await _readOnly.DisposeAsync();
        await _seeded.DisposeAsync();
    }

    /// <summary>The seeded catalog shared by the tests that commit nothing.</summary>
    private TestDatabase ReadOnlySeeded() => _readOnly;

    /// <summary>A copy of the seeded catalog of the test's own (dropped by the test), for a test that commits.</summary>
    private Task<TestDatabase> OwnSeededAsync() => _seeded.CopyAsync();

    /// <summary>A catalog with one global tool (written by the store), tenants acme and globex, and for each tenant a tool
    /// of its own and a shadow of the global tool, written from inside the tenant's scope.</summary>
    private static async Task<TestDatabase> SeededAsync()
    {
        var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.CreateAsync(GeneratedTools.Create(0, capabilities: 1, patterns: 1));
        foreach (var (tenant, revision) in new[] { ("acme", 100), ("globex", 110) })
        {
            await store.CreateTenantAsync(tenant, tenant.ToUpperInvariant());
            await InTenantAsync(db, tenant, async (connection, transaction) =>
            {
                await InsertToolAsync(connection, transaction, tenant, $"{tenant}-tool", revision);
                await InsertToolAsync(connection, transaction, tenant, "gen-tool-00000", revision + 1);
                await connection.ExecuteAsync(
                    "INSERT INTO tool_catalog.tenant_disabled_tools (tenant_id, tool_name, disabled_at, disabled_by) VALUES (@Tenant, 'gen-tool-00000', now(), 'test')",
                    new { Tenant = tenant }, transaction);
                return 0;
            }, commit: true);
        }

        return db;
    }

    private static async Task InsertToolAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string? tenant, string name, long revision)
    {
        var toolId = await connection.ExecuteScalarAsync<long>("""
            INSERT INTO tool_catalog.tools (tool_name, version, description, platform, category, is_latest, tenant_id)
            VALUES (@Name, '1.0', 'test', 'linux', 'system', true, @Tenant) RETURNING id
            """, new { Name = name, Tenant = tenant }, transaction);
        var capabilityId = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO tool_catalog.tool_capabilities (tool_id, ordinal, capability_name, description) VALUES (@ToolId, 0, 'cap', 'test') RETURNING id",
            new { ToolId = toolId }, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO tool_catalog.tool_patterns (capability_id, ordinal, pattern_name, description, time_estimate_ms, cost_estimate, complexity_score)
            VALUES (@CapabilityId, 0, 'pat', 'test', '1', '1', 0.5)
            """, new { CapabilityId = capabilityId }, transaction);
        await connection.ExecuteAsync(
            "INSERT INTO tool_catalog.catalog_changes (revision, tool_name, action, changed_at, tenant_id) VALUES (@Revision, @Name, 'created', now(), @Tenant)",
            new { Revision = revision, Name = name, Tenant = tenant }, transaction);
        await connection.ExecuteAsync(
            "INSERT INTO tool_catalog.tool_audit_log (revision, tool_name, version, action, changes, changed_by, tenant_id) VALUES (@Revision, @Name, '1.0', 'created', '{}', 'test', @Tenant)",
            new { Revision = revision, Name = name, Tenant = tenant }, transaction);
    }

    /// <summary>Runs <paramref name="body"/> in one transaction entered as the store enters a tenant's scope
    /// (<paramref name="tenant"/> null: the tenant role without the setting); rolled back unless <paramref name="commit"/>.</summary>
    private static async Task<T> InTenantAsync<T>(TestDatabase db, string? tenant, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> body, bool commit = false)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(tenant is null ? RoleOnly : TenantSql.EnterTenant, new { Tenant = tenant }, transaction);
        var result = await body(connection, transaction);
        if (commit)
        {
            await transaction.CommitAsync();
        }

        return result;
    }

    private static Task<List<string>> VisibleAsync(TestDatabase db, string? tenant, string sql) =>
        InTenantAsync(db, tenant, async (connection, transaction) => (await connection.QueryAsync<string>(sql, transaction: transaction)).ToList());

    private const string ToolsSql = "SELECT coalesce(tenant_id, '-') || '/' || tool_name FROM tool_catalog.tools ORDER BY 1";
    private const string PatternsSql = """
        SELECT coalesce(t.tenant_id, '-') || '/' || t.tool_name || '/' || p.pattern_name
        FROM tool_catalog.tool_patterns p JOIN tool_catalog.tool_capabilities c ON c.id = p.capability_id JOIN tool_catalog.tools t ON t.id = c.tool_id
        ORDER BY 1
        """;
    private const string PatternsOnlySql = "SELECT count(*)::text FROM tool_catalog.tool_patterns";
    private const string CapabilitiesOnlySql = "SELECT count(*)::text FROM tool_catalog.tool_capabilities";
    private const string ChangesSql = "SELECT DISTINCT coalesce(tenant_id, '-') FROM tool_catalog.catalog_changes ORDER BY 1";
    private const string AuditSql = "SELECT DISTINCT coalesce(tenant_id, '-') FROM tool_catalog.tool_audit_log ORDER BY 1";
    private const string TenantsSql = "SELECT id FROM tool_catalog.tenants ORDER BY id";
    private const string DisabledSql = "SELECT tenant_id || '/' || tool_name FROM tool_catalog.tenant_disabled_tools ORDER BY 1";

    [Test]
    public async Task A_tenant_transaction_sees_the_global_rows_and_its_own_but_never_another_tenants()
    {
        var db = ReadOnlySeeded();

        Assert.That(await VisibleAsync(db, "acme", ToolsSql), Is.EqualTo(new[] { "-/gen-tool-00000", "acme/acme-tool", "acme/gen-tool-00000" }));
        Assert.That(await VisibleAsync(db, "acme", PatternsSql), Has.Count.EqualTo(3).And.None.StartWith("globex/"));
        Assert.That(await VisibleAsync(db, "acme", PatternsOnlySql), Is.EqualTo(new[] { "3" }), "patterns read directly follow their tool");
        Assert.That(await VisibleAsync(db, "acme", CapabilitiesOnlySql), Is.EqualTo(new[] { "3" }), "capabilities read directly follow their tool");
        Assert.That(await VisibleAsync(db, "acme", ChangesSql), Is.EqualTo(new[] { "-", "acme" }));
        Assert.That(await VisibleAsync(db, "acme", AuditSql), Is.EqualTo(new[] { "-", "acme" }));
        Assert.That(await VisibleAsync(db, "acme", TenantsSql), Is.EqualTo(new[] { "acme" }));
        Assert.That(await VisibleAsync(db, "acme", DisabledSql), Is.EqualTo(new[] { "acme/gen-tool-00000" }));
        Assert.That(await VisibleAsync(db, "globex", ToolsSql), Is.EqualTo(new[] { "-/gen-tool-00000", "globex/gen-tool-00000", "globex/globex-tool" }));
    }

    [Test]
    public async Task Without_the_tenant_setting_the_tenant_role_sees_no_tenant_rows()
    {
        var db = ReadOnlySeeded();

        Assert.That(await VisibleAsync(db, null, ToolsSql), Is.EqualTo(new[] { "-/gen-tool-00000" }));
        Assert.That(await VisibleAsync(db, null, PatternsOnlySql), Is.EqualTo(new[] { "1" }));
        Assert.That(await VisibleAsync(db, null, CapabilitiesOnlySql), Is.EqualTo(new[] { "1" }));
        Assert.That(await VisibleAsync(db, null, ChangesSql), Is.EqualTo(new[] { "-" }));
        Assert.That(await VisibleAsync(db, null, AuditSql), Is.EqualTo(new[] { "-" }));
        Assert.That(await VisibleAsync(db, null, TenantsSql), Is.Empty);
        Assert.That(await VisibleAsync(db, null, DisabledSql), Is.Empty);
    }

    [Test]
    public async Task The_catalogs_own_login_without_a_tenant_scope_still_sees_every_row_as_before()
    {
        var db = ReadOnlySeeded();
        await using var connection = await db.DataSource.OpenConnectionAsync();

        var tools = (await connection.QueryAsync<string>(ToolsSql)).ToList();

        Assert.That(tools, Has.Count.EqualTo(5), "the global path (the catalog's login) is the global administrator's");
    }

    [Test]
    public async Task A_tenant_updates_and_deletes_nothing_of_another_tenant_nor_of_the_global_catalog()
    {
        await using var db = await OwnSeededAsync();
        string[] statements =
        [
            "UPDATE tool_catalog.tools SET enabled = false WHERE tenant_id = 'globex'",
            "UPDATE tool_catalog.tools SET enabled = false WHERE tenant_id IS NULL",
            "UPDATE tool_catalog.tool_capabilities SET description = 'hijacked' WHERE tool_id IN (SELECT id FROM tool_catalog.tools WHERE tenant_id IS DISTINCT FROM 'acme')",
            "UPDATE tool_catalog.tool_patterns SET description = 'hijacked' WHERE capability_id IN (SELECT c.id FROM tool_catalog.tool_capabilities c JOIN tool_catalog.tools t ON t.id = c.tool_id WHERE t.tenant_id IS DISTINCT FROM 'acme')",
            "UPDATE tool_catalog.tenant_disabled_tools SET disabled_by = 'hijacked' WHERE tenant_id = 'globex'",
            "DELETE FROM tool_catalog.tools WHERE tenant_id IS DISTINCT FROM 'acme'",
            "DELETE FROM tool_catalog.tenant_disabled_tools WHERE tenant_id = 'globex'",
            "DELETE FROM tool_catalog.catalog_changes WHERE tenant_id IS DISTINCT FROM 'acme'",
        ];

        foreach (var statement in statements)
        {
            var affected = await InTenantAsync(db, "acme", (connection, transaction) => connection.ExecuteAsync(statement, transaction: transaction), commit: true);
            Assert.That(affected, Is.Zero, statement);
        }

        var tenants = Assert.ThrowsAsync<PostgresException>(() => InTenantAsync(db, "acme", (connection, transaction) =>
            connection.ExecuteAsync("UPDATE tool_catalog.tenants SET state = 'active'", transaction: transaction)));
        Assert.That(tenants!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), "the tenants table is read-only to tenants");

        await using var owner = await db.DataSource.OpenConnectionAsync();
        Assert.That(await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.tools WHERE enabled"), Is.EqualTo(5));
        Assert.That(await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.tool_patterns"), Is.EqualTo(5));
        Assert.That(await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.tenant_disabled_tools WHERE disabled_by = 'test'"), Is.EqualTo(2));
        Assert.That(await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.tenants WHERE state = 'active'"), Is.EqualTo(2));
        Assert.That(await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM tool_catalog.catalog_changes"), Is.EqualTo(5));
    }

    [Test]
    public async Task A_tenant_may_change_the_state_of_its_own_tools()
    {
        await using var db = await OwnSeededAsync();

        var affected = await InTenantAsync(db, "acme", (connection, transaction) =>
            connection.ExecuteAsync("UPDATE tool_catalog.tools SET enabled = false", transaction: transaction), commit: true);

        Assert.That(affected, Is.EqualTo(2), "its own two rows, not the global one it sees");
    }

    [TestCase("INSERT INTO tool_catalog.tools (tool_name, version, description, platform, category, tenant_id) VALUES ('x', '1.0', 'x', 'linux', 'system', 'globex')", TestName = "A tool of another tenant")]
    [TestCase("INSERT INTO tool_catalog.tools (tool_name, version, description, platform, category, tenant_id) VALUES ('x', '1.0', 'x', 'linux', 'system', NULL)", TestName = "A global tool")]
    [TestCase("INSERT INTO tool_catalog.tool_capabilities (tool_id, ordinal, capability_name, description) SELECT id, 5, 'extra', 'x' FROM tool_catalog.tools WHERE tenant_id IS NULL", TestName = "A capability of a global tool")]
    [TestCase("INSERT INTO tool_catalog.catalog_changes (revision, tool_name, action, changed_at, tenant_id) VALUES (999, 'x', 'created', now(), NULL)", TestName = "A global change-feed row")]
    [TestCase("INSERT INTO tool_catalog.tool_audit_log (revision, tool_name, action, changes, changed_by, tenant_id) VALUES (999, 'x', 'created', '{}', 'x', 'globex')", TestName = "An audit row of another tenant")]
    [TestCase("INSERT INTO tool_catalog.tenant_disabled_tools (tenant_id, tool_name, disabled_at, disabled_by) VALUES ('globex', 'x', now(), 'x')", TestName = "A disabled tool of another tenant")]
    public async Task A_tenant_cannot_insert_rows_outside_its_overlay(string sql)
    {
        var db = ReadOnlySeeded();

        var error = Assert.ThrowsAsync<PostgresException>(() => InTenantAsync(db, "acme", (connection, transaction) => connection.ExecuteAsync(sql, transaction: transaction)));

        Assert.That(error!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
        Assert.That(error.MessageText, Does.Contain("row-level security"));
    }

    [Test]
    public async Task A_row_written_in_a_tenants_scope_without_naming_a_tenant_carries_the_scopes_tenant()
    {
        await using var db = await OwnSeededAsync();

        await InTenantAsync(db, "acme", async (connection, transaction) =>
        {
            await connection.ExecuteAsync(
                "INSERT INTO tool_catalog.tools (tool_name, version, description, platform, category) VALUES ('unnamed', '1.0', 'x', 'linux', 'system')",
                transaction: transaction);
            await connection.ExecuteAsync(
                "INSERT INTO tool_catalog.catalog_changes (revision, tool_name, action, changed_at) VALUES (998, 'unnamed', 'created', now())", transaction: transaction);
            return 0;
        }, commit: true);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("INSERT INTO tool_catalog.catalog_changes (revision, tool_name, action, changed_at) VALUES (999, 'unnamed', 'created', now())");

        Assert.That(await connection.ExecuteScalarAsync<string>("SELECT tenant_id FROM tool_catalog.tools WHERE tool_name = 'unnamed'"), Is.EqualTo("acme"));
        Assert.That(await connection.ExecuteScalarAsync<string>("SELECT tenant_id FROM tool_catalog.catalog_changes WHERE revision = 998"), Is.EqualTo("acme"));
        Assert.That(await connection.ExecuteScalarAsync<string?>("SELECT tenant_id FROM tool_catalog.catalog_changes WHERE revision = 999"), Is.Null,
            "outside a scope a row is global");
    }

    [Test]
    public async Task A_disabled_tenant_cannot_write_its_overlay_and_keeps_its_rows()
    {
        await using var db = await OwnSeededAsync();
        await db.CreateStore().DisableTenantAsync("acme");

        var insert = Assert.ThrowsAsync<PostgresException>(() => InTenantAsync(db, "acme", async (connection, transaction) =>
        {
            await InsertToolAsync(connection, transaction, "acme", "late-tool", revision: 200);
            return 0;
        }));
        var update = Assert.ThrowsAsync<PostgresException>(() => InTenantAsync(db, "acme", (connection, transaction) =>
            connection.ExecuteAsync("UPDATE tool_catalog.tools SET enabled = false WHERE tool_name = 'acme-tool'", transaction: transaction)));

        Assert.That(insert!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
        Assert.That(update!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
        Assert.That(await VisibleAsync(db, "acme", ToolsSql), Does.Contain("acme/acme-tool"));
    }

    [Test]
    public async Task Tenant_audit_rows_join_the_one_hash_chain_and_their_tenant_is_covered_by_the_hash()
    {
        await using var db = await OwnSeededAsync();
        var store = db.CreateStore();

        var intact = await store.VerifyAuditChainAsync();
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                BEGIN;
                ALTER TABLE tool_catalog.tool_audit_log DISABLE TRIGGER USER;
                UPDATE tool_catalog.tool_audit_log SET tenant_id = 'globex' WHERE tenant_id = 'acme';
                ALTER TABLE tool_catalog.tool_audit_log ENABLE TRIGGER USER;
                COMMIT;
                """);
        }

        var moved = await store.VerifyAuditChainAsync();

        Assert.That(intact.IsIntact, Is.True, "rows written by tenants chain after rows they cannot see");
        Assert.That(intact.Rows, Is.EqualTo(5), "one global row and two rows per tenant");
        Assert.That(moved.IsIntact, Is.False, "a row moved to another tenant no longer matches its hash");
    }

    [Test]
    public async Task A_tenant_may_publish_the_version_a_global_tool_has_but_not_the_same_version_twice()
    {
        var db = ReadOnlySeeded();

        var again = Assert.ThrowsAsync<PostgresException>(() => InTenantAsync(db, "acme", (connection, transaction) => connection.ExecuteAsync(
            "INSERT INTO tool_catalog.tools (tool_name, version, description, platform, category, tenant_id) VALUES ('gen-tool-00000', '1.0', 'x', 'linux', 'system', 'acme')",
            transaction: transaction)));
        var secondLatest = Assert.ThrowsAsync<PostgresException>(() => InTenantAsync(db, "acme", (connection, transaction) => connection.ExecuteAsync(
            "INSERT INTO tool_catalog.tools (tool_name, version, description, platform, category, is_latest, tenant_id) VALUES ('gen-tool-00000', '2.0', 'x', 'linux', 'system', true, 'acme')",
            transaction: transaction)));

        Assert.That(again!.ConstraintName, Is.EqualTo("tools_name_version_key"));
        Assert.That(secondLatest!.ConstraintName, Is.EqualTo("tools_one_latest_per_name"));
    }
}
