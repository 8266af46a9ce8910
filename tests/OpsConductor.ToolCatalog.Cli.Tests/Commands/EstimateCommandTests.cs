namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

public sealed class EstimateCommandTests
{
    [Test]
    public async Task Prints_the_value_of_an_estimate_for_the_given_variables_as_Python_prints_the_original_evaluators_float()
    {
        var result = await CliHarness.RunAsync("estimate", "300 * ceil(N / 100) + 5 * N", "--var", "N=250");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Is.EqualTo("2150.0" + Environment.NewLine));
        Assert.That(result.Error, Is.Empty);
    }

    [Test]
    public async Task Takes_several_variables_and_applies_the_defaults_for_the_rest()
    {
        var result = await CliHarness.RunAsync("estimate", "3000 + 400 * log(max(N, 1)) + p95_latency * 1.2 + x", "--var", "N=1", "--var", "x=0.5");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output.Trim(), Is.EqualTo("3120.5"));
    }

    [TestCase("pi", "'pi' is a constant of the expression language (3.141592653589793) and cannot be overridden", "3.141592653589793")]
    [TestCase("e", "'e' is a constant of the expression language (2.718281828459045) and cannot be overridden", "2.718281828459045")]
    public async Task Setting_a_constant_warns_that_it_cannot_be_overridden(string name, string warning, string value)
    {
        var result = await CliHarness.RunAsync("estimate", name, "--var", $"{name}=5");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output.Trim(), Is.EqualTo(value));
        Assert.That(result.Error, Does.Contain($"warning: --var '{name}=5': {warning}; the value is ignored"));
    }

    [Test]
    public async Task Prints_true_or_false_for_a_condition()
    {
        var above = await CliHarness.RunAsync("estimate", "N > 50", "--var", "N=100", "--condition");
        var below = await CliHarness.RunAsync("estimate", "N > 50", "--condition");
        Assert.That((above.ExitCode, above.Output.Trim()), Is.EqualTo((0, "true")));
        Assert.That((below.ExitCode, below.Output.Trim()), Is.EqualTo((0, "false")));
    }

    [Test]
    public async Task An_evaluation_error_prints_the_message_and_a_caret_under_its_column_and_exits_1()
    {
        var result = await CliHarness.RunAsync("estimate", "10 / 0");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Is.Empty);
        var lines = result.Error.Split(Environment.NewLine);
        Assert.That(lines[0], Is.EqualTo("error: Division by zero (column 4)"));
        Assert.That(lines[1], Is.EqualTo("  10 / 0"));
        Assert.That(lines[2], Is.EqualTo("     ^"));
    }

    [Test]
    public async Task A_syntax_error_points_at_its_column_and_exits_1()
    {
        var result = await CliHarness.RunAsync("estimate", "ceil(N / )");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        var lines = result.Error.Split(Environment.NewLine);
        Assert.That(lines[0], Does.StartWith("error: Invalid expression syntax").And.EndWith("(column 10)"));
        Assert.That(lines[2], Is.EqualTo("           ^"));
    }

    [Test]
    public async Task A_missing_variable_is_named_with_how_to_give_it()
    {
        var result = await CliHarness.RunAsync("estimate", "500 + 0.1 * file_size_kb");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("Variable 'file_size_kb' not defined in context").And.Contain("--var file_size_kb=<number>"));
    }

    [Test]
    public async Task A_comparison_in_an_estimate_suggests_condition_mode()
    {
        var result = await CliHarness.RunAsync("estimate", "N > 50");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("AST node type Compare not allowed").And.Contain("--condition"));
    }

    [TestCase("N100")]
    [TestCase("=5")]
    [TestCase("N=abc")]
    [TestCase("N=NaN")]
    [TestCase("9x=1")]
    [TestCase("not a name=1")]
    public async Task A_malformed_var_is_a_usage_error(string assignment)
    {
        var result = await CliHarness.RunAsync("estimate", "N", "--var", assignment);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--var").And.Contain("--help"));
        Assert.That(result.Output, Is.Empty);
    }

    [Test]
    public async Task A_variable_given_twice_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync("estimate", "N", "--var", "N=1", "--var", "N=2");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("more than once"));
    }

    [Test]
    public async Task A_missing_expression_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync("estimate");
        Assert.That(result.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public async Task The_verb_is_listed_in_help()
    {
        var result = await CliHarness.RunAsync("--help");
        Assert.That(result.Output, Does.Contain("estimate"));
        var help = await CliHarness.RunAsync("estimate", "--help");
        Assert.That(help.ExitCode, Is.EqualTo(0));
        Assert.That(help.Output, Does.Contain("--var").And.Contain("--condition"));
    }
}
