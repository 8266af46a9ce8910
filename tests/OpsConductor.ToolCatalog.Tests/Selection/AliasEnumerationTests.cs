using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Selection;

/// <summary>
/// A catalog that still uses an old capability name literally (the original corpus's <c>service_control</c>), under the
/// default alias table that maps the old name to a new one (<c>service_restart</c>) the catalog does not have.
/// </summary>
public sealed class AliasEnumerationTests
{
    private static readonly CatalogSnapshot Snapshot = CatalogSnapshot.Create(
        Enumerable.Range(0, 20).Select(static i =>
        {
            var tool = GeneratedTools.Create(i, capabilities: 1, prefix: "alias");
            return tool with { Capabilities = [tool.Capabilities[0] with { Name = "service_control" }] };
        }),
        1,
        CatalogSource.None,
        DateTimeOffset.UnixEpoch);

    private static readonly SelectionRequest Request = new() { Capabilities = ["service_control"], Variables = new Dictionary<string, double> { ["N"] = 4 } };

    [Test]
    public void The_old_name_selects_what_an_exact_match_selects()
    {
        var aliased = new ToolSelector().Evaluate(Snapshot, Request);
        var exact = new ToolSelector(new SelectionOptions { Aliases = CapabilityAliases.None }).Evaluate(Snapshot, Request);

        Assert.That(aliased.Ranked.Select(r => r.Candidate.Pattern.ToolName + "/" + r.Candidate.Pattern.PatternName),
            Is.EqualTo(exact.Ranked.Select(r => r.Candidate.Pattern.ToolName + "/" + r.Candidate.Pattern.PatternName)));
        Assert.That(aliased.Ranked, Is.Not.Empty);
    }

    [Test]
    public void The_old_name_is_read_in_place_allocating_no_more_than_an_exact_match()
    {
        var aliased = new ToolSelector();
        var exact = new ToolSelector(new SelectionOptions { Aliases = CapabilityAliases.None });

        // Per call: merging the two names' buckets would cost a set and a list (about 300 bytes) every time; a few
        // hundred bytes over the 100 calls are one-time costs of the first calls, not per-call work.
        var extraPerCall = (Allocated(() => aliased.Evaluate(Snapshot, Request)) - Allocated(() => exact.Evaluate(Snapshot, Request))) / 100.0;
        Assert.That(extraPerCall, Is.LessThan(16), "bytes allocated per selection beyond an exact match");
    }

    private static long Allocated(Action action)
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
