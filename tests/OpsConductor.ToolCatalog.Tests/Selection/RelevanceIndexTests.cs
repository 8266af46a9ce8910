using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Samples;

namespace OpsConductor.ToolCatalog.Tests.Selection;

/// <summary>The BM25 index and its tokeniser (decision 1801), on small corpora whose scores are computed by hand.</summary>
public sealed class RelevanceIndexTests
{
    [Test]
    public void The_tokeniser_splits_names_on_underscores_dots_and_dashes_and_drops_stop_words()
    {
        Assert.That(RelevanceText.Tokenize("Restart the service_restart of nmap.common_ports on asset-inventory"),
            Is.EqualTo(new[] { "restart", "service", "restart", "nmap", "common", "port", "asset", "inventory" }));
    }

    [TestCase("restarts", "restart")]
    [TestCase("restarting", "restart")]
    [TestCase("restarted", "restart")]
    [TestCase("scanning", "scan")]
    [TestCase("stopped", "stop")]
    [TestCase("killed", "kill")]
    [TestCase("queries", "query")]
    [TestCase("processes", "process")]
    [TestCase("patches", "patch")]
    [TestCase("process", "process")]
    [TestCase("status", "status")]
    [TestCase("used", "used")]
    public void The_light_stemmer_maps_a_word_to_its_stem(string word, string stem) =>
        Assert.That(RelevanceText.Stem(word), Is.EqualTo(stem));

    [Test]
    public void Idf_is_lucenes_non_negative_bm25_idf() =>
        Assert.Multiple(() =>
        {
            Assert.That(RelevanceIndex.Idf(3, 1), Is.EqualTo(Math.Log(1 + (2.5 / 1.5))).Within(1e-12));
            Assert.That(RelevanceIndex.Idf(3, 3), Is.GreaterThan(0), "a term in every document still scores a little");
        });

    [Test]
    public void A_small_corpus_scores_as_computed_by_hand()
    {
        // Three documents, average length 8/3; k1 = 1.2, b = 0.75.
        var index = RelevanceIndex.Build([
            RelevanceDocument.Of(["restart", "service"]),
            RelevanceDocument.Of(["scan", "port", "port"]),
            RelevanceDocument.Of(["disk", "usage", "service"]),
        ]);

        var port = index.Parse("ports");
        var service = index.Parse("the service");
        var scores = index.ScoreAll(port);
        var serviceScores = index.ScoreAll(service);
        Assert.Multiple(() =>
        {
            Assert.That(index.AverageLength, Is.EqualTo(8.0 / 3).Within(1e-12));
            // idf(port) = ln(1 + 2.5/1.5) = 0.98083; tf 2, |d| 3: 0.98083 × 2 × 2.2 / (2 + 1.2 × (0.25 + 0.75 × 3 / (8/3))) = 1.30284.
            Assert.That(scores, Is.EqualTo(new[] { 0, 1.3028373, 0 }).Within(1e-6));
            // idf(service) = ln(1 + 1.5/2.5) = 0.47000; the shorter document scores higher.
            Assert.That(serviceScores, Is.EqualTo(new[] { 0.5235483, 0, 0.4471386 }).Within(1e-6));
            Assert.That(port.Terms.Select(t => t.Term), Is.EqualTo(new[] { "port" }), "'the' is a stop word; 'ports' is stemmed");
        });
    }

    [Test]
    public void Scoring_one_document_equals_scoring_it_through_the_postings_and_names_the_matched_terms()
    {
        var documents = new[] { RelevanceDocument.Of(["restart", "service", "nginx"]), RelevanceDocument.Of(["scan", "port"]) };
        var index = RelevanceIndex.Build(documents);
        var query = index.Parse("restart nginx and teleport");
        var matched = new List<string>();

        var one = index.Score(query, documents[0], matched);

        Assert.Multiple(() =>
        {
            Assert.That(one, Is.EqualTo(index.ScoreAll(query)[0]).Within(1e-12));
            Assert.That(matched, Is.EqualTo(new[] { "restart", "nginx" }));
            Assert.That(query.Unknown, Is.EqualTo(new[] { "teleport" }), "a term no document contains is reported, not scored");
        });
    }

    [Test]
    public void The_snapshot_indexes_every_pattern_of_the_selectable_tools()
    {
        var snapshot = SampleCatalog.Snapshot;
        var patterns = snapshot.CapabilityNames.Sum(c => snapshot.PatternsFor(c).Length);
        Assert.That(snapshot.Relevance.DocumentCount, Is.EqualTo(patterns));
        Assert.That(snapshot.Relevance.TermCount, Is.GreaterThan(500));
    }
}
