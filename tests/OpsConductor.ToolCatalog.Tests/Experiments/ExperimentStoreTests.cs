using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Experiments;

[Parallelizable(ParallelScope.Self)]
public sealed class ExperimentStoreTests
{
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
    public async Task A_created_experiment_is_a_draft_with_every_field_stored_and_an_audit_row()
    {
        var tool = await ToolWithTwoVersionsAsync();
        var definition = Definition(tool, "faster-grep") with
        {
            Description = "Does 2.0 run faster?",
            Split = 0.2,
            Environments = ["production", "staging"],
            Users = ["ops-team"],
            Metric = ExperimentMetric.Time,
            Guardrails = """[{"metric": "success", "max_drop": 0.02}]""",
            MinimumSampleSize = 500,
            AutoPromote = true,
        };

        var created = await _store.CreateExperimentAsync(definition, new ChangeContext { Actor = "alice", Reason = "speed" });

        Assert.That(created.State, Is.EqualTo(ExperimentState.Draft));
        Assert.That(created.StartedAt, Is.Null);
        Assert.That(created.Winner, Is.Null);
        Assert.That(created.CreatedBy, Is.EqualTo("alice"));
        Assert.That(created.Seed, Is.EqualTo("faster-grep"), "the seed defaults to the name");
        var stored = created.Definition;
        Assert.That((stored.Name, stored.Tool, stored.VersionA, stored.VersionB, stored.Split, stored.Metric, stored.MinimumSampleSize, stored.AutoPromote, stored.Description),
            Is.EqualTo(("faster-grep", tool, "1.0", "2.0", 0.2, ExperimentMetric.Time, 500, true, "Does 2.0 run faster?")));
        Assert.That(stored.Environments, Is.EqualTo(new[] { "production", "staging" }));
        Assert.That(stored.Users, Is.EqualTo(new[] { "ops-team" }));
        Assert.That(stored.Guardrails, Does.Contain("max_drop"));
        Assert.That(await _store.GetExperimentAsync("faster-grep"), Is.EqualTo(created).Using<Experiment>(SameExperiment));
        Assert.That((await _store.ListExperimentsAsync()).Select(e => e.Name), Does.Contain("faster-grep"));

        var audit = await AuditRowsAsync(created.Id);
        Assert.That(audit, Has.Count.EqualTo(1));
        Assert.That(audit[0].Action, Is.EqualTo("created"));
        Assert.That(audit[0].ToolName, Is.EqualTo(tool));
        Assert.That(audit[0].ChangedBy, Is.EqualTo("alice"));
        Assert.That(audit[0].Changes, Does.Contain("\"split\"").And.Contain("0.2"));
    }

    [Test]
    public async Task Start_and_stop_follow_draft_running_stopped_audited_and_the_chain_still_verifies()
    {
        var tool = await ToolWithTwoVersionsAsync();
        var created = await _store.CreateExperimentAsync(Definition(tool, $"lifecycle-{tool}"));

        var started = await _store.StartExperimentAsync(created.Name, new ChangeContext { Actor = "bob" });
        Assert.That(started.State, Is.EqualTo(ExperimentState.Running));
        Assert.That(started.StartedAt, Is.Not.Null);

        var stopped = await _store.StopExperimentAsync(created.Name, new ChangeContext { Actor = "bob" });
        Assert.That(stopped.State, Is.EqualTo(ExperimentState.Stopped));
        Assert.That(stopped.StoppedAt, Is.GreaterThanOrEqualTo(stopped.StartedAt!.Value));

        var audit = await AuditRowsAsync(created.Id);
        Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { "created", "activated", "completed" }));
        Assert.That(audit[2].Changes, Does.Contain("\"running\"").And.Contain("\"stopped\""));
        var chain = await _store.VerifyAuditChainAsync();
        Assert.That(chain.IsIntact, Is.True, string.Join("; ", chain.Problems.Select(p => p.Detail)));
    }

    [Test]
    public async Task Start_and_stop_out_of_order_are_refused_naming_the_current_state()
    {
        var tool = await ToolWithTwoVersionsAsync();
        var created = await _store.CreateExperimentAsync(Definition(tool, $"order-{tool}"));

        var stopDraft = Assert.ThrowsAsync<CatalogOperationException>(() => _store.StopExperimentAsync(created.Name));
        Assert.That(stopDraft!.Message, Does.Contain("is draft").And.Contain("only a running experiment"));

        await _store.StartExperimentAsync(created.Name);
        var startAgain = Assert.ThrowsAsync<CatalogOperationException>(() => _store.StartExperimentAsync(created.Name));
        Assert.That(startAgain!.Message, Does.Contain("is running").And.Contain("only a draft experiment"));

        await _store.StopExperimentAsync(created.Name);
        var restart = Assert.ThrowsAsync<CatalogOperationException>(() => _store.StartExperimentAsync(created.Name));
        Assert.That(restart!.Message, Does.Contain("is stopped"));
        Assert.That(await AuditRowsAsync(created.Id), Has.Count.EqualTo(3), "refusals write no audit row");

        var missing = Assert.ThrowsAsync<CatalogOperationException>(() => _store.StartExperimentAsync("no-such-experiment"));
        Assert.That(missing!.Message, Does.Contain("no experiment named 'no-such-experiment'"));
    }

    [Test]
    public async Task An_experiment_whose_version_was_deleted_since_cannot_be_started()
    {
        var tool = await ToolWithTwoVersionsAsync();
        var created = await _store.CreateExperimentAsync(Definition(tool, $"deleted-arm-{tool}"));
        await _store.DeleteAsync(tool, new DeleteOptions { Version = "1.0" });

        var refused = Assert.ThrowsAsync<CatalogOperationException>(() => _store.StartExperimentAsync(created.Name));

        Assert.That(refused!.Message, Does.Contain("compares version '1.0'").And.Contain("which was deleted"));
        Assert.That((await _store.GetExperimentAsync(created.Name))!.State, Is.EqualTo(ExperimentState.Draft));
    }

    [Test]
    public async Task Unknown_tool_unknown_version_equal_arms_and_a_duplicate_name_are_refused_and_nothing_is_written()
    {
        var tool = await ToolWithTwoVersionsAsync();
        var name = $"refusals-{tool}";

        Assert.ThrowsAsync<ToolNotFoundException>(() => _store.CreateExperimentAsync(Definition("no-such-tool", name)));
        var version = Assert.ThrowsAsync<CatalogOperationException>(() => _store.CreateExperimentAsync(Definition(tool, name) with { VersionB = "9.9" }));
        Assert.That(version!.Message, Does.Contain("version '9.9' (arm b) is not a stored version of tool").And.Contain("1.0, 2.0"));
        var same = Assert.ThrowsAsync<CatalogOperationException>(() => _store.CreateExperimentAsync(Definition(tool, name) with { VersionB = "1.0" }));
        Assert.That(same!.Message, Does.Contain("version_b").And.Contain("different versions"));
        Assert.That(await _store.GetExperimentAsync(name), Is.Null);

        await _store.CreateExperimentAsync(Definition(tool, name));
        var duplicate = Assert.ThrowsAsync<CatalogOperationException>(() => _store.CreateExperimentAsync(Definition(tool, name) with { Split = 0.3 }));
        Assert.That(duplicate!.Message, Does.Contain($"An experiment named '{name}' exists already"));
        Assert.That((await _store.GetExperimentAsync(name))!.Definition.Split, Is.EqualTo(0.5), "the stored experiment is unchanged");
    }

    [TestCase(0.0, "split")]
    [TestCase(1.0, "split")]
    [TestCase(double.NaN, "split")]
    public void Validation_names_the_field_and_the_rule(double split, string field)
    {
        var problems = Definition("grep", "ok-name") with { Split = split };

        Assert.That(problems.Validate(), Has.Some.StartsWith(field + ":").And.Some.Contain("greater than 0 and less than 1"));
    }

    [TestCase("grep")]
    [TestCase("Get-Service")]
    [TestCase("text_search2")]
    [TestCase("1grep")]
    [TestCase("grep search")]
    [TestCase("grep\n")]
    [TestCase("")]
    public void Experiment_names_and_versions_follow_the_rules_of_tool_names_and_versions(string text)
    {
        var problems = new ExperimentDefinition { Name = text, Tool = text, VersionA = text, VersionB = "9.9" }.Validate()
            .Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]).ToList();

        Assert.That(problems.Contains("name"), Is.EqualTo(!OpsConductor.ToolCatalog.Model.NamePatterns.IsValidName(text)));
        Assert.That(problems.Contains("tool"), Is.EqualTo(!OpsConductor.ToolCatalog.Model.NamePatterns.IsValidName(text)));
        Assert.That(problems.Contains("version_a"), Is.EqualTo(!OpsConductor.ToolCatalog.Model.NamePatterns.IsValidVersion(text)));
    }

    [TestCase("1.0", true)]
    [TestCase("2.1.3-rc.1", true)]
    [TestCase("1", false)]
    [TestCase("1.0.", false)]
    public void Experiment_versions_follow_the_rules_of_tool_versions(string version, bool valid) =>
        Assert.That(new ExperimentDefinition { Name = "e", Tool = "grep", VersionA = version, VersionB = "9.9" }.Validate()
            .Any(p => p.StartsWith("version_a:", StringComparison.Ordinal)), Is.EqualTo(!valid));

    [Test]
    public void Validation_reports_every_broken_rule()
    {
        var definition = new ExperimentDefinition
        {
            Name = "1bad name",
            Tool = "grep",
            VersionA = "1.0",
            VersionB = "one",
            Users = [" "],
            Guardrails = "{}",
            MinimumSampleSize = 0,
        };

        var problems = definition.Validate();

        Assert.That(problems.Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]),
            Is.EqualTo(new[] { "name", "version_b", "users", "guardrails", "minimum_sample_size" }));
    }

    [Test]
    public async Task The_database_itself_refuses_a_split_outside_the_open_interval_and_an_unknown_state()
    {
        var tool = await ToolWithTwoVersionsAsync();
        var created = await _store.CreateExperimentAsync(Definition(tool, $"checks-{tool}"));
        await using var connection = await _db.DataSource.OpenConnectionAsync();

        var split = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("UPDATE tool_catalog.tool_ab_tests SET traffic_split = 1 WHERE id = @Id", new { created.Id }));
        Assert.That(split!.ConstraintName, Is.EqualTo("tool_ab_tests_split_open"));
        var state = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("UPDATE tool_catalog.tool_ab_tests SET state = 'running' WHERE id = @Id", new { created.Id }));
        Assert.That(state!.ConstraintName, Is.EqualTo("tool_ab_tests_state_times"), "running needs started_at");
        var winner = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("UPDATE tool_catalog.tool_ab_tests SET winner = 'b' WHERE id = @Id", new { created.Id }));
        Assert.That(winner!.ConstraintName, Is.EqualTo("tool_ab_tests_winner_when_ended"));
    }

    [Test]
    public async Task Assignment_of_a_stored_experiment_is_ArmAssignment_with_its_seed_and_split_and_targets_filter()
    {
        var tool = await ToolWithTwoVersionsAsync();
        var experiment = await _store.CreateExperimentAsync(Definition(tool, $"assign-{tool}") with { Split = 0.3, Seed = "fixed-seed", Environments = ["production"] });

        foreach (var key in Enumerable.Range(0, 200).Select(i => $"user-{i}"))
        {
            Assert.That(experiment.Assign(key), Is.EqualTo(ArmAssignment.Assign(ArmAssignment.Seed("fixed-seed"), key, 0.3)));
        }

        Assert.That(experiment.IsTargeted("production", "anyone"), Is.True);
        Assert.That(experiment.IsTargeted("staging", "anyone"), Is.False);
        Assert.That(experiment.IsTargeted(null, "anyone"), Is.False);
    }

    [Test]
    public async Task Migration_0009_keeps_a_hand_written_seed_row_mapping_its_status_target_and_winner()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var assembly = typeof(ToolCatalogStore).Assembly;
        var names = assembly.GetManifestResourceNames().Where(n => n.Contains(".Schema.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        foreach (var resource in names.Where(n => !n.EndsWith("0009_experiments.sql", StringComparison.Ordinal)))
        {
            await connection.ExecuteAsync(await ReadAsync(resource));
        }

        await connection.ExecuteAsync("""
            INSERT INTO tool_catalog.tools (id, tool_name, version, description, platform, category) VALUES (1, 'grep', '1.0', 'd', 'linux', 'system'), (2, 'grep', '2.0', 'd', 'linux', 'system');
            INSERT INTO tool_catalog.tool_ab_tests (test_name, tool_a_id, tool_b_id, traffic_split, target_environment, target_users, success_metric, status, winner_tool_id, started_at, completed_at)
            VALUES ('old-test', 1, 2, 0.25, 'production', '["ops"]', 'success_rate', 'completed', 2, '2026-01-01', '2026-02-01');
            """);

        await connection.ExecuteAsync(await ReadAsync(names.Single(n => n.EndsWith("0009_experiments.sql", StringComparison.Ordinal))));

        var row = await connection.QuerySingleAsync<(string State, string? Winner, string[] Environments, string[] Users, string Metric, double Split)>(
            "SELECT state, winner, target_environments, target_users, metric, traffic_split FROM tool_catalog.tool_ab_tests WHERE test_name = 'old-test'");
        Assert.That(row, Is.EqualTo(("completed", (string?)"b", row.Environments, row.Users, "success", 0.25)));
        Assert.That(row.Environments, Is.EqualTo(new[] { "production" }));
        Assert.That(row.Users, Is.EqualTo(new[] { "ops" }));

        async Task<string> ReadAsync(string resource)
        {
            await using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            return await reader.ReadToEndAsync();
        }
    }

    private static bool SameExperiment(Experiment x, Experiment y) =>
        x.Id == y.Id && x.Name == y.Name && x.State == y.State && x.Definition.Environments.SequenceEqual(y.Definition.Environments);

    private static ExperimentDefinition Definition(string tool, string name) => new()
    {
        Name = name,
        Tool = tool,
        VersionA = "1.0",
        VersionB = "2.0",
    };

    private async Task<string> ToolWithTwoVersionsAsync()
    {
        var tool = GeneratedTools.Create(Interlocked.Increment(ref _next), prefix: "experimented");
        await _store.CreateAsync(tool);
        await _store.PublishAsync(tool with { Version = "2.0" });
        return tool.Name;
    }

    private async Task<List<AuditRow>> AuditRowsAsync(long experimentId)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<AuditRow>(
            "SELECT action AS Action, tool_name AS ToolName, changed_by AS ChangedBy, changes::text AS Changes FROM tool_catalog.tool_audit_log WHERE entity_type = 'ab_test' AND entity_id = @Id ORDER BY id",
            new { Id = experimentId })).ToList();
    }

    private sealed record AuditRow(string Action, string ToolName, string ChangedBy, string Changes);
}
