using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog keys create|list|revoke</c> against a real database.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed partial class KeysCommandTests
{
    private TestDatabase _db = null!;
    private Dictionary<string, string> _env = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await TestDatabase.CreateAsync();
        _env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString };
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Create_prints_the_key_once_as_the_last_line_and_the_database_keeps_only_its_hash()
    {
        var result = await CliHarness.RunAsync(_env, "keys", "create", "--name", "deploy-bot", "--role", "owner", "--tool", "systemctl", "--tool", "journalctl");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var lines = Lines(result.Output);
        var key = lines[^1];
        Assert.That(key, Does.Match(KeyShape()));
        Assert.That(Regex.Matches(result.Output, Regex.Escape(key)), Has.Count.EqualTo(1), "printed once");
        Assert.That(result.Output, Does.Contain("key:deploy-bot"));
        Assert.That(lines[^2], Does.StartWith("Database: "));

        var stored = await ScalarAsync<string>("SELECT row_to_json(k)::text FROM tool_catalog.api_keys k WHERE name = 'deploy-bot'");
        Assert.That(stored, Does.Not.Contain(key[12..]), "the secret is not stored");
        var hash = await ScalarAsync<byte[]>("SELECT secret_hash FROM tool_catalog.api_keys WHERE name = 'deploy-bot'");
        Assert.That(hash, Is.EqualTo(SHA256.HashData(Encoding.UTF8.GetBytes(key))));

        var signedIn = await new ApiKeyStore(_db.DataSource).ValidateAsync(key);
        Assert.That(signedIn, Is.Not.Null);
        Assert.That(signedIn!.Role, Is.EqualTo("owner"));
        Assert.That(signedIn.Tools, Is.EqualTo(new[] { "systemctl", "journalctl" }));
    }

    [Test]
    public async Task List_names_the_keys_and_never_prints_a_key_or_its_hash()
    {
        var admin = Lines((await CliHarness.RunAsync(_env, "keys", "create", "--name", "list-admin", "--role", "admin")).Output)[^1];
        var viewer = Lines((await CliHarness.RunAsync(_env, "keys", "create", "--name", "list-viewer", "--role", "viewer")).Output)[^1];

        var text = await CliHarness.RunAsync(_env, "keys", "list");
        var json = await CliHarness.RunAsync(_env, "keys", "list", "--format", "json");

        foreach (var result in new[] { text, json })
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(result.Output, Does.Contain("list-admin").And.Contain("list-viewer"));
            foreach (var key in new[] { admin, viewer })
            {
                Assert.That(result.Output, Does.Not.Contain(key[12..]), "no secret");
                var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
                Assert.That(result.Output, Does.Not.Contain(Convert.ToHexStringLower(hash)).IgnoreCase.And.Not.Contain(Convert.ToBase64String(hash)), "no hash");
            }
        }
    }

    [TestCase("positional")]
    [TestCase("option")]
    public async Task Revoke_stops_the_key_and_records_who_created_and_revoked_it(string form)
    {
        var name = "revoke-" + form;
        var key = Lines((await CliHarness.RunAsync(_env, "keys", "create", "--name", name, "--role", "viewer")).Output)[^1];

        var result = form == "positional"
            ? await CliHarness.RunAsync(_env, "keys", "revoke", name)
            : await CliHarness.RunAsync(_env, "keys", "revoke", "--name", name);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain($"Revoked API key '{name}'"));
        Assert.That(await new ApiKeyStore(_db.DataSource).ValidateAsync(key), Is.Null, "the key signs nothing in");
        Assert.That((await CliHarness.RunAsync(_env, "keys", "list")).Output, Does.Not.Contain(name));
        Assert.That((await CliHarness.RunAsync(_env, "keys", "list", "--all")).Output, Does.Contain(name));
        var events = await ScalarAsync<string>("SELECT string_agg(action || ' by ' || actor, ', ' ORDER BY id) FROM tool_catalog.api_key_events WHERE key_name = $1", name);
        var actor = StoreCommandSupportActor();
        Assert.That(events, Is.EqualTo($"created by {actor}, revoked by {actor}"));
    }

    [Test]
    public async Task A_revoked_name_can_be_given_to_a_new_key_but_a_name_in_use_cannot()
    {
        Assert.That((await CliHarness.RunAsync(_env, "keys", "create", "--name", "rotated", "--role", "viewer")).ExitCode, Is.EqualTo(0));

        var taken = await CliHarness.RunAsync(_env, "keys", "create", "--name", "rotated", "--role", "admin");
        Assert.That(taken.ExitCode, Is.EqualTo(1));
        Assert.That(taken.Error, Does.Contain("An API key named 'rotated' is in use already"));
        Assert.That(taken.Output, Does.Not.Match(KeyShape()), "no key printed for a key not stored");

        Assert.That((await CliHarness.RunAsync(_env, "keys", "revoke", "rotated")).ExitCode, Is.EqualTo(0));
        Assert.That((await CliHarness.RunAsync(_env, "keys", "create", "--name", "rotated", "--role", "admin")).ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task Revoking_a_key_that_does_not_exist_fails_with_exit_code_1()
    {
        var result = await CliHarness.RunAsync(_env, "keys", "revoke", "nobody");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("No API key in use is named 'nobody'"));
    }

    [TestCase(new[] { "keys", "create", "--role", "admin" }, "--name")]
    [TestCase(new[] { "keys", "create", "--name", "u1" }, "--role")]
    [TestCase(new[] { "keys", "create", "--name", "u2", "--role", "root" }, "root")]
    [TestCase(new[] { "keys", "create", "--name", "u3", "--role", "owner" }, "needs at least one tool")]
    [TestCase(new[] { "keys", "create", "--name", "u4", "--role", "viewer", "--tool", "grep" }, "only an owner key takes tools")]
    [TestCase(new[] { "keys", "create", "--name", "bad name", "--role", "viewer" }, "is not allowed: a name is")]
    [TestCase(new[] { "keys", "create", "--name", "u5", "--role", "owner", "--tool", "'; DROP TABLE x; --" }, "is not a tool name")]
    [TestCase(new[] { "keys", "revoke" }, "name the key to revoke")]
    [TestCase(new[] { "keys", "revoke", "a", "--name", "b" }, "two different names")]
    public async Task Usage_errors_exit_2_say_what_is_wrong_and_write_nothing(string[] args, string message)
    {
        var before = await ScalarAsync<long>("SELECT count(*) FROM tool_catalog.api_keys");

        var result = await CliHarness.RunAsync(_env, args);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output + result.Error);
        Assert.That(result.Error, Does.Contain(message));
        Assert.That(result.Output, Does.Not.Match(KeyShape()));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM tool_catalog.api_keys"), Is.EqualTo(before));
    }

    [Test]
    public async Task Create_with_a_tenant_binds_the_key_to_it_and_list_shows_the_tenant()
    {
        await _db.CreateStore().CreateTenantAsync("keys-acme", "Acme");

        var result = await CliHarness.RunAsync(_env, "keys", "create", "--name", "acme-bot", "--role", "admin", "--tenant", "keys-acme");
        var text = await CliHarness.RunAsync(_env, "keys", "list");
        var json = await CliHarness.RunAsync(_env, "keys", "list", "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("tenant keys-acme"));
        var signedIn = await new ApiKeyStore(_db.DataSource).ValidateAsync(Lines(result.Output)[^1]);
        Assert.That(signedIn!.Tenant, Is.EqualTo("keys-acme"));
        Assert.That(Lines(text.Output).Single(l => l.StartsWith("acme-bot", StringComparison.Ordinal)), Does.Contain("keys-acme"));
        Assert.That(json.Output, Does.Contain("\"tenant\": \"keys-acme\""));
    }

    [Test]
    public async Task Create_with_a_tenant_that_does_not_exist_fails_naming_it_and_writes_nothing()
    {
        var result = await CliHarness.RunAsync(_env, "keys", "create", "--name", "ghost-bot", "--role", "viewer", "--tenant", "no-such-tenant");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output);
        Assert.That(result.Error, Does.Contain("There is no tenant 'no-such-tenant'"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM tool_catalog.api_keys WHERE name = 'ghost-bot'"), Is.Zero);
    }

    [Test]
    public async Task Create_with_a_malformed_tenant_id_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync(_env, "keys", "create", "--name", "bad-bot", "--role", "viewer", "--tenant", "Not_A_Label");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--tenant 'Not_A_Label' is not a tenant id"));
    }

    private static string StoreCommandSupportActor() => OpsConductor.ToolCatalog.Cli.Commands.StoreCommandSupport.Actor;

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = _db.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex("tc_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}")]
    private static partial Regex KeyShape();
}
