using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Samples;

namespace OpsConductor.ToolCatalog.Tests.Runtime;

/// <summary>
/// A snapshot that holds a relevance index derives the next snapshot's index from it when tools change (the changed
/// tools' postings and the corpus statistics), and the result is the index a full build of the new catalog gives.
/// </summary>
public sealed class IncrementalRelevanceIndexTests
{
    private static readonly string[] Queries =
    [
        "scan the subnet for open ports",
        "restart nginx on the web tier quickly",
        "tail the last lines of the app log",
        "frobnicate the widget quickly",
        "purge the widget cache",
    ];

    [Test]
    public void After_adds_updates_deletes_and_disables_the_derived_index_equals_a_full_rebuild()
    {
        var snapshot = Snapshot(SampleCatalog.Tools);
        _ = snapshot.Relevance; // a query built it
        var tools = SampleCatalog.Tools;
        var nmap = tools.Single(t => t.Name == "nmap");
        var tail = tools.Single(t => t.Name == "tail");
        var dig = tools.Single(t => t.Name == "dig");

        var steps = new (string What, ToolState[] Changes)[]
        {
            ("a new tool with words no other tool has", [new("widget-ctl", Widget("widget-ctl", "Frobnicate the widget and purge its cache"))]),
            ("an update of a tool's text", [new("nmap", nmap with { Description = "Port scanner for subnets, widgets and frobnicated hosts" })]),
            ("a delete", [new("tail", null)]),
            ("a disable", [new("dig", dig with { Enabled = false })]),
            ("several in one batch, one tool changed twice", [
                new("widget-ctl", Widget("widget-ctl", "Purge the widget cache quickly")),
                new("tail", tail),
                new("widget-ctl", Widget("widget-ctl", "Purge the widget cache, twice over")),
                new("dig", dig),
            ]),
            ("the new tool deleted again", [new("widget-ctl", null)]),
        };

        var revision = 1L;
        foreach (var (what, changes) in steps)
        {
            snapshot = snapshot.Apply(changes, ++revision, DateTimeOffset.UnixEpoch);
            Assert.That(snapshot.HasRelevanceIndex, Is.True, $"{what}: the index is derived, not left to a rebuild");
            var rebuilt = Snapshot(snapshot.Tools.Select(t => t.Definition));

            Assert.That(Flatten(snapshot.Relevance), Is.EqualTo(Flatten(rebuilt.Relevance)), what);
            foreach (var query in Queries)
            {
                Assert.That(Search(snapshot, query), Is.EqualTo(Search(rebuilt, query)), $"{what}: {query}");
            }
        }

        Assert.That(Search(snapshot, "scan the subnet for open ports"), Does.Contain("nmap"), "the catalog still answers");
    }

    [Test]
    public void A_snapshot_whose_index_was_never_built_does_not_build_one_when_a_change_is_applied()
    {
        var snapshot = Snapshot(SampleCatalog.Tools);

        var next = snapshot.Apply([new("widget-ctl", Widget("widget-ctl", "Frobnicate the widget"))], 2, DateTimeOffset.UnixEpoch);

        Assert.That(next.HasRelevanceIndex, Is.False, "a catalog whose requests carry no query never pays for the index");
        Assert.That(next.Relevance.Parse("frobnicate").Terms, Has.Length.EqualTo(1), "built when first read, with the change");
    }

    [Test]
    public void When_removed_documents_outnumber_the_live_ones_the_ids_are_compacted_and_the_index_is_still_equal()
    {
        var tools = SampleCatalog.Tools.Take(20).ToList();
        var snapshot = Snapshot(tools);
        _ = snapshot.Relevance;

        var revision = 1L;
        foreach (var tool in tools.Skip(3))
        {
            snapshot = snapshot.Apply([new(tool.Name, null)], ++revision, DateTimeOffset.UnixEpoch);
        }

        var rebuilt = Snapshot(snapshot.Tools.Select(t => t.Definition));
        Assert.That(snapshot.Relevance.IdCount, Is.LessThanOrEqualTo(2 * snapshot.Relevance.DocumentCount + 1), "holes are dropped once they outnumber the documents");
        Assert.That(Flatten(snapshot.Relevance), Is.EqualTo(Flatten(rebuilt.Relevance)));
    }

    private static CatalogSnapshot Snapshot(IEnumerable<ToolDefinition> tools) =>
        CatalogSnapshot.Create(tools, 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);

    private static List<string> Flatten(RelevanceIndex index)
    {
        var (documents, total, terms) = index.Describe();
        return [$"documents {documents}, length {total}", .. terms.Select(t => $"{t.Term}: {string.Join(' ', t.Postings)}")];
    }

    /// <summary>A query-only selection's whole explanation (matched capabilities, scores, ranking), or its error.</summary>
    private static string Search(CatalogSnapshot snapshot, string query)
    {
        try
        {
            return new ToolSelector().Select(snapshot, new SelectionRequest { Capabilities = [], Query = query, Variables = new Dictionary<string, double> { ["N"] = 16 } }).Explain();
        }
        catch (ToolSelectionException e)
        {
            return e.Message;
        }
    }

    private static ToolDefinition Widget(string name, string description) => new()
    {
        Name = name,
        Version = "1.0",
        Description = description,
        Platform = "linux",
        Category = "system",
        Capabilities =
        [
            new CapabilityDefinition
            {
                Name = "cache_purge",
                Description = "Purge a cache",
                Patterns =
                [
                    new PatternDefinition
                    {
                        Name = "purge_widget",
                        Description = description,
                        TypicalUseCases = ["purge the widget cache", "frobnicate widgets"],
                        TimeEstimateMs = "200 + 10 * N",
                        CostEstimate = "1",
                    },
                ],
            },
        ],
    };
}
