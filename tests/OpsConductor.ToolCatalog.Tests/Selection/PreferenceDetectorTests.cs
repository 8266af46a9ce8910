using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.Tests.Selection;

public sealed class PreferenceDetectorTests
{
    [TestCase("show me the disk usage quickly", PreferenceMode.Fast)]
    [TestCase("I need an exact and verified count", PreferenceMode.Accurate)]
    [TestCase("give me a detailed report", PreferenceMode.Thorough)]
    [TestCase("how many linux servers", PreferenceMode.Balanced)]
    [TestCase("list all servers", PreferenceMode.Thorough)]
    [TestCase("something cheap and low-cost", PreferenceMode.Cheap)]
    [TestCase("a simple, lightweight check", PreferenceMode.Simple)]
    [TestCase("please double check it", PreferenceMode.Accurate)]
    [TestCase("QUICKLY!", PreferenceMode.Fast)]
    [TestCase("breakfast", PreferenceMode.Balanced)]
    [TestCase("", PreferenceMode.Balanced)]
    public void Keywords_decide_the_mode_as_whole_words(string query, PreferenceMode expected)
    {
        Assert.That(PreferenceDetector.Detect(query), Is.EqualTo(expected));
    }

    [Test]
    public void Ties_go_to_the_first_mode_in_the_original_order()
    {
        // One fast keyword, one accurate, one cheap: Fast comes first.
        Assert.That(PreferenceDetector.Detect("cheap accurate quick"), Is.EqualTo(PreferenceMode.Fast));
        // One accurate, one thorough: Accurate comes before Thorough.
        Assert.That(PreferenceDetector.Detect("a complete and precise answer"), Is.EqualTo(PreferenceMode.Accurate));
        // More matches beat order.
        Assert.That(PreferenceDetector.Detect("quick but cheap, cheap, affordable"), Is.EqualTo(PreferenceMode.Cheap));
    }

    [Test]
    public void An_explicit_mode_wins_and_is_trimmed_and_lower_cased()
    {
        Assert.That(PreferenceDetector.DetectWithConfidence("quickly", "  Thorough "), Is.EqualTo((PreferenceMode.Thorough, 1.0)));
    }

    [Test]
    public void An_unknown_explicit_mode_lists_the_allowed_ones()
    {
        Assert.That(() => PreferenceDetector.Detect(null, "turbo"),
            Throws.ArgumentException.With.Message.StartsWith("Invalid preference mode: 'turbo'. Must be one of: ['fast', 'accurate', 'thorough', 'cheap', 'simple', 'balanced']"));
    }

    [Test]
    public void Confidence_follows_the_original_formula()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PreferenceDetector.DetectWithConfidence("quick").Confidence, Is.EqualTo(0.7 + 0.1));
            Assert.That(PreferenceDetector.DetectWithConfidence("quick fast rapid urgent").Confidence, Is.EqualTo(1.0));
            Assert.That(PreferenceDetector.DetectWithConfidence("hello").Confidence, Is.EqualTo(0.5));
        });
    }
}
