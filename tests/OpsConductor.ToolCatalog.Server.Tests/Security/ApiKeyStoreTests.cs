using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Security;

/// <summary>The key store on its own, over a real database, with a clock the tests move.</summary>
[TestFixture]
public sealed class ApiKeyStoreTests
{
    private TestDatabase _db = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _db = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task A_key_revoked_by_another_process_stops_working_here_when_the_cache_period_ends_and_not_before()
    {
        var clock = new ManualClock();
        var server = new ApiKeyStore(_db.DataSource, clock, cacheDuration: TimeSpan.FromSeconds(30));
        var cli = new ApiKeyStore(_db.DataSource, clock, cacheDuration: TimeSpan.Zero);
        var created = await cli.CreateAsync("rotating", "viewer", null, "ops");
        Assert.That(await server.ValidateAsync(created.Key), Is.Not.Null);

        await cli.RevokeAsync("rotating", "ops");
        var withinPeriod = await server.ValidateAsync(created.Key);
        clock.Advance(TimeSpan.FromSeconds(30));
        var afterPeriod = await server.ValidateAsync(created.Key);

        Assert.That(withinPeriod, Is.Not.Null, "served from the cache for up to CacheDuration (documented)");
        Assert.That(afterPeriod, Is.Null);
    }

    [Test]
    public async Task Validation_is_served_from_memory_within_the_cache_period()
    {
        var clock = new ManualClock();
        var store = new ApiKeyStore(_db.DataSource, clock);
        var created = await store.CreateAsync("cached", "admin", null, "ops");
        Assert.That(await store.ValidateAsync(created.Key), Is.Not.Null);
        await using (var rename = _db.DataSource.CreateCommand("UPDATE tool_catalog.api_keys SET role = 'viewer' WHERE name = 'cached'"))
        {
            await rename.ExecuteNonQueryAsync();
        }

        var cached = await store.ValidateAsync(created.Key);
        clock.Advance(store.CacheDuration);
        var reloaded = await store.ValidateAsync(created.Key);

        Assert.That(cached!.Role, Is.EqualTo("admin"), "no database round trip within the period");
        Assert.That(reloaded!.Role, Is.EqualTo("viewer"));
    }

    [Test]
    public async Task Signing_in_records_when_the_key_was_last_used()
    {
        var clock = new ManualClock();
        var store = new ApiKeyStore(_db.DataSource, clock);
        var created = await store.CreateAsync("used", "viewer", null, "ops");
        Assert.That((await store.ListAsync()).Single(k => k.Name == "used").LastUsedAt, Is.Null);

        clock.Advance(TimeSpan.FromMinutes(5));
        await store.ValidateAsync(created.Key);

        Assert.That((await store.ListAsync()).Single(k => k.Name == "used").LastUsedAt, Is.EqualTo(clock.GetUtcNow()));
    }

    [Test]
    public async Task A_created_key_has_the_documented_shape_and_its_object_never_prints_it()
    {
        var created = await new ApiKeyStore(_db.DataSource).CreateAsync("shape", "owner", ["grep", "grep"], "ops");

        Assert.That(created.Key, Does.Match("^tc_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}$"));
        Assert.That(created.Key, Does.StartWith("tc_" + created.Record.KeyId + "_"));
        Assert.That(created.Record.Tools, Is.EqualTo(new[] { "grep" }), "tools once each");
        Assert.That(created.ToString(), Does.Not.Contain(created.Key[12..]));
        Assert.That(created.Record.ToString(), Does.Not.Contain(created.Key[12..]));
    }

    [TestCase("", "viewer", new string[0], "is not allowed: a name is")]
    [TestCase("-leading-dash", "viewer", new string[0], "is not allowed: a name is")]
    [TestCase("has space", "viewer", new string[0], "is not allowed: a name is")]
    [TestCase("ok", "Admin", new string[0], "is not a role: use admin, owner or viewer")]
    [TestCase("ok", "owner", new string[0], "needs at least one tool")]
    [TestCase("ok", "admin", new[] { "grep" }, "only an owner key takes tools")]
    [TestCase("ok", "owner", new[] { "<script>" }, "is not a tool name")]
    public void A_key_that_breaks_a_rule_is_refused_saying_which_rule_and_nothing_is_written(string name, string role, string[] tools, string message)
    {
        var store = new ApiKeyStore(_db.DataSource);

        var error = Assert.ThrowsAsync<ApiKeyException>(() => store.CreateAsync(name, role, tools, "ops"));

        Assert.That(error!.Message, Does.Contain(message).And.Contain("Nothing was written"));
    }

    [Test]
    public async Task Creating_and_revoking_are_recorded_with_the_actor()
    {
        var store = new ApiKeyStore(_db.DataSource);
        await store.CreateAsync("recorded", "owner", ["df"], "alice");
        await store.RevokeAsync("recorded", "bob");

        await using var command = _db.DataSource.CreateCommand(
            "SELECT string_agg(action || ':' || actor || ':' || role || ':' || array_to_string(tools, ','), ' ' ORDER BY id) FROM tool_catalog.api_key_events WHERE key_name = 'recorded'");
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("created:alice:owner:df revoked:bob:owner:df"));
    }

    [Test]
    public async Task The_events_of_a_tenant_key_carry_its_tenant_and_those_of_a_global_key_none()
    {
        await _db.CreateStore().CreateTenantAsync("events-acme", "Acme");
        var store = new ApiKeyStore(_db.DataSource);
        await store.CreateForTenantAsync("recorded-tenant", "viewer", null, "events-acme", "alice");
        await store.RevokeAsync("recorded-tenant", "bob");
        await store.CreateAsync("recorded-global", "viewer", null, "alice");

        await using var command = _db.DataSource.CreateCommand(
            "SELECT string_agg(key_name || ':' || action || ':' || coalesce(tenant_id, '(global)'), ' ' ORDER BY id) FROM tool_catalog.api_key_events WHERE key_name LIKE 'recorded-%'");
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("recorded-tenant:created:events-acme recorded-tenant:revoked:events-acme recorded-global:created:(global)"));
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public override long GetTimestamp() => _now.UtcTicks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => _now += by;
    }
}
