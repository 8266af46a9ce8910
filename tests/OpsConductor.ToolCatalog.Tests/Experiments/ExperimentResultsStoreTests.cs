using System.Text.Json.Nodes;
using Dapper;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;
using static OpsConductor.ToolCatalog.Tests.Runtime.RuntimeHarness;

namespace OpsConductor.ToolCatalog.Tests.Experiments;

/// <summary>Results from stored telemetry, and the decisions written through the store: promotion, retirement, rollback.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class ExperimentResultsStoreTests
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
    public async Task Enrolled_records_are_stored_with_experiment_and_arm_and_one_naming_an_unknown_experiment_is_unmatched()
    {
        var (tool, name) = await RunningExperimentAsync();
        var other = await RunningExperimentAsync();

        var result = await _store.WriteTelemetryAsync(
        [
            Record(tool, "1.0", ExperimentArm.A, name, 100, true),
            Record(tool, "2.0", ExperimentArm.B, name, 90, true),
            Record(tool, "2.0", ExperimentArm.B, "no-such-experiment", 90, true),
            Record(tool, "2.0", ExperimentArm.B, other.Name, 90, true),
        ]);

        Assert.That(result.Written, Is.EqualTo(2));
        Assert.That(result.Unmatched, Is.EqualTo(new[] { 2, 3 }), "an unknown experiment, and one testing another tool, leave the record unmatched");
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var arms = (await connection.QueryAsync<string>(
            "SELECT t.arm FROM tool_catalog.tool_telemetry t JOIN tool_catalog.tool_ab_tests e ON e.id = t.experiment_id WHERE e.test_name = @name ORDER BY t.arm",
            new { name })).ToList();
        Assert.That(arms, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void A_record_with_an_arm_but_no_experiment_is_refused_naming_the_field()
    {
        var record = Record("t", "1.0", ExperimentArm.B, null, 10, true);

        var e = Assert.ThrowsAsync<ArgumentException>(() => _store.WriteTelemetryAsync([record]));

        Assert.That(e!.Message, Does.Contain("experiment: required when arm is given").And.Contain("records[0]"));
    }

    [TestCase("""{"tool":"t","capability":"c","pattern":"p","actual_time_ms":1,"success":true,"experiment":"x","arm":"c"}""", "arm: must be \"a\" or \"b\", was \"c\"")]
    [TestCase("""{"tool":"t","capability":"c","pattern":"p","actual_time_ms":1,"success":true,"experiment":"x"}""", "arm: required with experiment")]
    [TestCase("""{"tool":"t","capability":"c","pattern":"p","actual_time_ms":1,"success":true,"arm":"a"}""", "experiment: required with arm")]
    public void The_json_reader_refuses_an_arm_that_is_not_a_or_b_and_one_without_the_other(string json, string error)
    {
        Assert.That(ExecutionRecordJson.TryRead(System.Text.Encoding.UTF8.GetBytes(json), DateTimeOffset.UtcNow, out _, out var problem), Is.False);
        Assert.That(problem, Is.EqualTo(error).Or.StartWith(error));
    }

    [Test]
    public void The_json_reader_takes_experiment_arm_and_user_id()
    {
        var json = """{"tool":"t","capability":"c","pattern":"p","actual_time_ms":1,"success":true,"experiment":"x","arm":"b","user_id":"u-1"}"""u8;

        Assert.That(ExecutionRecordJson.TryRead(json, DateTimeOffset.UtcNow, out var record, out _), Is.True);
        Assert.That((record.Experiment, record.Arm, record.UserId), Is.EqualTo(("x", (ExperimentArm?)ExperimentArm.B, "u-1")));
    }

    [Test]
    public async Task Results_count_enrolled_records_per_arm_and_attribution_by_version_adds_the_versions_untagged_records_while_it_ran()
    {
        var (tool, name) = await RunningExperimentAsync();
        var records = new List<ExecutionRecord>();
        for (var i = 0; i < 30; i++)
        {
            records.Add(Record(tool, "1.0", ExperimentArm.A, name, 100 + i, i % 10 != 0));
            records.Add(Record(tool, "2.0", ExperimentArm.B, name, 80 + i, true));
        }

        records.Add(Record(tool, "1.0", null, null, 100, true));
        records.Add(Record(tool, "2.0", null, null, 100, false));
        records.Add(Record(tool, "2.0", null, null, 100, true) with { ExecutedAt = DateTimeOffset.UtcNow.AddDays(-2) });
        await _store.WriteTelemetryAsync(records);

        var enrolled = await _store.GetExperimentResultsAsync(name);
        var byVersion = await _store.GetExperimentResultsAsync(name, ExperimentAttribution.EnrolledAndByVersion);

        Assert.That((enrolled.A.Executions, enrolled.A.Successes, enrolled.B.Executions, enrolled.B.Successes), Is.EqualTo((30L, 27L, 30L, 30L)));
        Assert.That(enrolled.A.Time!.Count, Is.EqualTo(27), "times are of successful executions");
        Assert.That(enrolled.SampleRatio.IsMismatch, Is.False);
        Assert.That((byVersion.A.Executions, byVersion.A.ByVersion, byVersion.B.Executions, byVersion.B.ByVersion), Is.EqualTo((31L, 1L, 31L, 1L)),
            "untagged records of each version while it ran count; the one from before the start does not");
        var json = enrolled.ToJsonObject();
        Assert.That(json["arms"]!["a"]!["executions"]!.GetValue<long>(), Is.EqualTo(30));
        Assert.That(json.ContainsKey("srm_p_value") && json.ContainsKey("p_value") && json.ContainsKey("significant") && json.ContainsKey("winner"), Is.True);
    }

    [Test]
    public async Task Promoting_b_makes_it_the_latest_and_completes_the_experiment_in_one_audited_write_that_reaches_a_second_process()
    {
        var (tool, name) = await RunningExperimentAsync(minimumSample: 50);
        await _store.WriteTelemetryAsync(Outcomes(tool, name, 200, timeA: 200, timeB: 100));
        await using var second = await StartAsync(_db);
        Assert.That(second.Current.FindTool(tool)!.Definition.Version, Is.EqualTo("1.0"));

        var completed = await _store.PromoteExperimentAsync(name, change: new ChangeContext { Actor = "alice", Reason = "b is faster" });

        Assert.That((completed.State, completed.Winner), Is.EqualTo((ExperimentState.Completed, (ExperimentArm?)ExperimentArm.B)));
        Assert.That((await _store.GetAsync(tool))!.Definition.Version, Is.EqualTo("2.0"));
        var audit = await AuditAsync(tool);
        var experimentRow = audit.Single(r => r.EntityType == "ab_test" && r.Action == "completed");
        var toolRow = audit.Single(r => r.EntityType == "tool" && r.Action == "rolled_back" && r.Version == "2.0");
        Assert.That(experimentRow.Revision, Is.EqualTo(toolRow.Revision), "the state and the tool changed in the same write");
        Assert.That(experimentRow.ChangedBy, Is.EqualTo("alice"));
        var changes = JsonNode.Parse(experimentRow.Changes)!;
        Assert.That(changes["winner"]!["new"]!.GetValue<string>(), Is.EqualTo("b"));
        Assert.That(changes["state"]!["new"]!.GetValue<string>(), Is.EqualTo("completed"));
        Assert.That(changes["evidence"]!["winner"]!.GetValue<string>(), Is.EqualTo("b"));
        Assert.That(changes["evidence"]!["arms"]!["b"]!["executions"]!.GetValue<long>(), Is.EqualTo(200));
        Assert.That(changes["evidence"]!["approved"]!.GetValue<bool>(), Is.True);

        await second.ReachAsync(toolRow.Revision);
        Assert.That(second.Current.FindTool(tool)!.Definition.Version, Is.EqualTo("2.0"));
        Assert.That((await _store.VerifyAuditChainAsync()).IsIntact, Is.True);
    }

    [Test]
    public async Task Keeping_a_retires_b_and_leaves_a_the_latest()
    {
        var (tool, name) = await RunningExperimentAsync(minimumSample: 50);
        await _store.WriteTelemetryAsync(Outcomes(tool, name, 200, timeA: 100, timeB: 200));

        var completed = await _store.PromoteExperimentAsync(name, ExperimentArm.A);

        Assert.That(completed.Winner, Is.EqualTo(ExperimentArm.A));
        Assert.That((await _store.GetAsync(tool))!.Definition.Version, Is.EqualTo("1.0"));
        Assert.That((await _store.GetAsync(tool, "2.0"))!.Definition.Status, Is.EqualTo(OpsConductor.ToolCatalog.Model.ToolStatus.Deprecated));
    }

    [Test]
    public async Task Promotion_is_refused_without_a_winner_against_the_winner_and_on_a_sample_ratio_mismatch_changing_nothing()
    {
        var (tool, name) = await RunningExperimentAsync(minimumSample: 50);
        await _store.WriteTelemetryAsync(Outcomes(tool, name, 200, timeA: 100, timeB: 200));
        var (skewedTool, skewed) = await RunningExperimentAsync(minimumSample: 50);
        await _store.WriteTelemetryAsync(Outcomes(skewedTool, skewed, 200, timeA: 200, timeB: 100, countB: 400));
        var (quietTool, quiet) = await RunningExperimentAsync(minimumSample: 50);
        await _store.WriteTelemetryAsync(Outcomes(quietTool, quiet, 10, timeA: 100, timeB: 100));
        var revision = await RevisionAsync();

        var against = Assert.ThrowsAsync<CatalogOperationException>(() => _store.PromoteExperimentAsync(name, ExperimentArm.B));
        var srm = Assert.ThrowsAsync<CatalogOperationException>(() => _store.PromoteExperimentAsync(skewed, ExperimentArm.B));
        var none = Assert.ThrowsAsync<CatalogOperationException>(() => _store.PromoteExperimentAsync(quiet));

        Assert.That(against!.Message, Does.Contain("conclusive for arm a, not b"));
        Assert.That(srm!.Message, Does.Contain("Sample-ratio mismatch"));
        Assert.That(none!.Message, Does.Contain("has no winner yet").And.Contain("--arm"));
        Assert.That(await RevisionAsync(), Is.EqualTo(revision));
        foreach (var (t, n) in new[] { (tool, name), (skewedTool, skewed), (quietTool, quiet) })
        {
            Assert.That((await _store.GetExperimentAsync(n))!.State, Is.EqualTo(ExperimentState.Running));
            Assert.That((await _store.GetAsync(t))!.Definition.Version, Is.EqualTo("1.0"));
        }
    }

    [Test]
    public async Task A_completion_whose_tool_change_fails_leaves_the_experiment_and_the_tool_as_they_were()
    {
        var (tool, name) = await RunningExperimentAsync(minimumSample: 50);
        await _store.WriteTelemetryAsync(Outcomes(tool, name, 200, timeA: 200, timeB: 100));
        await using (var connection = await _db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE tool_catalog.tools SET deleted_at = now() WHERE tool_name = @tool AND version = '2.0'", new { tool });
        }

        var revision = await RevisionAsync();

        var e = Assert.ThrowsAsync<CatalogOperationException>(() => _store.CompleteExperimentAsync(name, ExperimentArm.B));

        Assert.That(e!.Message, Does.Contain("version '2.0' (arm b) was deleted"));
        Assert.That((await _store.GetExperimentAsync(name))!.State, Is.EqualTo(ExperimentState.Running));
        Assert.That(await RevisionAsync(), Is.EqualTo(revision), "the revision bump was rolled back with the rest");
    }

    [Test]
    public async Task When_the_experiments_own_row_cannot_be_written_the_tool_change_made_before_it_is_undone_too()
    {
        var (tool, name) = await RunningExperimentAsync(minimumSample: 50);
        await _store.WriteTelemetryAsync(Outcomes(tool, name, 200, timeA: 200, timeB: 100));
        await using (var connection = await _db.DataSource.OpenConnectionAsync())
        {
            // The experiment's UPDATE runs after the tool's change in the transaction: make it fail for this experiment only.
            await connection.ExecuteAsync($$"""
                CREATE FUNCTION tool_catalog.refuse_{{name.Replace('-', '_')}}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'check_violation'; END $$;
                CREATE TRIGGER refuse_{{name.Replace('-', '_')}} BEFORE UPDATE ON tool_catalog.tool_ab_tests
                    FOR EACH ROW WHEN (NEW.test_name = '{{name}}' AND NEW.state = 'completed')
                    EXECUTE FUNCTION tool_catalog.refuse_{{name.Replace('-', '_')}}();
                """);
        }

        var revision = await RevisionAsync();

        Assert.CatchAsync<Exception>(() => _store.PromoteExperimentAsync(name, ExperimentArm.B));

        Assert.That((await _store.GetAsync(tool))!.Definition.Version, Is.EqualTo("1.0"), "version b did not become the latest");
        Assert.That(await RevisionAsync(), Is.EqualTo(revision));
        Assert.That((await AuditAsync(tool)).Where(r => r.Action == "completed" || (r.Action == "rolled_back" && r.Version == "2.0")), Is.Empty);
        Assert.That((await _store.GetExperimentAsync(name))!.State, Is.EqualTo(ExperimentState.Running));
    }

    [Test]
    public async Task A_breached_guardrail_found_by_the_monitor_stops_the_experiment_and_rolls_the_tool_back_to_a()
    {
        // B is the latest version while it is tried (published before the experiment started).
        var (tool, name) = await RunningExperimentAsync(minimumSample: 100_000, latest: "2.0", guardrails: """[{"metric": "success", "max_drop": 0.02}]""");
        await _store.WriteTelemetryAsync(Outcomes(tool, name, 500, timeA: 100, timeB: 100, successB: 0.7));
        await using var monitor = new ExperimentMonitor(_store, new ExperimentMonitorOptions { Enabled = true });

        var evaluations = await monitor.RunOnceAsync(CancellationToken.None);

        var mine = evaluations.Single(e => e.Results.Experiment == name);
        Assert.That(mine.Action, Is.EqualTo(ExperimentAction.RolledBack));
        var stopped = await _store.GetExperimentAsync(name);
        Assert.That((stopped!.State, stopped.Winner), Is.EqualTo((ExperimentState.Stopped, (ExperimentArm?)ExperimentArm.A)));
        Assert.That((await _store.GetAsync(tool))!.Definition.Version, Is.EqualTo("1.0"));
        var audit = await AuditAsync(tool);
        var row = audit.Single(r => r.EntityType == "ab_test" && r.Action == "completed");
        Assert.That(row.ChangedBy, Is.EqualTo("experiment-monitor"));
        Assert.That(JsonNode.Parse(row.Changes)!["evidence"]!["decision"]!.GetValue<string>(), Is.EqualTo("roll_back"));
    }

    [Test]
    public async Task A_conclusive_experiment_is_promoted_by_evaluation_only_when_it_says_auto_promote()
    {
        var (manualTool, manual) = await RunningExperimentAsync(minimumSample: 50);
        var (autoTool, auto) = await RunningExperimentAsync(minimumSample: 50, autoPromote: true);
        await _store.WriteTelemetryAsync(Outcomes(manualTool, manual, 200, timeA: 200, timeB: 100));
        await _store.WriteTelemetryAsync(Outcomes(autoTool, auto, 200, timeA: 200, timeB: 100));

        var waiting = await _store.EvaluateExperimentAsync(manual);
        var promoted = await _store.EvaluateExperimentAsync(auto);

        Assert.That((waiting.Action, waiting.Results.Winner), Is.EqualTo((ExperimentAction.None, (ExperimentArm?)ExperimentArm.B)));
        Assert.That((await _store.GetAsync(manualTool))!.Definition.Version, Is.EqualTo("1.0"), "waits for approval");
        Assert.That(promoted.Action, Is.EqualTo(ExperimentAction.Completed));
        Assert.That((await _store.GetAsync(autoTool))!.Definition.Version, Is.EqualTo("2.0"));
        Assert.That((await _store.GetExperimentAsync(auto))!.State, Is.EqualTo(ExperimentState.Completed));
    }

    [Test]
    public async Task The_enabled_monitor_evaluates_each_interval_on_the_hosts_clock_and_a_disabled_one_never_starts()
    {
        var (tool, name) = await RunningExperimentAsync(minimumSample: 50, autoPromote: true);
        await _store.WriteTelemetryAsync(Outcomes(tool, name, 200, timeA: 200, timeB: 100));
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var idle = new ExperimentMonitor(_store, new ExperimentMonitorOptions(), time);
        await using var monitor = new ExperimentMonitor(_store, new ExperimentMonitorOptions { Enabled = true, Interval = TimeSpan.FromMinutes(1) }, time);
        var ran = new TaskCompletionSource<IReadOnlyList<ExperimentEvaluation>>(TaskCreationOptions.RunContinuationsAsynchronously);
        monitor.RunCompletedForTests += evaluations => ran.TrySetResult(evaluations);

        await idle.StartAsync(CancellationToken.None);
        await monitor.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        var evaluations = await ran.Task.WaitAsync(Patience);

        Assert.That(idle.IsActive, Is.False);
        Assert.That(evaluations.Single(e => e.Results.Experiment == name).Action, Is.EqualTo(ExperimentAction.Completed));
        Assert.That((await _store.GetAsync(tool))!.Definition.Version, Is.EqualTo("2.0"));
        await monitor.StopAsync(CancellationToken.None);
        Assert.That(monitor.IsActive, Is.False);
    }

    [Test]
    public void Monitor_options_name_the_bad_interval()
    {
        var e = Assert.Throws<ArgumentException>(() => new ExperimentMonitorOptions { Interval = TimeSpan.FromMilliseconds(10) }.Validate());

        Assert.That(e!.Message, Does.Contain("ExperimentMonitor.Interval"));
    }

    private async Task<(string Tool, string Name)> RunningExperimentAsync(int minimumSample = 100, string latest = "1.0", string guardrails = "[]", bool autoPromote = false)
    {
        var tool = $"exp-tool-{Interlocked.Increment(ref _next)}";
        await _store.CreateAsync(Tool(tool, "1.0"));
        await _store.PublishAsync(Tool(tool, "2.0"));
        if (latest == "1.0")
        {
            await _store.RollbackAsync(tool, "1.0");
        }

        var name = $"exp-{tool}";
        await _store.CreateExperimentAsync(new ExperimentDefinition
        {
            Name = name,
            Tool = tool,
            VersionA = "1.0",
            VersionB = "2.0",
            Metric = ExperimentMetric.Time,
            MinimumSampleSize = minimumSample,
            Guardrails = guardrails,
            AutoPromote = autoPromote,
        });
        await _store.StartExperimentAsync(name);
        return (tool, name);
    }

    private static List<ExecutionRecord> Outcomes(string tool, string name, int count, double timeA, double timeB, double successB = 1, int? countB = null)
    {
        var records = new List<ExecutionRecord>();
        for (var i = 0; i < count; i++)
        {
            records.Add(Record(tool, "1.0", ExperimentArm.A, name, timeA * (0.8 + (0.4 * i / count)), true));
        }

        for (var i = 0; i < (countB ?? count); i++)
        {
            records.Add(Record(tool, "2.0", ExperimentArm.B, name, timeB * (0.8 + (0.4 * i / count)), i < successB * (countB ?? count)));
        }

        return records;
    }

    private static ExecutionRecord Record(string tool, string version, ExperimentArm? arm, string? experiment, double time, bool success) => new()
    {
        Tool = tool,
        Version = version,
        Capability = "service_control",
        Pattern = "default",
        ActualTimeMs = time,
        Success = success,
        Experiment = experiment,
        Arm = arm,
    };

    private async Task<long> RevisionAsync()
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT revision FROM tool_catalog.catalog_revision WHERE id = 1");
    }

    private async Task<List<AuditRow>> AuditAsync(string tool)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<AuditRow>(
            "SELECT revision AS Revision, entity_type AS EntityType, action AS Action, version AS Version, changed_by AS ChangedBy, changes::text AS Changes FROM tool_catalog.tool_audit_log WHERE tool_name = @tool ORDER BY id",
            new { tool })).ToList();
    }

    private sealed record AuditRow(long Revision, string EntityType, string Action, string? Version, string ChangedBy, string Changes);
}
