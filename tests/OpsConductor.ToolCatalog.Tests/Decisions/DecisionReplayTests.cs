using OpsConductor.ToolCatalog.Decisions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Decisions;

/// <summary>
/// What-if replay against a real PostgreSQL: decisions logged through the decision log are run again against the
/// current catalog and the catalog with a draft laid over it; exactly the decisions the draft affects change, and the
/// catalog is never written.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class DecisionReplayTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    [Test]
    public async Task A_draft_that_makes_another_tool_faster_changes_exactly_the_decisions_it_should()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = await LoggedAsync(db);
        var revision = (await store.LoadCatalogAsync()).Revision;

        var report = await new DecisionReplay(store).ReplayAsync([DecisionTestData.Tool(1, "scan", "10")], Week, 100);

        Assert.That((report.Read, report.Replayed, report.Changed, report.Unchanged, report.NewlyWithoutCandidate, report.EstimateChanged), Is.EqualTo((6, 6, 3, 3, 0, 0)));
        Assert.That(report.Changes.Select(c => c.SelectionId), Is.EqualTo(new[] { "scan-0", "scan-1", "scan-2" }), "oldest first, only the scans");
        Assert.That(report.Changes, Has.All.Matches<DecisionChange>(c =>
            c.Kind == DecisionChangeKind.ChoiceChanged
            && c.Before is { Tool: "rep-00000", Pattern: "pattern_0", EstimatedTimeMs: 120 }
            && c.After is { Tool: "rep-00001", Pattern: "pattern_0", EstimatedTimeMs: 10 }
            && c.Logged is { Tool: "rep-00000", Version: "1.0" }
            && c.CatalogRevision == revision));
        Assert.That((await store.LoadCatalogAsync()).Revision, Is.EqualTo(revision), "replay writes nothing");
        Assert.That((await store.GetAsync("rep-00001"))!.Definition.Capabilities[0].Patterns[0].TimeEstimateMs, Is.EqualTo("400 + 2 * N"));
    }

    [Test]
    public async Task An_irrelevant_draft_changes_no_decision_and_one_that_only_moves_an_estimate_says_so()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = await LoggedAsync(db);
        var replay = new DecisionReplay(store);

        var irrelevant = await replay.ReplayAsync([DecisionTestData.Tool(5, "other", "50"), DecisionTestData.Tool(1, "scan", "500 + 2 * N")], Week, 100);
        var estimate = await replay.ReplayAsync([DecisionTestData.Tool(0, "scan", "90 + 2 * N")], Week, 100);

        Assert.That((irrelevant.Replayed, irrelevant.Changed, irrelevant.Unchanged, irrelevant.Changes.Count), Is.EqualTo((6, 0, 6, 0)));
        Assert.That((estimate.Changed, estimate.EstimateChanged, estimate.Unchanged), Is.EqualTo((0, 3, 3)));
        Assert.That(estimate.Changes, Has.All.Matches<DecisionChange>(c =>
            c.Kind == DecisionChangeKind.EstimateChanged && c.Before!.EstimatedTimeMs == 120 && c.After!.EstimatedTimeMs == 110 && c.After.Tool == "rep-00000"));
    }

    [Test]
    public async Task A_draft_that_removes_the_only_candidate_reports_no_candidate()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = await LoggedAsync(db);

        var report = await new DecisionReplay(store).ReplayAsync([DecisionTestData.Tool(2, "stocktake", "300", cost: "5")], Week, 100);

        Assert.That((report.Changed, report.NewlyWithoutCandidate, report.Unchanged), Is.EqualTo((2, 2, 4)));
        Assert.That(report.Changes.Select(c => (c.SelectionId, c.Kind, c.Before?.Tool, c.After)), Is.EqualTo(new[]
        {
            ("inventory-0", DecisionChangeKind.NoCandidate, (string?)"rep-00002", (ReplayChoice?)null),
            ("inventory-1", DecisionChangeKind.NoCandidate, "rep-00002", null),
        }));
    }

    [Test]
    public async Task The_window_and_the_limit_choose_the_newest_decisions()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = await LoggedAsync(db);

        var newest = await new DecisionReplay(store).ReplayAsync([DecisionTestData.Tool(1, "scan", "10")], Week, 2);
        var future = await new DecisionReplay(store, timeProvider: new ShiftedClock(TimeSpan.FromDays(8))).ReplayAsync([], Week, 100);

        Assert.That((newest.Read, newest.Changed), Is.EqualTo((2, 0)), "the newest two are the no-candidate inventory and the last inventory");
        Assert.That(future.Read, Is.Zero, "nothing logged in the week before a date eight days ahead");
    }

    /// <summary>Imports the three-tool catalog and logs six decisions: three scans, two inventories, one inventory with no candidate.</summary>
    private static async Task<ToolCatalogStore> LoggedAsync(TestDatabase db)
    {
        var store = db.CreateStore();
        await store.ImportAsync([.. DecisionTestData.Catalog()]);
        var state = await store.LoadCatalogAsync();
        var snapshot = DecisionTestData.Snapshot(state.Tools.Select(t => t.Definition), state.Revision);
        var selector = new ToolSelector();
        await using var log = new DecisionLog(store, new DecisionLogOptions { Enabled = true, SampleRate = 1, Writers = 1 });
        await log.StartAsync();
        var requests = new List<(string Id, SelectionRequest Request)>
        {
            ("scan-0", DecisionTestData.Request("scan", 10)),
            ("scan-1", DecisionTestData.Request("scan", 10)),
            ("scan-2", DecisionTestData.Request("scan", 10)),
            ("inventory-0", DecisionTestData.Request("inventory", 1)),
            ("inventory-1", DecisionTestData.Request("inventory", 1)),
            ("inventory-none", DecisionTestData.Request("inventory", 1, costLimit: 3)),
        };
        foreach (var (id, request) in requests)
        {
            var evaluation = selector.Evaluate(snapshot, request);
            Assert.That(evaluation.Ranked.Count > 0 ? log.Record(request, selector.Select(snapshot, request), id) : log.Record(request, evaluation, id), Is.EqualTo(id));
            await log.FlushAsync().WaitAsync(Patience); // one at a time: distinct times, so "newest" is defined
        }

        return store;
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + shift;
    }
}
