using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Storage.Json;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

/// <summary>Every kind of write produces exactly one audit row, at the write's revision, with the right action and diff.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class AuditTests
{
    private static readonly ChangeContext Change = new()
    {
        Actor = "alice",
        Reason = "ticket OPS-42",
        IpAddress = IPAddress.Parse("10.1.2.3"),
        UserAgent = "toolcatalog-tests/1.0",
    };

    private TestDatabase _db = null!;
    private ToolCatalogStore _store = null!;
    private int _next;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await TestDatabase.CreateAsync();
        _store = _db.CreateStore();
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Create_is_audited_with_every_field_as_new()
    {
        var tool = NewTool();
        var (audit, revision) = await WriteOnceAsync(() => _store.CreateAsync(tool, Change));

        AssertRow(audit, "created", tool.Name, "1.0", revision);
        var trail = await _store.GetAuditAsync(tool.Name);
        Assert.That(trail, Has.Count.EqualTo(1));
        Assert.That(trail[0].Content, Is.EqualTo(AuditContentCheck.Verified));
        var changes = Changes(trail[0]);
        Assert.That(changes["tool_name"]!["old"], Is.Null);
        Assert.That(changes["tool_name"]!["new"]!.GetValue<string>(), Is.EqualTo(tool.Name));
        Assert.That(changes["capabilities"]!["new"]!.AsObject().Select(c => c.Key), Is.EqualTo(new[] { "capability_0", "capability_1", "capability_2" }));
        Assert.That(JsonNode.DeepEquals(changes, EveryFieldAsNew(tool)), Is.True, "the whole content, every field as new");
    }

    [Test]
    public async Task A_creation_is_stored_as_a_reference_to_the_version_row_with_its_content_hash_and_state()
    {
        var tool = NewTool() with { Enabled = false, Status = ToolStatus.Testing };
        var (audit, _) = await WriteOnceAsync(() => _store.CreateAsync(tool, Change));

        var stored = await _store.GetAsync(tool.Name);
        Assert.That(audit.Changes.Select(c => c.Key), Is.EqualTo(new[] { "$content" }), "no second copy of the content");
        var reference = audit.Changes["$content"]!;
        Assert.That(reference["version_id"]!.GetValue<long>(), Is.EqualTo(stored!.Id));
        Assert.That(audit.ToolId, Is.EqualTo(stored.Id));
        Assert.That(reference["content_sha256"]!.GetValue<string>(), Has.Length.EqualTo(64).And.EqualTo(ToolJson.ContentSha256(tool)));
        Assert.That(reference["status"]!.GetValue<string>(), Is.EqualTo("testing"));
        Assert.That(reference["enabled"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public async Task A_creation_shows_the_state_it_was_created_in_after_later_state_changes()
    {
        var tool = await CreatedToolAsync(enabled: false);
        await _store.EnableAsync(tool.Name, change: Change);
        await _store.DeprecateAsync(tool.Name, change: Change);

        var trail = await _store.GetAuditAsync(tool.Name);

        Assert.That(trail.Select(a => a.Action), Is.EqualTo(new[] { "created", "enabled", "deprecated" }));
        Assert.That(trail[0].Content, Is.EqualTo(AuditContentCheck.Verified));
        Assert.That(JsonNode.DeepEquals(Changes(trail[0]), EveryFieldAsNew(tool)), Is.True, "created disabled and active");
    }

    [Test]
    public async Task Every_field_of_a_creation_stays_recoverable_after_the_whole_tool_is_hard_deleted()
    {
        var v1 = RichTools.Create(name: "audited-rich");
        var v2 = v1 with { Version = "2.0", Description = "second" };
        await _store.ImportAsync([v1], new ImportOptions { Change = Change });
        await _store.PublishAsync(v2, Change);
        await _store.DeleteAsync(v1.Name, new DeleteOptions { Hard = true }, Change);

        var trail = await _store.GetAuditAsync(v1.Name);

        Assert.That(trail.Select(a => a.Action), Is.EqualTo(new[] { "created", "published", "hard_deleted" }));
        Assert.That(trail[0].Content, Is.EqualTo(AuditContentCheck.Verified), "rebuilt from the hard delete's record of version 1.0");
        Assert.That(JsonNode.DeepEquals(Changes(trail[0]), EveryFieldAsNew(v1)), Is.True);
        var hardDelete = Changes(trail[2]);
        Assert.That(hardDelete["removed_versions"]!["old"]!["1.0"]!["content_sha256"]!.GetValue<string>(), Is.EqualTo(ToolJson.ContentSha256(v1)));
        Assert.That(hardDelete["content_sha256"]!["old"]!.GetValue<string>(), Is.EqualTo(ToolJson.ContentSha256(v2)));
    }

    [Test]
    public async Task Every_field_of_a_creation_stays_recoverable_after_that_version_alone_is_hard_deleted()
    {
        var v1 = NewTool();
        await _store.CreateAsync(v1, Change);
        await _store.PublishAsync(v1 with { Version = "2.0" }, Change);
        await _store.DeleteAsync(v1.Name, new DeleteOptions { Version = "1.0", Hard = true }, Change);

        var trail = await _store.GetAuditAsync(v1.Name);

        Assert.That(trail[0].Content, Is.EqualTo(AuditContentCheck.Verified));
        Assert.That(JsonNode.DeepEquals(Changes(trail[0]), EveryFieldAsNew(v1)), Is.True);
    }

    [Test]
    public async Task A_creation_whose_version_rows_were_changed_outside_the_library_is_reported_as_a_mismatch()
    {
        var tool = await CreatedToolAsync();
        var id = (await _store.GetAsync(tool.Name))!.Id;
        await using (var connection = await _db.DataSource.OpenConnectionAsync())
        {
            // The database refuses content changes; an owner can still switch that off, which is what this simulates.
            await connection.ExecuteAsync(
                """
                ALTER TABLE tool_catalog.tool_patterns DISABLE TRIGGER tool_patterns_are_immutable;
                UPDATE tool_catalog.tool_patterns SET cost_estimate = '999' WHERE capability_id IN (SELECT id FROM tool_catalog.tool_capabilities WHERE tool_id = @id);
                ALTER TABLE tool_catalog.tool_patterns ENABLE TRIGGER tool_patterns_are_immutable;
                """,
                new { id });
        }

        var trail = await _store.GetAuditAsync(tool.Name);

        Assert.That(trail[0].Content, Is.EqualTo(AuditContentCheck.Mismatch));
        Assert.That(Changes(trail[0]).Select(c => c.Key), Is.EqualTo(new[] { "$content" }), "the reference as stored, not the altered content");
    }

    [TestCase("UPDATE tool_catalog.tool_patterns SET cost_estimate = '999' WHERE capability_id IN (SELECT id FROM tool_catalog.tool_capabilities WHERE tool_id = @id)", "tool_patterns")]
    [TestCase("UPDATE tool_catalog.tool_capabilities SET description = 'changed' WHERE tool_id = @id", "tool_capabilities")]
    [TestCase("UPDATE tool_catalog.tools SET metadata = '{}' WHERE id = @id", "tools")]
    public async Task The_database_refuses_to_change_the_content_of_a_stored_version(string update, string table)
    {
        var tool = await CreatedToolAsync();
        var id = (await _store.GetAsync(tool.Name))!.Id;
        await using var connection = await _db.DataSource.OpenConnectionAsync();

        var error = Assert.ThrowsAsync<Npgsql.PostgresException>(() => connection.ExecuteAsync(update, new { id }));

        Assert.That(error!.SqlState, Is.EqualTo("23001"));
        Assert.That(error.MessageText, Does.Contain("cannot be changed").And.Contain(table));
        Assert.That(error.Hint, Does.Contain("publish the change as a new version"));
        Assert.That(await connection.ExecuteAsync("UPDATE tool_catalog.tools SET enabled = false, status = 'deprecated', updated_by = 'x' WHERE id = @id", new { id }), Is.EqualTo(1), "state still changes in place");
        Assert.That((await _store.GetAuditAsync(tool.Name))[0].Content, Is.EqualTo(AuditContentCheck.Verified));
    }

    [Test]
    public async Task Imported_tools_are_audited_by_reference_and_read_back_with_every_field_as_new()
    {
        var tools = Enumerable.Range(0, 300).Select(_ => NewTool()).ToList();
        tools[7] = tools[7] with { Enabled = false };

        await _store.ImportAsync(tools, new ImportOptions { Change = Change });

        foreach (var tool in new[] { tools[0], tools[7], tools[^1] })
        {
            var trail = await _store.GetAuditAsync(tool.Name);
            Assert.That(trail.Single().Content, Is.EqualTo(AuditContentCheck.Verified));
            Assert.That(JsonNode.DeepEquals(Changes(trail[0]), EveryFieldAsNew(tool)), Is.True, tool.Name);
        }
    }

    [Test]
    public async Task Publish_is_audited_with_only_the_fields_that_changed()
    {
        var tool = await CreatedToolAsync();
        var changed = tool with
        {
            Version = "1.1",
            Capabilities = [tool.Capabilities[0] with { Patterns = [tool.Capabilities[0].Patterns[0] with { TimeEstimateMs = "999" }, .. tool.Capabilities[0].Patterns.AsSpan()[1..]] }, .. tool.Capabilities.AsSpan()[1..]],
        };

        var (audit, revision) = await WriteOnceAsync(() => _store.PublishAsync(changed, Change));

        AssertRow(audit, "published", tool.Name, "1.1", revision);
        Assert.That(audit.Changes.Select(c => c.Key), Is.EquivalentTo(new[] { "version", "capabilities.capability_0.patterns.pattern_0.time_estimate_ms" }));
        AssertChange(audit.Changes["capabilities.capability_0.patterns.pattern_0.time_estimate_ms"]!, "100 + 0.5 * N", "999");
    }

    [Test]
    public async Task Rollback_is_audited_as_the_difference_between_the_two_versions()
    {
        var tool = await CreatedToolAsync();
        await _store.PublishAsync(tool with { Version = "2.0", Category = "changed" });

        var (audit, revision) = await WriteOnceAsync(() => _store.RollbackAsync(tool.Name, "1.0", Change));

        AssertRow(audit, "rolled_back", tool.Name, "1.0", revision);
        Assert.That(audit.Changes.Select(c => c.Key), Is.EquivalentTo(new[] { "version", "category" }));
        AssertChange(audit.Changes["category"]!, "changed", tool.Category);
    }

    [TestCase("disable", "disabled", "enabled", true, false)]
    [TestCase("enable", "enabled", "enabled", false, true)]
    public async Task Enable_and_disable_are_audited_as_the_enabled_flag(string operation, string action, string field, bool before, bool after)
    {
        var tool = await CreatedToolAsync(enabled: before);

        var (audit, revision) = await WriteOnceAsync(() => operation == "enable" ? _store.EnableAsync(tool.Name, change: Change) : _store.DisableAsync(tool.Name, change: Change));

        AssertRow(audit, action, tool.Name, "1.0", revision);
        Assert.That(audit.Changes.Select(c => c.Key), Is.EqualTo(new[] { field }));
        AssertChange(audit.Changes[field]!, before, after);
    }

    [Test]
    public async Task Deprecate_and_other_status_changes_are_audited_as_the_status()
    {
        var tool = await CreatedToolAsync();

        var (deprecated, revision) = await WriteOnceAsync(() => _store.DeprecateAsync(tool.Name, change: Change));
        var (reactivated, _) = await WriteOnceAsync(() => _store.SetStatusAsync(tool.Name, ToolStatus.Active, change: Change));

        AssertRow(deprecated, "deprecated", tool.Name, "1.0", revision);
        AssertChange(deprecated.Changes["status"]!, "active", "deprecated");
        Assert.That(reactivated.Action, Is.EqualTo("updated"));
        AssertChange(reactivated.Changes["status"]!, "deprecated", "active");
    }

    [Test]
    public async Task Soft_delete_of_a_tool_is_audited_with_the_versions_it_hid()
    {
        var tool = await CreatedToolAsync();
        await _store.PublishAsync(tool with { Version = "1.1" });

        var (audit, revision) = await WriteOnceAsync(() => _store.DeleteAsync(tool.Name, change: Change));

        AssertRow(audit, "deleted", tool.Name, null, revision);
        AssertChange(audit.Changes["deleted"]!, false, true);
        Assert.That(audit.Changes["versions"]!["old"]!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(new[] { "1.0", "1.1" }));
    }

    [Test]
    public async Task Hard_delete_is_audited_with_the_content_that_was_removed()
    {
        var tool = await CreatedToolAsync();

        var (audit, revision) = await WriteOnceAsync(() => _store.DeleteAsync(tool.Name, new DeleteOptions { Hard = true }, Change));

        AssertRow(audit, "hard_deleted", tool.Name, null, revision);
        AssertChange(audit.Changes["description"]!, tool.Description, null);
        Assert.That(audit.ToolId, Is.Not.Null, "the audit keeps the id of the removed row");
    }

    [Test]
    public async Task An_import_writes_one_audit_row_per_changed_tool_and_none_for_unchanged_ones()
    {
        var existing = await CreatedToolAsync();
        var fresh = NewTool();
        var before = await AuditReader.CountAsync(_db);

        var report = await _store.ImportAsync([existing, fresh, existing with { Version = "1.1" }], new ImportOptions { Change = Change });

        var rows = (await AuditReader.ReadAsync(_db)).Skip((int)before).ToList();
        Assert.That(report.Items.Select(i => i.Outcome), Is.EqualTo(new[] { ImportOutcome.Unchanged, ImportOutcome.NewTool, ImportOutcome.NewVersion }));
        Assert.That(rows.Select(r => (r.ToolName, r.Action)), Is.EqualTo(new[] { (fresh.Name, "created"), (existing.Name, "published") }));
        Assert.That(rows.Select(r => r.Revision).Distinct(), Is.EqualTo(new[] { report.Revision }), "one revision for the batch");
        Assert.That(rows.All(r => r.ChangedBy == "alice" && r.Reason == "ticket OPS-42" && r.IpAddress == "10.1.2.3"), Is.True);
        AssertChange(rows[1].Changes["version"]!, "1.0", "1.1");
    }

    [Test]
    public async Task An_import_that_only_changes_state_is_audited_as_an_update_of_that_state()
    {
        var tool = await CreatedToolAsync();

        var (audit, revision) = await WriteOnceAsync(() => _store.ImportAsync([tool with { Enabled = false, Status = ToolStatus.Testing }], new ImportOptions { Change = Change }));

        AssertRow(audit, "updated", tool.Name, "1.0", revision);
        Assert.That(audit.Changes.Select(c => c.Key), Is.EquivalentTo(new[] { "enabled", "status" }));
        AssertChange(audit.Changes["status"]!, "active", "testing");
    }

    [Test]
    public async Task Restoring_a_deleted_version_by_import_is_audited_as_restored()
    {
        var tool = await CreatedToolAsync();
        await _store.DeleteAsync(tool.Name);

        var (audit, revision) = await WriteOnceAsync(() => _store.ImportAsync([tool], new ImportOptions { Change = Change }));

        AssertRow(audit, "restored", tool.Name, "1.0", revision);
        AssertChange(audit.Changes["deleted"]!, true, false);
        Assert.That((await _store.GetAsync(tool.Name))!.Definition, Is.EqualTo(tool));
    }

    /// <summary>What the audit of a creation held in full before creations were audited by reference.</summary>
    private static JsonObject EveryFieldAsNew(ToolDefinition tool) =>
        JsonDiff.Compute(null, ToolJson.ToNode(tool));

    private static JsonObject Changes(AuditRecord record) => (JsonObject)JsonNode.Parse(record.Changes)!;

    private ToolDefinition NewTool() => GeneratedTools.Create(Interlocked.Increment(ref _next), prefix: "audited");

    private async Task<ToolDefinition> CreatedToolAsync(bool enabled = true)
    {
        var tool = NewTool() with { Enabled = enabled };
        await _store.CreateAsync(tool);
        return tool;
    }

    /// <summary>Runs one write and returns the one audit row it added (failing unless exactly one was added).</summary>
    private async Task<(AuditRow Audit, long Revision)> WriteOnceAsync<T>(Func<Task<T>> write)
    {
        var before = await AuditReader.CountAsync(_db);
        await write();
        var rows = await AuditReader.ReadAsync(_db);
        Assert.That(rows, Has.Count.EqualTo(before + 1), "exactly one audit row per write");
        return (rows[^1], await _store.GetRevisionAsync());
    }

    private static void AssertRow(AuditRow audit, string action, string tool, string? version, long revision)
    {
        Assert.That(audit.Action, Is.EqualTo(action));
        Assert.That(audit.ToolName, Is.EqualTo(tool));
        Assert.That(audit.Version, Is.EqualTo(version));
        Assert.That(audit.Revision, Is.EqualTo(revision));
        Assert.That(audit.ChangedBy, Is.EqualTo("alice"));
        Assert.That(audit.Reason, Is.EqualTo("ticket OPS-42"));
        Assert.That(audit.IpAddress, Is.EqualTo("10.1.2.3"));
        Assert.That(audit.UserAgent, Is.EqualTo("toolcatalog-tests/1.0"));
    }

    private static void AssertChange(JsonNode change, object? before, object? after)
    {
        Assert.That(Value(change["old"]), Is.EqualTo(before), "old value");
        Assert.That(Value(change["new"]), Is.EqualTo(after), "new value");

        static object? Value(JsonNode? node) => node?.GetValueKind() switch
        {
            null or System.Text.Json.JsonValueKind.Null => null,
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => node.GetValue<bool>(),
            System.Text.Json.JsonValueKind.String => node.GetValue<string>(),
            _ => node.ToJsonString(),
        };
    }
}
