namespace OpsConductor.ToolCatalog.Cli.Tests;

public sealed class UsageTests
{
    [Test]
    public async Task An_unknown_verb_is_a_usage_error_with_exit_code_2_and_a_hint()
    {
        var result = await CliHarness.RunAsync("no-such-verb");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("no-such-verb").And.Contain("--help"));
    }

    [Test]
    public async Task Help_succeeds_and_describes_the_tool()
    {
        var result = await CliHarness.RunAsync("--help");
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Output, Does.Contain("toolcatalog"));
    }

    [TestCase("list", "--limit", "many")]
    [TestCase("watch", "--safety-poll", "soon")]
    [TestCase("replay", "--limit", "all")]
    [TestCase("telemetry", "report", "--drift-samples", "lots")]
    [TestCase("telemetry", "ingest", "records.jsonl", "--batch", "big")]
    public async Task A_number_option_given_a_word_is_a_usage_error_naming_the_option(params string[] arguments)
    {
        var result = await CliHarness.RunAsync(arguments);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.Contain(arguments[^2]).And.Not.Contain("   at "));
    }
}
