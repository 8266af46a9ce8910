using Dapper;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Runtime;
using OpsConductor.ToolCatalog.Tests.Support;
using static OpsConductor.ToolCatalog.Tests.Runtime.RuntimeHarness;

namespace OpsConductor.ToolCatalog.Tests.Experiments;

/// <summary>
/// Running experiments in the runtime (issue 16): a state change reaches every runtime through the revision and the
/// notice, the snapshot holds both arms compiled, and selection serves an enrolled request the arm's version.
/// Each test has its own database; the runtimes read it as other processes would.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ExperimentSelectionTests
{
    private static readonly string[] Keys = [.. Enumerable.Range(0, 200).Select(i => $"user-{i}")];

    [Test]
    public async Task A_started_experiment_changes_the_selection_of_enrolled_keys_in_a_second_runtime_and_a_stop_restores_the_latest()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await ThreeVersionsAsync(writer, "grep");
        await using var second = await ListeningAsync(db);
        var selector = new ToolSelector();
        var experiment = await writer.CreateExperimentAsync(Definition("faster-grep", "grep"));
        Assert.That(Select(second.Current, selector, "user-1").Version, Is.EqualTo("3.0"), "a draft changes nothing");

        await writer.StartExperimentAsync(experiment.Name);
        var startRevision = await writer.GetRevisionAsync();
        var notice = await second.NextChangeAsync(e => e.Current.Revision == startRevision);
        var started = notice.Current;

        Assert.That(notice.Origin, Is.EqualTo(CatalogChangeOrigin.Notice), "the start reached the other runtime by its notice");

        Assert.That(started.Experiments.Select(e => e.Name), Is.EqualTo(new[] { "faster-grep" }));
        var arms = new HashSet<ExperimentArm>();
        foreach (var key in Keys)
        {
            var arm = experiment.Assign(key);
            arms.Add(arm);
            var result = Select(started, selector, key);
            Assert.That((result.Version, result.Experiment?.Name, result.Arm), Is.EqualTo((arm == ExperimentArm.A ? "1.0" : "2.0", "faster-grep", (ExperimentArm?)arm)), key);
            Assert.That(result.Winner.Candidate.EstimatedTimeMs, Is.EqualTo(arm == ExperimentArm.A ? 100 : 200), "the arm's version's own estimate is evaluated");
        }

        Assert.That(arms, Is.EquivalentTo(new[] { ExperimentArm.A, ExperimentArm.B }), "two hundred keys reach both arms");
        Assert.That(Select(started, selector, key: null).Version, Is.EqualTo("3.0"), "a request without a key is not enrolled");

        await writer.StopExperimentAsync(experiment.Name);
        var stopRevision = await writer.GetRevisionAsync();
        var stopNotice = await second.NextChangeAsync(e => e.Current.Revision == stopRevision);
        var stopped = stopNotice.Current;

        Assert.That(stopNotice.Origin, Is.EqualTo(CatalogChangeOrigin.Notice));
        Assert.That(stopped.Experiments, Is.Empty);
        Assert.That(Keys.Select(k => Select(stopped, selector, k).Version).Distinct(), Is.EqualTo(new[] { "3.0" }));
        Assert.That(Select(stopped, selector, "user-1").Experiment, Is.Null);
    }

    [Test]
    public async Task The_same_key_always_gets_the_same_arm_and_the_explanation_names_the_experiment_and_arm()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await ThreeVersionsAsync(writer, "grep");
        var experiment = await writer.CreateExperimentAsync(Definition("explained", "grep"));
        await writer.StartExperimentAsync(experiment.Name);
        await using var catalog = await ListeningAsync(db);
        var selector = new ToolSelector();
        var keyB = Keys.First(k => experiment.Assign(k) == ExperimentArm.B);
        var keyA = Keys.First(k => experiment.Assign(k) == ExperimentArm.A);

        var first = Select(catalog.Current, selector, keyB);
        var again = Select(catalog.Current, selector, keyB);
        var explanation = first.Explain();

        Assert.That((again.Version, again.Arm), Is.EqualTo((first.Version, first.Arm)));
        Assert.That(explanation, Does.Contain("enrolled in experiment explained, arm b: version 2.0 of tool grep"));
        Assert.That(first.Evaluation.Explain(), Does.Contain("grep.default score").And.Contain("[experiment explained, arm b: version 2.0]"));
        Assert.That(Select(catalog.Current, selector, keyA).Explain(), Does.Contain("experiment explained, arm a: version 1.0"));
        Assert.That(Select(catalog.Current, selector, key: null).Explain(),
            Does.Contain("tool grep is under experiment explained; this request is not enrolled").And.Contain("latest version 3.0"));
    }

    [Test]
    public async Task A_key_outside_the_target_environment_or_users_is_not_enrolled()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await ThreeVersionsAsync(writer, "grep");
        var experiment = await writer.CreateExperimentAsync(Definition("targeted", "grep") with { Environments = ["staging"], Users = ["ops-team"], Split = 0.999 });
        await writer.StartExperimentAsync(experiment.Name);
        await using var catalog = await ListeningAsync(db);
        var selector = new ToolSelector();
        var key = Keys.First(k => experiment.Assign(k) == ExperimentArm.B);

        Assert.That(Select(catalog.Current, selector, key, environment: "staging", user: "ops-team").Version, Is.EqualTo("2.0"));
        Assert.That(Select(catalog.Current, selector, key, environment: " Staging ", user: "ops-team").Version, Is.EqualTo("2.0"),
            "environments compare as selection compares them: trimmed, case-insensitively");
        Assert.That(Select(catalog.Current, selector, key, environment: "production", user: "ops-team").Version, Is.EqualTo("3.0"), "environment not targeted");
        Assert.That(Select(catalog.Current, selector, key, environment: "staging", user: "alice").Version, Is.EqualTo("3.0"), "user not targeted");
        Assert.That(Select(catalog.Current, selector, key, environment: "staging").Version, Is.EqualTo("3.0"), "without a user the key is the user, and it is not targeted");
        Assert.That(experiment.IsTargeted(" Staging ", "ops-team"), Is.True, "experiment assign uses the same rule");
        Assert.That(Select(catalog.Current, selector, key, environment: "staging", user: "alice", groups: ["dba", "ops-team"]).Version, Is.EqualTo("2.0"),
            "a target list names users or groups: alice is enrolled through her group");
        Assert.That(Select(catalog.Current, selector, key, environment: "staging", user: "alice", groups: ["dba"]).Version, Is.EqualTo("3.0"), "no group targeted");
        Assert.That(Select(catalog.Current, selector, key, environment: "production", user: "alice", groups: ["ops-team"]).Version, Is.EqualTo("3.0"),
            "a targeted group does not lift the environment rule");
        Assert.That(experiment.IsTargeted("staging", "alice", ["ops-team"]), Is.True, "experiment assign --group uses the same rule");
    }

    [Test]
    public void A_blank_group_is_refused_naming_its_position()
    {
        var refused = Assert.Throws<InvalidSelectionRequestException>(() => new SelectionRequest { Capabilities = ["x"], Groups = ["ops", " "] }.Validate());

        Assert.That(refused!.Field, Is.EqualTo("Groups[1]"));
    }

    [Test]
    public async Task With_no_experiment_on_a_tool_a_key_changes_nothing_in_the_result()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await ThreeVersionsAsync(writer, "grep");
        await writer.CreateAsync(Tool("nmap", "1.0", capability: "network_scan"));
        await using var catalog = await ListeningAsync(db);
        var selector = new ToolSelector();
        var before = catalog.Current;

        var experiment = await writer.CreateExperimentAsync(Definition("elsewhere", "grep"));
        await writer.StartExperimentAsync(experiment.Name);
        var during = await catalog.ReachAsync(await writer.GetRevisionAsync());

        foreach (var key in Keys.Take(20))
        {
            Assert.That(Select(during, selector, key, capability: "network_scan").Explain(),
                Is.EqualTo(Select(before, selector, key: null, capability: "network_scan").Explain()),
                "a tool not under test selects exactly as without experiments");
        }

        Assert.That(Select(before, selector, "user-1").Explain(), Is.EqualTo(Select(before, selector, key: null).Explain()),
            "without a running experiment, a key changes nothing");
        Assert.That(ReferenceEquals(during.FindTool("nmap"), before.FindTool("nmap")), Is.True, "the tool not under test was not rebuilt");
    }

    [Test]
    public async Task Assignment_is_stable_when_other_experiments_start_or_stop()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await ThreeVersionsAsync(writer, "grep");
        await ThreeVersionsAsync(writer, "find", capability: "file_search");
        var grep = await writer.CreateExperimentAsync(Definition("grep-test", "grep"));
        var find = await writer.CreateExperimentAsync(Definition("find-test", "find"));
        await writer.StartExperimentAsync(grep.Name);
        await using var catalog = await ListeningAsync(db);
        var selector = new ToolSelector();
        var held = catalog.Current.FindExperiment("grep");
        var versions = Keys.Select(k => Select(catalog.Current, selector, k).Version).ToList();

        await writer.StartExperimentAsync(find.Name);
        var both = await catalog.ReachAsync(await writer.GetRevisionAsync());
        Assert.That(both.Experiments.Select(e => e.Name), Is.EqualTo(new[] { "find-test", "grep-test" }));
        Assert.That(Keys.Select(k => Select(both, selector, k).Version), Is.EqualTo(versions));
        Assert.That(both.FindExperiment("grep"), Is.SameAs(held), "the unchanged experiment is kept as compiled");
        var findArms = Keys.Select(k => Select(both, selector, k, capability: "file_search").Arm).ToList();
        Assert.That(findArms.Zip(Keys, (arm, key) => arm == ExperimentArm.B == (grep.Assign(key) == ExperimentArm.B)).Count(same => same),
            Is.InRange(60, 140), "the two experiments assign independently (different seeds)");

        await writer.StopExperimentAsync(find.Name);
        var after = await catalog.ReachAsync(await writer.GetRevisionAsync());
        Assert.That(Keys.Select(k => Select(after, selector, k).Version), Is.EqualTo(versions));
        Assert.That(after.FindExperiment("find"), Is.Null);
    }

    [Test]
    public async Task A_state_change_bumps_the_revision_audits_it_with_the_new_revision_and_names_the_tool_in_the_change_feed()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await ThreeVersionsAsync(writer, "grep");
        var experiment = await writer.CreateExperimentAsync(Definition("audited", "grep"));
        var before = await writer.GetRevisionAsync();
        Assert.That(before, Is.EqualTo(3), "creating a draft changes nothing a runtime serves: no bump");

        await writer.StartExperimentAsync(experiment.Name);
        await writer.StopExperimentAsync(experiment.Name);

        Assert.That(await writer.GetRevisionAsync(), Is.EqualTo(before + 2));
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var audit = (await connection.QueryAsync<(string Action, long Revision)>(
            "SELECT action, revision FROM tool_catalog.tool_audit_log WHERE entity_type = 'ab_test' ORDER BY id")).ToList();
        Assert.That(audit, Is.EqualTo(new[] { ("created", before), ("activated", before + 1), ("completed", before + 2) }));
        var feed = (await connection.QueryAsync<(long Revision, string Tool, string Action)>(
            "SELECT revision, tool_name, action FROM tool_catalog.catalog_changes WHERE revision > @Before ORDER BY revision", new { Before = before })).ToList();
        Assert.That(feed, Is.EqualTo(new[] { (before + 1, "grep", "experiment_started"), (before + 2, "grep", "experiment_stopped") }));
        var chain = await writer.VerifyAuditChainAsync();
        Assert.That(chain.IsIntact, Is.True);
    }

    [Test]
    public async Task A_refused_state_change_and_a_second_experiment_on_the_same_tool_leave_the_revision_alone()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await ThreeVersionsAsync(writer, "grep");
        var first = await writer.CreateExperimentAsync(Definition("first", "grep"));
        var second = await writer.CreateExperimentAsync(Definition("second", "grep") with { VersionA = "2.0", VersionB = "3.0" });
        await writer.StartExperimentAsync(first.Name);
        var revision = await writer.GetRevisionAsync();

        var refused = Assert.ThrowsAsync<CatalogOperationException>(() => writer.StartExperimentAsync(second.Name));
        Assert.ThrowsAsync<CatalogOperationException>(() => writer.StartExperimentAsync(first.Name));

        Assert.That(refused!.Message, Does.Contain("experiment 'first' is running on tool 'grep'").And.Contain("one experiment at a time"));
        Assert.That(await writer.GetRevisionAsync(), Is.EqualTo(revision), "nothing was written");
        Assert.That((await writer.GetExperimentAsync(second.Name))!.State, Is.EqualTo(ExperimentState.Draft));
    }

    [Test]
    public async Task An_edit_based_on_a_revision_before_an_experiment_started_is_not_a_conflict()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await ThreeVersionsAsync(writer, "grep");
        var basedOn = await writer.GetRevisionAsync();
        var experiment = await writer.CreateExperimentAsync(Definition("no-conflict", "grep"));
        await writer.StartExperimentAsync(experiment.Name);

        var edit = await writer.PublishAsync(Tool("grep", "4.0"), new ChangeContext { ExpectedRevision = basedOn });

        Assert.That(edit.Changed, Is.True, "starting an experiment does not change the tool's definition");
    }

    [Test]
    public async Task An_experiment_whose_arm_version_is_disabled_is_not_applied_until_it_is_enabled_again()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await ThreeVersionsAsync(writer, "grep");
        var experiment = await writer.CreateExperimentAsync(Definition("disabled-arm", "grep"));
        await writer.StartExperimentAsync(experiment.Name);
        await using var catalog = await ListeningAsync(db);
        var selector = new ToolSelector();
        var keyB = Keys.First(k => experiment.Assign(k) == ExperimentArm.B);
        Assert.That(Select(catalog.Current, selector, keyB).Version, Is.EqualTo("2.0"));

        var disabled = await writer.DisableAsync("grep", "2.0");
        var withoutArm = await catalog.ReachAsync(disabled.Revision);
        Assert.That(withoutArm.Experiments, Is.Empty);
        Assert.That(Select(withoutArm, selector, keyB).Version, Is.EqualTo("3.0"), "a disabled version is never served");

        var enabled = await writer.EnableAsync("grep", "2.0");
        var withArm = await catalog.ReachAsync(enabled.Revision);
        Assert.That(Select(withArm, selector, keyB).Version, Is.EqualTo("2.0"));
    }

    [Test]
    public async Task A_runtime_that_loads_the_whole_catalog_gets_the_running_experiments_too()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await ThreeVersionsAsync(writer, "grep");
        var experiment = await writer.CreateExperimentAsync(Definition("full-load", "grep"));
        await writer.StartExperimentAsync(experiment.Name);
        await using var catalog = await ListeningAsync(db);

        var held = catalog.Current.FindExperiment("grep");

        Assert.That(held, Is.Not.Null);
        Assert.That((held!.VersionA.Definition.Version, held.VersionB.Definition.Version), Is.EqualTo(("1.0", "2.0")));
        Assert.That(held.VersionB.Patterns[0].Definition.TimeEstimateMs, Is.EqualTo("200"));
        Assert.That(catalog.Current.FindTool("grep")!.Experiment, Is.SameAs(held), "the latest version carries its experiment");
    }

    [Test]
    public async Task Choosing_the_arm_allocates_nothing_more_than_a_selection_without_experiments()
    {
        await using var db = await TestDatabase.CreateAsync();
        var writer = db.CreateStore();
        await ThreeVersionsAsync(writer, "grep");
        var experiment = await writer.CreateExperimentAsync(Definition("no-allocation", "grep"));
        await writer.StartExperimentAsync(experiment.Name);
        await using var catalog = await ListeningAsync(db);
        var snapshot = catalog.Current;
        var selector = new ToolSelector();
        var enrolled = new SelectionRequest { Capabilities = ["service_control"], AssignmentKey = "user-1" };
        var plain = new SelectionRequest { Capabilities = ["service_control"] };

        var withKey = Allocated(() => selector.Evaluate(snapshot, enrolled));
        var withoutKey = Allocated(() => selector.Evaluate(snapshot, plain));

        Assert.That(selector.Evaluate(snapshot, enrolled).Ranked[0].Candidate.Arm, Is.Not.Null, "the keyed request is enrolled");
        Assert.That(withKey, Is.EqualTo(withoutKey));

        static long Allocated(Action action)
        {
            for (var i = 0; i < 10; i++)
            {
                action();
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                action();
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    [Test]
    public void A_blank_assignment_key_or_user_is_refused_naming_the_field()
    {
        var key = Assert.Throws<InvalidSelectionRequestException>(() => new SelectionRequest { Capabilities = ["x"], AssignmentKey = " " }.Validate());
        var user = Assert.Throws<InvalidSelectionRequestException>(() => new SelectionRequest { Capabilities = ["x"], AssignmentKey = "k", User = "" }.Validate());

        Assert.That(key!.Message, Does.Contain("AssignmentKey"));
        Assert.That(user!.Message, Does.Contain("User"));
    }

    [Test]
    public void The_notice_of_a_state_change_names_the_experiment_and_reads_back()
    {
        var payload = new CatalogNotification(43, ["grep"]) { Experiments = ["faster-grep"] }.ToPayload();

        Assert.That(payload, Is.EqualTo("""{"revision":43,"tools":["grep"],"experiments":["faster-grep"]}"""));
        Assert.That(CatalogNotification.TryParse(payload, out var read), Is.True);
        Assert.That(read!.Experiments, Is.EqualTo(new[] { "faster-grep" }));
        Assert.That(new CatalogNotification(44, ["grep"]).ToPayload(), Is.EqualTo("""{"revision":44,"tools":["grep"]}"""), "other writes keep their format");
    }

    /// <summary>Versions 1.0 (time 100), 2.0 (time 200) and 3.0 (time 300, the latest) of one tool: revisions 1 to 3 of a new database for the first tool.</summary>
    private static async Task ThreeVersionsAsync(ToolCatalogStore writer, string name, string capability = "service_control")
    {
        await writer.CreateAsync(Tool(name, "1.0", capability, time: "100"));
        await writer.PublishAsync(Tool(name, "2.0", capability, time: "200"));
        await writer.PublishAsync(Tool(name, "3.0", capability, time: "300"));
    }

    /// <summary>A runtime whose safety poll is an hour away: what reaches it within a test came by a notice.</summary>
    private static Task<RuntimeHarness> ListeningAsync(TestDatabase db) => StartAsync(db, o => o.SafetyPollInterval = TimeSpan.FromHours(1));

    private static ExperimentDefinition Definition(string name, string tool) =>
        new() { Name = name, Tool = tool, VersionA = "1.0", VersionB = "2.0", Split = 0.5 };

    private static ToolSelectionResult Select(
        CatalogSnapshot snapshot, ToolSelector selector, string? key, string environment = "production", string? user = null, string capability = "service_control",
        string[]? groups = null) =>
        selector.Select(snapshot, new SelectionRequest { Capabilities = [capability], AssignmentKey = key, User = user, Environment = environment, Groups = groups });
}
