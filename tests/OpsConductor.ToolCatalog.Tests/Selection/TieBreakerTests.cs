using Microsoft.Extensions.Time.Testing;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.Tests.Selection;

public sealed class TieBreakerTests
{
    // Two patterns of the same tool within epsilon: the original matched the winner back by tool name only, so it
    // could never pick the second pattern of the same tool.
    private static readonly CatalogSnapshot Catalog = CatalogSnapshot.Create(
    [
        new ToolDefinition
        {
            Name = "asset-query",
            Version = "1.0",
            Capabilities =
            [
                new CapabilityDefinition
                {
                    Name = "asset_query",
                    Patterns =
                    [
                        new PatternDefinition { Name = "cached", TimeEstimateMs = "120", CostEstimate = "1", ComplexityScore = 0.1, PreferenceMatch = new PreferenceMatch { Accuracy = 0.6, Completeness = 0.8 } },
                        new PatternDefinition { Name = "live", TimeEstimateMs = "400", CostEstimate = "1", ComplexityScore = 0.2, PreferenceMatch = new PreferenceMatch { Accuracy = 0.95, Completeness = 0.8 } },
                    ],
                },
            ],
        },
    ], 1, CatalogSource.Memory, DateTimeOffset.UnixEpoch);

    private static readonly SelectionRequest Request = new() { Capabilities = ["asset_query"], Query = "which hosts are up", Variables = new Dictionary<string, double>() };

    private sealed class Scripted(Func<TieBreakRequest, CancellationToken, ValueTask<TieBreakDecision?>> answer) : ITieBreaker
    {
        public TieBreakRequest? Seen { get; private set; }

        public ValueTask<TieBreakDecision?> BreakTieAsync(TieBreakRequest request, CancellationToken cancellationToken)
        {
            Seen = request;
            return answer(request, cancellationToken);
        }
    }

    [Test]
    public void The_two_candidates_are_close_enough_to_be_ambiguous()
    {
        var result = new ToolSelector().Select(Catalog, Request);
        Assert.That(result.IsAmbiguous, Is.True);
        Assert.That(result.PatternName, Is.EqualTo("live"));
        Assert.That(result.ClarifyingQuestion, Is.EqualTo("Do you need highly accurate real-time data, or is cached data acceptable?"));
    }

    [Test]
    public async Task The_tie_breaker_sees_the_real_figures_and_may_choose_the_second_pattern_of_the_same_tool()
    {
        var breaker = new Scripted((_, _) => ValueTask.FromResult<TieBreakDecision?>(new TieBreakDecision(true, "Cached data is enough to list hosts.")));
        var result = await new ToolSelector(tieBreaker: breaker).SelectAsync(Catalog, Request);

        Assert.That(result.PatternName, Is.EqualTo("cached"));
        Assert.That(result.SelectionMethod, Is.EqualTo(SelectionMethod.TieBreaker));
        Assert.That(result.Justification, Is.EqualTo("Cached data is enough to list hosts."));
        Assert.That(breaker.Seen!.First.Candidate.EstimatedTimeMs, Is.EqualTo(400));
        Assert.That(breaker.Seen.First.Candidate.Accuracy, Is.EqualTo(0.95));
        Assert.That(breaker.Seen.Second.Candidate.EstimatedTimeMs, Is.EqualTo(120));
        Assert.That(breaker.Seen.ScoreDifference, Is.LessThan(0.08));
        Assert.That(breaker.Seen.Query, Is.EqualTo("which hosts are up"));
    }

    [Test]
    public async Task A_tie_breaker_that_does_not_answer_in_time_leaves_the_deterministic_winner()
    {
        var clock = new FakeTimeProvider();
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var breaker = new Scripted(async (_, token) =>
        {
            asked.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return null;
        });
        var selecting = new ToolSelector(tieBreaker: breaker, timeProvider: clock).SelectAsync(Catalog, Request).AsTask();

        await asked.Task;
        Assert.That(selecting.IsCompleted, Is.False);
        clock.Advance(TimeSpan.FromSeconds(3));
        var result = await selecting;

        Assert.That(result.PatternName, Is.EqualTo("live"));
        Assert.That(result.SelectionMethod, Is.EqualTo(SelectionMethod.Deterministic));
        Assert.That(result.TieBreakNote, Is.EqualTo("Tie-breaker did not answer within 3 s; kept the deterministic winner."));
    }

    [Test]
    public async Task A_failing_or_abstaining_tie_breaker_leaves_the_deterministic_winner_and_says_why()
    {
        var failing = new Scripted((_, _) => throw new InvalidOperationException("LLM unavailable"));
        var failed = await new ToolSelector(tieBreaker: failing).SelectAsync(Catalog, Request);
        Assert.That((failed.PatternName, failed.TieBreakNote), Is.EqualTo(("live", "Tie-breaker failed (InvalidOperationException: LLM unavailable); kept the deterministic winner.")));

        var abstaining = new Scripted((_, _) => ValueTask.FromResult<TieBreakDecision?>(null));
        var abstained = await new ToolSelector(tieBreaker: abstaining).SelectAsync(Catalog, Request);
        Assert.That(abstained.TieBreakNote, Is.EqualTo("Tie-breaker abstained; kept the deterministic winner."));
    }

    [Test]
    public async Task The_caller_cancelling_cancels_the_selection()
    {
        using var cancel = new CancellationTokenSource();
        var breaker = new Scripted(async (_, token) =>
        {
            await cancel.CancelAsync();
            await Task.Delay(Timeout.Infinite, token);
            return null;
        });
        Assert.That(async () => await new ToolSelector(tieBreaker: breaker).SelectAsync(Catalog, Request, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task A_clear_winner_never_consults_the_tie_breaker()
    {
        var breaker = new Scripted((_, _) => ValueTask.FromResult<TieBreakDecision?>(new TieBreakDecision(true, "no")));
        var result = await new ToolSelector(tieBreaker: breaker).SelectAsync(Catalog, Request with { ExplicitMode = "accurate", Query = null });
        Assert.That(breaker.Seen, Is.Null);
        Assert.That(result.IsAmbiguous, Is.False);
    }
}
