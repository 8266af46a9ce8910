using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Tests.Expressions;

public sealed class ConditionExpressionTests
{
    private VariableTable _table = null!;
    private ExpressionContext _context = null!;

    [SetUp]
    public void SetUp()
    {
        _table = VariableTable.CreateDefault();
        _context = new ExpressionContext(_table);
    }

    private bool When(string text, double n)
    {
        _context.Set("N", n);
        return ConditionExpression.Compile(text, _table).Evaluate(_context);
    }

    [Test]
    public void The_originals_background_condition_finally_evaluates()
    {
        Assert.That(When("N > 50", 100), Is.True);
        Assert.That(When("N > 50", 50), Is.False);
        _context.Reset();
        Assert.That(ConditionExpression.Compile("N > 50", _table).Evaluate(_context), Is.False, "N defaults to 0");
    }

    [TestCase("1 < N < 10", 5, true)]
    [TestCase("1 < N < 10", 10, false)]
    [TestCase("10 > N > 1", 0, false)]
    [TestCase("1 < 3 > N", 2, true)]
    [TestCase("N == 100", 100, true)]
    [TestCase("N != 100", 100, false)]
    [TestCase("N >= 50 and N <= 60", 55, true)]
    [TestCase("N < 5 or N > 50", 20, false)]
    [TestCase("not N > 5", 10, false)]
    [TestCase("not N", 0, true)]
    [TestCase("N", 3, true)]
    [TestCase("N - 3", 3, false)]
    [TestCase("(N > 5) + (N > 50)", 60, true)]
    public void Comparisons_chain_and_combine_as_in_Python(string text, double n, bool expected) =>
        Assert.That(When(text, n), Is.EqualTo(expected));

    [Test]
    public void And_or_and_chains_short_circuit_so_later_errors_do_not_happen()
    {
        Assert.That(When("N > 0 and 1 / N > 0.5", 0), Is.False);
        Assert.That(When("N == 0 or 1 / N > 0.5", 0), Is.True);
        Assert.That(When("0 < N < 1 / 0", 0), Is.False);
        var condition = ConditionExpression.Compile("N > 0 and 1 / N > 0.5 and missing > 1", _table);
        _context.Set("N", 1);
        Assert.That(condition.TryEvaluate(_context, out _, out var error), Is.False);
        Assert.That(error!.MissingVariable, Is.EqualTo("missing"));
    }

    [Test]
    public void NaN_compares_false_but_a_NaN_condition_value_is_an_error()
    {
        Assert.That(When("N > 0", double.NaN), Is.False);
        Assert.That(When("N != N", double.NaN), Is.True);
        var condition = ConditionExpression.Compile("N", _table);
        Assert.That(condition.TryEvaluate(_context, out _, out var error), Is.False);
        Assert.That(error!.Kind, Is.EqualTo(ExpressionErrorKind.NotANumber));
    }

    [TestCase("N in M")]
    [TestCase("N is 1")]
    [TestCase("N not in M")]
    [TestCase("N is not 1")]
    [TestCase("N > '5'")]
    [TestCase("1 if N > 5 else 0")]
    public void Operators_other_than_numeric_comparisons_are_refused(string text)
    {
        Assert.That(ConditionExpression.TryCompile(text, _table, out _, out var error), Is.False);
        Assert.That(error!.Kind, Is.EqualTo(ExpressionErrorKind.NotAllowed));
    }

    [Test]
    public void Depth_counts_comparison_and_boolean_operands()
    {
        Assert.That(ConditionExpression.Compile("N > 50", _table).Depth, Is.EqualTo(1));
        Assert.That(ConditionExpression.Compile("N > 1 and N > 2", _table).Depth, Is.EqualTo(2));
        Assert.That(ConditionExpression.Compile("not not N", _table).Depth, Is.EqualTo(2));
        Assert.That(ConditionExpression.TryCompile("N > 1 and N > 2", _table, new ExpressionOptions { MaxDepth = 1 }, out _, out var error), Is.False);
        Assert.That(error!.Kind, Is.EqualTo(ExpressionErrorKind.TooDeep));
    }

    [Test]
    public void Constant_conditions_are_recognised()
    {
        var condition = ConditionExpression.Compile("1 < 2", _table);
        Assert.That(condition.IsConstant, Is.True);
        Assert.That(condition.Variables, Is.Empty);
        Assert.That(condition.Evaluate(_context), Is.True);
        Assert.That(condition.Text, Is.EqualTo("1 < 2"));
    }

    [Test]
    public void Evaluate_throws_and_TryEvaluate_reports_missing_variables()
    {
        var condition = ConditionExpression.Compile("file_size_kb > 1024", _table);
        Assert.That(() => condition.Evaluate(_context), Throws.TypeOf<ExpressionEvaluationException>().With.Property(nameof(ExpressionEvaluationException.Variable)).EqualTo("file_size_kb"));
        Assert.That(() => ConditionExpression.Compile("N >", _table), Throws.TypeOf<ExpressionSyntaxException>().With.Property(nameof(ExpressionSyntaxException.Column)).EqualTo(4));
    }
}
