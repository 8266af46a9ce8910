using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Tests.Expressions;

public sealed class ExpressionAnalysisTests
{
    [Test]
    public void Analysis_reports_variables_depth_and_which_need_the_context()
    {
        var facts = ExpressionAnalysis.Analyze("500 + 0.1 * file_size_kb + N");
        Assert.That(facts.IsValid, Is.True);
        Assert.That(facts.Error, Is.Null);
        Assert.That(facts.Variables, Is.EqualTo(new[] { "file_size_kb", "N" }));
        Assert.That(facts.VariablesWithoutDefaults, Is.EqualTo(new[] { "file_size_kb" }));
        Assert.That(facts.IsConstant, Is.False);
        Assert.That(facts.Depth, Is.EqualTo(3));
        Assert.That(facts.ConstantValue, Is.Null);
    }

    [Test]
    public void Analysis_reports_a_syntax_error_with_its_column()
    {
        var facts = ExpressionAnalysis.Analyze("ceil(N / )");
        Assert.That(facts.IsValid, Is.False);
        Assert.That(facts.Error!.Kind, Is.EqualTo(ExpressionErrorKind.Syntax));
        Assert.That(facts.Error.Column, Is.EqualTo(10));
        Assert.That(facts.Variables, Is.Empty);
    }

    [Test]
    public void Analysis_evaluates_constants_and_flags_constants_that_always_fail()
    {
        Assert.That(ExpressionAnalysis.Analyze("2 * 500").ConstantValue, Is.EqualTo(1000));
        var broken = ExpressionAnalysis.Analyze("1 / 0");
        Assert.That(broken.IsValid, Is.True);
        Assert.That(broken.IsConstant, Is.True);
        Assert.That(broken.ConstantValue, Is.Null);
        Assert.That(broken.ConstantError!.Kind, Is.EqualTo(ExpressionErrorKind.DivisionByZero));
    }

    [Test]
    public void Analysis_checks_the_language_asked_for()
    {
        Assert.That(ExpressionAnalysis.Analyze("N > 50").Error!.Kind, Is.EqualTo(ExpressionErrorKind.NotAllowed));
        var condition = ExpressionAnalysis.Analyze("N > 50", ExpressionLanguage.Condition);
        Assert.That(condition.IsValid, Is.True);
        Assert.That(condition.Language, Is.EqualTo(ExpressionLanguage.Condition));
        Assert.That(ExpressionAnalysis.Analyze("3 > 2", ExpressionLanguage.Condition).ConstantValue, Is.EqualTo(1));
        Assert.That(ExpressionAnalysis.Analyze("1 + (2 + 3)", options: new ExpressionOptions { MaxDepth = 1 }).Error!.Kind, Is.EqualTo(ExpressionErrorKind.TooDeep));
    }
}
