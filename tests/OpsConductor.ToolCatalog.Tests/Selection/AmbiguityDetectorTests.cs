using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.Tests.Selection;

public sealed class AmbiguityDetectorTests
{
    [TestCase(0.8267, 0.7948, true)]
    [TestCase(0.90, 0.82, false)]
    [TestCase(0.90, 0.8201, true)]
    public void Scores_closer_than_epsilon_are_ambiguous(double first, double second, bool expected)
    {
        Assert.That(AmbiguityDetector.IsAmbiguous(first, second), Is.EqualTo(expected));
    }

    [Test]
    public void The_question_asks_about_the_dimension_that_differs_most()
    {
        var fastCached = new ScoreFeatures(0.93, 0.9, 0.9, 0.6, 0.8, 0, 0, 0);
        var slowLive = new ScoreFeatures(0.35, 0.9, 0.6, 1.0, 0.95, 0, 0, 0);
        var (dimension, question) = AmbiguityDetector.ClarifyingQuestion(fastCached, slowLive);
        Assert.That(dimension, Is.EqualTo("speed"));
        Assert.That(question, Does.StartWith("Do you need results immediately"));
    }

    [Test]
    public void Nearly_identical_candidates_get_the_original_default_question()
    {
        var a = new ScoreFeatures(0.5, 0.5, 0.5, 0.5, 0.5, 0, 0, 0);
        var b = a with { Accuracy = 0.53 };
        Assert.That(AmbiguityDetector.ClarifyingQuestion(a, b), Is.EqualTo(((string?)null, AmbiguityDetector.DefaultQuestion)));
    }
}
