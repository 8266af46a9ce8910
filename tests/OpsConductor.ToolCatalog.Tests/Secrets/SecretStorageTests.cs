using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Logging;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Secrets;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Secrets;

/// <summary>Secret values in the store: sealed before PostgreSQL, never in plain text in any table, log, export or
/// audit row; masked exports round-trip; rotation re-wraps without changing content; retired keys stop opening.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class SecretStorageTests
{
    private const string Value = "S3cr3t-v4lue-7c1d9e";
    private const string InputValue = "def4ult-p4ss-88aa";
    private const string ExampleValue = "ex4mple-t0ken-31f0";

    private TestDatabase _db = null!;
    private SecretKeyRing _ring = null!;
    private CapturingLogger _log = null!;
    private ToolCatalogStore _store = null!;
    private int _next;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await TestDatabase.CreateAsync();
        _ring = SecretKeyRing.Create(TimeProvider.System);
        _log = new CapturingLogger();
        _store = new ToolCatalogStore(_db.DataSource, TimeProvider.System, _log, _ring);
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task A_secret_never_reaches_any_table_log_export_or_audit_row_in_plain_text()
    {
        var tool = WithSecrets(NewName());
        await _store.CreateAsync(tool);
        await _store.PublishAsync(WithSecrets(tool.Name, "1.1", metadataValue: Value + "-changed"));

        foreach (var value in new[] { Value, InputValue, ExampleValue, Value + "-changed" })
        {
            Assert.That(await TablesContainingAsync(value), Is.Empty, $"no table holds '{value}'");
            Assert.That(_log.Text, Does.Not.Contain(value));
            var stored = (await _store.GetAsync(tool.Name))!.Definition;
            Assert.That(ToolJson(stored), Does.Not.Contain(value));
            Assert.That(ToolYamlWriter.Write(stored), Does.Not.Contain(value));
            Assert.That(string.Join("\n", (await _store.GetAuditAsync(tool.Name)).Select(a => a.Changes)), Does.Not.Contain(value));
        }

        Assert.That(await TablesContainingAsync("\"$secret\""), Is.Not.Empty, "the envelopes are stored");
    }

    [Test]
    public async Task A_stored_secret_is_sealed_and_reveals_with_the_key()
    {
        var tool = WithSecrets(NewName());
        await _store.CreateAsync(tool);

        var stored = (await _store.GetAsync(tool.Name))!.Definition;
        var secret = stored.Metadata["token"].AsSecret();

        Assert.That(secret.IsSealed, Is.True);
        Assert.That(secret.Envelope!.KeyId, Is.EqualTo(_ring.CurrentKeyId));
        Assert.That(secret.Reveal(_ring), Is.EqualTo(Value));
        Assert.That(stored.Capabilities[0].Patterns[0].RequiredInputs[0].Default!.AsSecret().Reveal(_ring), Is.EqualTo(InputValue));
        Assert.That(stored.Examples[0].Inputs["password"].AsSecret().Reveal(_ring), Is.EqualTo(ExampleValue));
    }

    [Test]
    public async Task Writing_a_secret_without_a_key_is_refused_and_stores_nothing()
    {
        var keyless = _db.CreateStore();
        var tool = WithSecrets(NewName());

        var error = Assert.ThrowsAsync<SecretKeyException>(() => keyless.CreateAsync(tool));
        Assert.That(error!.Message, Does.Contain("metadata.token").And.Contain("no secrets key").And.Not.Contain(Value));
        Assert.That(await keyless.GetAsync(tool.Name), Is.Null);

        var report = await keyless.ImportAsync([tool]);
        Assert.That(report.Items.Single().Outcome, Is.EqualTo(ImportOutcome.Refused));
        Assert.That(await keyless.GetAsync(tool.Name), Is.Null);
    }

    [Test]
    public async Task A_masked_export_imports_back_unchanged_and_as_a_new_version_keeps_the_secret()
    {
        var tool = WithSecrets(NewName());
        await _store.CreateAsync(tool);
        var exported = ToolYamlWriter.Write((await _store.GetAsync(tool.Name))!.Definition);
        Assert.That(exported, Does.Contain($"!secret \"{SecretValue.Mask}\"").And.Not.Contain(Value));

        var reread = new ToolYamlReader().Read(exported, "export.yaml").Tools.Single();
        var again = await _store.ImportAsync([reread]);
        Assert.That(again.Items.Single().Outcome, Is.EqualTo(ImportOutcome.Unchanged), again.Items.Single().Message);

        var edited = reread with { Version = "1.1", Description = "edited after export" };
        var published = await _store.ImportAsync([edited]);
        Assert.That(published.Items.Single().Outcome, Is.EqualTo(ImportOutcome.NewVersion), published.Items.Single().Message);
        var stored = (await _store.GetAsync(tool.Name, "1.1"))!.Definition;
        Assert.That(stored.Metadata["token"].AsSecret().Reveal(_ring), Is.EqualTo(Value));
        Assert.That(stored.Examples[0].Inputs["password"].AsSecret().Reveal(_ring), Is.EqualTo(ExampleValue));
    }

    [Test]
    public async Task The_mask_is_refused_for_a_new_tool()
    {
        var tool = WithSecrets(NewName()) with { Metadata = DataMap.Create(("token", DataValue.FromSecret(SecretValue.Masked))) };

        var report = await _store.ImportAsync([tool]);

        Assert.That(report.Items.Single().Outcome, Is.EqualTo(ImportOutcome.Refused));
        Assert.That(report.Items.Single().Message, Does.Contain("metadata.token").And.Contain("no stored version"));
    }

    [Test]
    public async Task Importing_the_same_plaintext_again_changes_nothing()
    {
        var tool = WithSecrets(NewName());
        await _store.ImportAsync([tool]);

        var again = await _store.ImportAsync([tool]);

        Assert.That(again.Items.Single().Outcome, Is.EqualTo(ImportOutcome.Unchanged), again.Items.Single().Message);
    }

    [Test]
    public async Task The_audit_records_that_a_secret_changed_never_its_value_or_envelope()
    {
        var tool = WithSecrets(NewName());
        await _store.CreateAsync(tool);
        await _store.PublishAsync(WithSecrets(tool.Name, "1.1", metadataValue: "a-new-value-123"));

        var published = (await _store.GetAuditAsync(tool.Name)).Single(a => a.Action == "published");
        var change = JsonNode.Parse(published.Changes)!["metadata.token"]!;

        Assert.That(change["secret"]!.GetValue<string>(), Is.EqualTo("changed"));
        Assert.That(change["old"]!.GetValue<string>(), Is.EqualTo(SecretValue.Mask));
        Assert.That(change["new"]!.GetValue<string>(), Is.EqualTo(SecretValue.Mask));
        Assert.That(published.Changes, Does.Not.Contain("\"ct\"").And.Not.Contain("a-new-value-123"));
        Assert.That(JsonNode.Parse(published.Changes)!.AsObject().Select(p => p.Key), Does.Not.Contain("examples"), "unchanged secrets are no change");
    }

    [Test]
    public async Task Rotation_rewraps_every_value_keeps_content_and_old_keys_open_until_retired()
    {
        var db = await TestDatabase.CreateAsync();
        await using var _ = db;
        var first = SecretKeyRing.Create(TimeProvider.System);
        var store = new ToolCatalogStore(db.DataSource, TimeProvider.System, new CapturingLogger(), first);
        var tool = WithSecrets("rotated-tool");
        await store.CreateAsync(tool);
        var before = (await store.GetAsync(tool.Name))!.Definition;
        var oldEnvelope = before.Metadata["token"].AsSecret().Envelope!;

        var rotated = first.WithNewKey(TimeProvider.System);
        Assert.That(before.Metadata["token"].AsSecret().Reveal(rotated), Is.EqualTo(Value), "the old key still opens values after a new key is added");
        var rewrapping = new ToolCatalogStore(db.DataSource, TimeProvider.System, new CapturingLogger(), rotated);
        var outcome = await rewrapping.RewrapSecretsAsync();

        Assert.That(outcome.Rewrapped, Is.EqualTo(3));
        Assert.That(outcome.Versions, Is.EqualTo(1));
        Assert.That(await rewrapping.CountSecretsByKeyAsync(), Is.EqualTo(new[] { new SecretKeyUsage(rotated.CurrentKeyId, 3) }));
        var after = (await rewrapping.GetAsync(tool.Name))!.Definition;
        var newEnvelope = after.Metadata["token"].AsSecret().Envelope!;
        Assert.That(newEnvelope.KeyId, Is.EqualTo(rotated.CurrentKeyId));
        Assert.That(newEnvelope.SameCiphertext(oldEnvelope), Is.True, "re-wrapping keeps the encrypted value");
        Assert.That(after, Is.EqualTo(before), "no content change");
        var audit = await rewrapping.GetAuditAsync(tool.Name);
        Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { "created", "keys_rewrapped" }));
        Assert.That(audit[0].Content, Is.EqualTo(AuditContentCheck.Verified), "the creation's content hash still verifies");
        Assert.That(audit[1].Changes, Does.Contain(first.CurrentKeyId).And.Not.Contain(Value));
        Assert.That((await rewrapping.RewrapSecretsAsync()).Rewrapped, Is.Zero, "a second rotation pass has nothing to do");

        var retired = rotated.WithRetired(first.CurrentKeyId, TimeProvider.System);
        Assert.That(after.Metadata["token"].AsSecret().Reveal(retired), Is.EqualTo(Value));
        Assert.Throws<SecretKeyException>(() => before.Metadata["token"].AsSecret().Reveal(retired), "a value still under the retired key no longer opens");
    }

    [Test]
    public void The_current_key_cannot_be_retired()
    {
        Assert.Throws<SecretKeyException>(() => _ring.WithRetired(_ring.CurrentKeyId, TimeProvider.System));
    }

    [Test]
    public void A_key_ring_file_round_trips_and_is_private_to_its_owner()
    {
        var path = Path.Combine(Path.GetTempPath(), "keyring-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var ring = SecretKeyRing.Create(TimeProvider.System).WithNewKey(TimeProvider.System);
            ring.Save(path);
            var loaded = SecretKeyRing.Load(path);

            Assert.That(loaded.Keys, Is.EqualTo(ring.Keys));
            Assert.That(loaded.CurrentKeyId, Is.EqualTo(ring.CurrentKeyId));
            var sealedValue = SecretCrypto.Seal(Value, ring);
            Assert.That(SecretCrypto.Open(sealedValue, loaded), Is.EqualTo(Value));
            Assert.That(ring.ToString(), Does.Not.Contain(File.ReadAllText(path)[^20..]));
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void A_tampered_envelope_does_not_open()
    {
        var sealedValue = SecretCrypto.Seal(Value, _ring);
        var bytes = Convert.FromBase64String(sealedValue.Ciphertext);
        bytes[0] ^= 1;

        Assert.Throws<SecretKeyException>(() => SecretCrypto.Open(sealedValue with { Ciphertext = Convert.ToBase64String(bytes) }, _ring));
    }

    private static string ToolJson(ToolDefinition tool) => OpsConductor.ToolCatalog.Storage.Json.ToolJson.ToJson(tool);

    private string NewName() => $"secret-tool-{Interlocked.Increment(ref _next)}";

    private static ToolDefinition WithSecrets(string name, string version = "1.0", string metadataValue = Value)
    {
        var tool = RichTools.Create(name, version);
        var capability = tool.Capabilities[0];
        var pattern = capability.Patterns[0];
        var input = (pattern.RequiredInputs.Count > 0 ? pattern.RequiredInputs[0] : new InputSpec { Name = "user" }) with
        {
            Default = DataValue.FromSecret(SecretValue.FromPlaintext(InputValue)),
        };
        pattern = pattern with { RequiredInputs = [input, .. pattern.RequiredInputs.Skip(1)] };
        capability = capability with { Patterns = [pattern, .. capability.Patterns.Skip(1)] };
        return tool with
        {
            Metadata = DataMap.Create(("token", DataValue.FromSecret(SecretValue.FromPlaintext(metadataValue))), ("owner", "ops")),
            Capabilities = [capability, .. tool.Capabilities.Skip(1)],
            Examples = [new ToolExample { Name = "login", Inputs = DataMap.Create(("password", DataValue.FromSecret(SecretValue.FromPlaintext(ExampleValue)))) }],
        };
    }

    /// <summary>Every table of the catalog's schema whose rows, as text, contain <paramref name="text"/>.</summary>
    private async Task<List<string>> TablesContainingAsync(string text)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var tables = await connection.QueryAsync<string>(
            "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'tool_catalog' AND table_type = 'BASE TABLE'");
        var found = new List<string>();
        foreach (var table in tables)
        {
            var hits = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM tool_catalog.{table} t WHERE t::text LIKE '%' || @Text || '%'", new { Text = text });
            if (hits > 0)
            {
                found.Add(table);
            }
        }

        return found;
    }

    private sealed class CapturingLogger : ILogger<ToolCatalogStore>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public string Text => string.Join("\n", _lines);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception) + " " + exception);
    }
}
