using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tenancy;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Tenancy;

/// <remarks>The tests whose tenants are all refused share one database in which no tenant is ever created (so "no
/// tenants" still holds there); the tests that create tenants have a database of their own.</remarks>
[Parallelizable(ParallelScope.All)]
public sealed class TenantStoreTests
{
    private TestDatabase _withoutTenants = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _withoutTenants = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _withoutTenants.DisposeAsync();

    [Test]
    public async Task Tenants_are_created_listed_disabled_and_enabled_again()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();

        var created = await store.CreateTenantAsync("globex", "Globex Corp", new ChangeContext { Actor = "alice" });
        await store.CreateTenantAsync("acme", "Acme Inc");
        var disabled = await store.DisableTenantAsync("globex");
        var listed = await store.ListTenantsAsync();
        var enabled = await store.EnableTenantAsync("globex");

        Assert.That(created, Is.EqualTo(created with { Id = "globex", Name = "Globex Corp", State = TenantState.Active, CreatedBy = "alice" }));
        Assert.That(disabled.State, Is.EqualTo(TenantState.Disabled));
        Assert.That(listed.Select(t => (t.Id, t.State)), Is.EqualTo(new[] { ("acme", TenantState.Active), ("globex", TenantState.Disabled) }));
        Assert.That(enabled.State, Is.EqualTo(TenantState.Active));
    }

    [TestCase("Acme")]
    [TestCase("-acme")]
    [TestCase("acme-")]
    [TestCase("ac me")]
    [TestCase("")]
    public async Task A_tenant_id_that_breaks_the_rule_is_refused_by_the_store_and_by_the_database(string id)
    {
        var db = _withoutTenants;

        var error = Assert.ThrowsAsync<ArgumentException>(() => db.CreateStore().CreateTenantAsync(id, "Name"));
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var refused = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "INSERT INTO tool_catalog.tenants (id, name, created_at, created_by) VALUES (@Id, 'x', now(), 'x')", new { Id = id }));

        Assert.That(error!.Message, Does.Contain($"'{id}'").And.Contain(TenantId.Rule));
        Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.CheckViolation));
        Assert.That(await db.CreateStore().ListTenantsAsync(), Is.Empty);
    }

    [Test]
    public async Task A_second_tenant_with_the_same_id_is_refused_and_the_first_is_unchanged()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.CreateTenantAsync("acme", "Acme Inc");

        var error = Assert.ThrowsAsync<CatalogOperationException>(() => store.CreateTenantAsync("acme", "Other"));

        Assert.That(error!.Message, Does.Contain("'acme'").And.Contain("exists already"));
        Assert.That((await store.ListTenantsAsync()).Single().Name, Is.EqualTo("Acme Inc"));
    }

    [Test]
    public async Task Disabling_a_tenant_that_does_not_exist_names_it()
    {
        var db = _withoutTenants;

        var error = Assert.ThrowsAsync<CatalogOperationException>(() => db.CreateStore().DisableTenantAsync("nobody"));

        Assert.That(error!.Message, Does.Contain("'nobody'"));
    }
}
