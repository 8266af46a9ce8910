using System.Globalization;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Tests.Expressions;

public sealed class EstimateExpressionTests
{
    private VariableTable _table = null!;
    private ExpressionContext _context = null!;

    [SetUp]
    public void SetUp()
    {
        _table = VariableTable.CreateDefault();
        _context = new ExpressionContext(_table);
    }

    private double Eval(string text) => EstimateExpression.Compile(text, _table).Evaluate(_context);

    private ExpressionError EvalError(string text)
    {
        var expression = EstimateExpression.Compile(text, _table);
        Assert.That(expression.TryEvaluate(_context, out _, out var error), Is.False, $"'{text}' should fail to evaluate");
        return error!;
    }

    private ExpressionError CompileError(string text, ExpressionOptions? options = null)
    {
        Assert.That(EstimateExpression.TryCompile(text, _table, options ?? ExpressionOptions.Default, out _, out var error), Is.False, $"'{text}' should not compile");
        return error!;
    }

    [Test]
    public void The_three_issue_formulas_evaluate_as_Python_does()
    {
        _context.Set("N", 250);
        _context.Set("file_size_kb", 2048);
        Assert.That(Eval("500 + 0.1 * file_size_kb"), Is.EqualTo(500 + (0.1 * 2048)));
        Assert.That(Eval("300 * ceil(N / 100) + 5 * N"), Is.EqualTo(2150));
        Assert.That(Eval("3000 + 400 * log(max(N, 1)) + p95_latency * 1.2"), Is.EqualTo(3000 + (400 * Math.Log(250)) + 120));
    }

    [TestCase("-7 // 2", -4)]
    [TestCase("-7 % 3", 2)]
    [TestCase("7.0 % 2.5", 2)]
    [TestCase("2 ** 3 ** 2", 512)]
    [TestCase("-2 ** 2", -4)]
    [TestCase("2 ** -1", 0.5)]
    [TestCase("1 // 0.1", 9)]
    [TestCase("1_000 + .5 + 1e3 + 0x10", 2016.5)]
    [TestCase("True + 1", 2)]
    [TestCase("((((((1))))))", 1)]
    public void Python_semantics_hold(string text, double expected) => Assert.That(Eval(text), Is.EqualTo(expected));

    [Test]
    public void Defaults_apply_until_the_context_overrides_them_and_Reset_restores_them()
    {
        Assert.That(Eval("N + pages + p95_latency + cost + time_ms"), Is.EqualTo(0 + 1 + 100 + 1 + 1000));
        _context.Set("N", 40);
        Assert.That(Eval("N"), Is.EqualTo(40));
        _context.Reset();
        Assert.That(Eval("N"), Is.Zero);
    }

    [Test]
    public void A_missing_variable_is_an_error_naming_it_and_its_column()
    {
        var error = EvalError("500 + 0.1 * file_size_kb");
        Assert.That(error.Kind, Is.EqualTo(ExpressionErrorKind.UndefinedVariable));
        Assert.That(error.MissingVariable, Is.EqualTo("file_size_kb"));
        Assert.That(error.Column, Is.EqualTo(13));
        Assert.That(error.Message, Is.EqualTo("Variable 'file_size_kb' not defined in context"));
    }

    [Test]
    public void The_first_error_in_evaluation_order_is_reported_as_Python_would()
    {
        Assert.That(EvalError("x + 1/0").Kind, Is.EqualTo(ExpressionErrorKind.UndefinedVariable));
        Assert.That(EvalError("1/0 + x").Kind, Is.EqualTo(ExpressionErrorKind.DivisionByZero));
        Assert.That(EvalError("min(log(0), 1/0)").Kind, Is.EqualTo(ExpressionErrorKind.MathDomain));
    }

    [TestCase("10 / 0", ExpressionErrorKind.DivisionByZero, 4, "Division by zero")]
    [TestCase("10 // 0", ExpressionErrorKind.DivisionByZero, 4, "Division by zero")]
    [TestCase("10 % 0", ExpressionErrorKind.ModuloByZero, 4, "Modulo by zero")]
    [TestCase("2 ** 1000", ExpressionErrorKind.ExponentTooLarge, 3, "Exponent too large")]
    [TestCase("0 ** -1", ExpressionErrorKind.DivisionByZero, 3, "0.0 cannot be raised to a negative power")]
    [TestCase("log(0)", ExpressionErrorKind.MathDomain, 1, "math domain error: log(0.0)")]
    [TestCase("1 + sqrt(-1)", ExpressionErrorKind.MathDomain, 5, "math domain error: sqrt(-1.0)")]
    [TestCase("exp(1000)", ExpressionErrorKind.Overflow, 1, "math range error")]
    [TestCase("1e200 ** 2", ExpressionErrorKind.Overflow, 7, "Numerical result out of range")]
    [TestCase("(-8) ** (1/3)", ExpressionErrorKind.ComplexResult, 6, "Complex result: (-8.0) ** 0.3333333333333333")]
    [TestCase("ceil(1e308 * 10)", ExpressionErrorKind.Overflow, 1, "cannot convert float infinity to integer")]
    [TestCase("log(8, 1)", ExpressionErrorKind.DivisionByZero, 1, "Division by zero")]
    [TestCase("1e308 * 10", ExpressionErrorKind.Overflow, 0, "Result is infinite")]
    [TestCase("1e308 * 10 - 1e308 * 10", ExpressionErrorKind.NotANumber, 0, "Result is not a number")]
    public void Evaluation_errors_keep_the_original_wording_and_point_at_the_operation(string text, ExpressionErrorKind kind, int column, string message)
    {
        var error = EvalError(text);
        Assert.That(error.Kind, Is.EqualTo(kind));
        Assert.That(error.Column, Is.EqualTo(column));
        Assert.That(error.Message, Does.Contain(message));
        Assert.That(error.IsCompileError, Is.False);
    }

    [TestCase("1 +", ExpressionErrorKind.Syntax, 4)]
    [TestCase("* 5", ExpressionErrorKind.Syntax, 1)]
    [TestCase("N N", ExpressionErrorKind.Syntax, 3)]
    [TestCase("(1 + 2", ExpressionErrorKind.Syntax, 1)]
    [TestCase("0123", ExpressionErrorKind.Syntax, 1)]
    [TestCase("1_", ExpressionErrorKind.Syntax, 3)]
    [TestCase("N $ 2", ExpressionErrorKind.Syntax, 3)]
    [TestCase("print(1)", ExpressionErrorKind.NotAllowed, 1)]
    [TestCase("N.__class__", ExpressionErrorKind.NotAllowed, 2)]
    [TestCase("__import__('os').system('ls')", ExpressionErrorKind.NotAllowed, 1)]
    [TestCase("[x for x in range(10)]", ExpressionErrorKind.NotAllowed, 4)]
    [TestCase("N > 50", ExpressionErrorKind.NotAllowed, 3)]
    [TestCase("'5'", ExpressionErrorKind.NotAllowed, 1)]
    [TestCase("max(1, 2, key=3)", ExpressionErrorKind.NotAllowed, 11)]
    [TestCase("log", ExpressionErrorKind.NotAllowed, 1)]
    [TestCase("min(1)", ExpressionErrorKind.WrongArgumentCount, 1)]
    [TestCase("1 + sqrt(1, 2)", ExpressionErrorKind.WrongArgumentCount, 5)]
    public void Compile_errors_say_what_and_where(string text, ExpressionErrorKind kind, int column)
    {
        var error = CompileError(text);
        Assert.That(error.Kind, Is.EqualTo(kind));
        Assert.That(error.Column, Is.EqualTo(column));
        Assert.That(error.IsCompileError, Is.True);
        Assert.That(error.ToString(), Does.StartWith($"column {column}: "));
    }

    [Test]
    public void Refused_functions_are_named_with_the_allowed_list()
    {
        var error = CompileError("round(N)");
        Assert.That(error.Message, Does.StartWith("Function round not allowed"));
        Assert.That(error.Message, Does.Contain("log, log10, log2, sqrt, min, max, abs, ceil, floor, exp"));
    }

    [Test]
    public void A_syntax_error_anywhere_wins_over_a_refused_construct_as_in_the_original()
    {
        Assert.That(CompileError("print(1) +").Kind, Is.EqualTo(ExpressionErrorKind.Syntax));
        Assert.That(CompileError("N.x + (1").Kind, Is.EqualTo(ExpressionErrorKind.Syntax));
    }

    [Test]
    public void Depth_follows_the_original_rule_and_its_limit_is_configurable()
    {
        var table = _table;
        Assert.That(EstimateExpression.Compile("1 + (2 + (3 + 4))", table).Depth, Is.EqualTo(3));
        Assert.That(EstimateExpression.Compile("((((1))))", table).Depth, Is.Zero);
        Assert.That(EstimateExpression.Compile("-" + new string('-', 19) + "1", table).Depth, Is.EqualTo(20));
        var tooDeep = CompileError(new string('-', 21) + "1");
        Assert.That(tooDeep.Kind, Is.EqualTo(ExpressionErrorKind.TooDeep));
        Assert.That(tooDeep.Message, Is.EqualTo("Expression too deeply nested (max depth: 20)"));
        Assert.That(tooDeep.Column, Is.EqualTo(22), "the node at depth 21 is the literal after the 21 minus signs");
        var five = new ExpressionOptions { MaxDepth = 5 };
        Assert.That(EstimateExpression.TryCompile("1 + (2 + (3 + 4))", table, five, out _, out _), Is.True);
        Assert.That(CompileError("1+(2+(3+(4+(5+(6+(7+8))))))", five).Message, Does.Contain("max depth: 5"));
    }

    [Test]
    public void Text_longer_than_the_limit_is_refused_before_anything_else()
    {
        var error = CompileError("1" + new string(' ', 500));
        Assert.That(error.Kind, Is.EqualTo(ExpressionErrorKind.TooLong));
        Assert.That(error.Column, Is.EqualTo(501));
        Assert.That(EstimateExpression.TryCompile(new string('1', 600), _table, new ExpressionOptions { MaxLength = 1000 }, out _, out _), Is.True);
    }

    [Test]
    public void Hundred_thousand_open_parentheses_are_a_syntax_error_not_a_stack_overflow()
    {
        var options = new ExpressionOptions { MaxLength = 1_000_000 };
        var error = CompileError(new string('(', 100_000) + "1" + new string(')', 100_000), options);
        Assert.That(error.Kind, Is.EqualTo(ExpressionErrorKind.Syntax));
        Assert.That(error.Message, Does.Contain("too many nested parentheses"));
        Assert.That(error.Column, Is.EqualTo(201));
    }

    [TestCase("-", "1")]
    [TestCase("not ", "1")]
    [TestCase("2 ** ", "1")]
    [TestCase("1 + ", "1")]
    [TestCase("N if N else ", "1")]
    public void Hundred_thousand_fold_chains_parse_without_recursion(string link, string end)
    {
        var options = new ExpressionOptions { MaxLength = 2_000_000 };
        var text = string.Concat(Enumerable.Repeat(link, 100_000)) + end;
        Assert.That(EstimateExpression.TryCompile(text, _table, options, out _, out var error), Is.False);
        Assert.That(error!.Kind, Is.AnyOf(ExpressionErrorKind.TooDeep, ExpressionErrorKind.NotAllowed));
    }

    [Test]
    public void Static_facts_list_variables_in_first_use_order_and_constancy()
    {
        var expression = EstimateExpression.Compile("x * N + y + x + pi", _table);
        Assert.That(expression.Variables, Is.EqualTo(new[] { "x", "N", "y" }));
        Assert.That(expression.IsConstant, Is.False);
        Assert.That(expression.Text, Is.EqualTo("x * N + y + x + pi"));
        Assert.That(expression.ToString(), Is.EqualTo(expression.Text));
        Assert.That(EstimateExpression.Compile("2 * pi + e", _table).IsConstant, Is.True);
        Assert.That(EstimateExpression.Compile("1 / 0", _table).IsConstant, Is.True);
    }

    [Test]
    public void Plain_numbers_as_YAML_writes_them_are_valid_expressions()
    {
        foreach (var (text, value) in new[] { ("500", 500.0), ("0.5", 0.5), ("1.5e3", 1500.0), ("1e-3", 0.001), ("-2", -2.0), ("+3", 3.0), ("1_000", 1000.0) })
        {
            var expression = EstimateExpression.Compile(text, _table);
            Assert.That(expression.IsConstant, Is.True);
            Assert.That(expression.Evaluate(_context), Is.EqualTo(value), text);
        }
    }

    [Test]
    public void Leading_whitespace_comments_and_bracketed_line_breaks_are_accepted()
    {
        Assert.That(Eval("   1 + 2"), Is.EqualTo(3));
        Assert.That(Eval("1 + 2  # two"), Is.EqualTo(3));
        Assert.That(Eval("(1 +\n 2)"), Is.EqualTo(3));
        Assert.That(CompileError("1 +\n 2").Kind, Is.EqualTo(ExpressionErrorKind.Syntax));
    }

    [Test]
    public void Compile_throws_a_syntax_exception_with_the_column_and_the_text()
    {
        var exception = Assert.Throws<ExpressionSyntaxException>(() => EstimateExpression.Compile("1 + * 2", _table))!;
        Assert.That(exception.Column, Is.EqualTo(5));
        Assert.That(exception.Text, Is.EqualTo("1 + * 2"));
        Assert.That(exception.Error.Kind, Is.EqualTo(ExpressionErrorKind.Syntax));
        Assert.That(exception.Message, Does.Contain("column 5").And.Contain("'1 + * 2'"));
    }

    [Test]
    public void Evaluate_throws_with_the_original_message_form_and_the_missing_variable()
    {
        var expression = EstimateExpression.Compile("N * packet_count", _table);
        var exception = Assert.Throws<ExpressionEvaluationException>(() => expression.Evaluate(_context))!;
        Assert.That(exception.Variable, Is.EqualTo("packet_count"));
        Assert.That(exception.Message, Does.StartWith("Error evaluating expression 'N * packet_count': Variable 'packet_count' not defined in context"));
        Assert.That(exception.Error.Column, Is.EqualTo(5));
    }

    [Test]
    public void A_context_from_another_table_is_refused()
    {
        var expression = EstimateExpression.Compile("N + 1", _table);
        var foreign = new ExpressionContext(VariableTable.CreateDefault());
        Assert.That(() => expression.TryEvaluate(foreign, out _, out _), Throws.ArgumentException.With.Message.Contains("different VariableTable"));
        Assert.That(() => expression.TryEvaluate(null!, out _, out _), Throws.ArgumentNullException);
    }

    [Test]
    public void A_variable_registered_after_the_context_was_made_is_still_read_correctly()
    {
        var early = new ExpressionContext(_table);
        var names = Enumerable.Range(0, 40).Select(i => $"v{i}").ToArray();
        var expression = EstimateExpression.Compile("max(" + string.Join(", ", names) + ")", _table);
        Assert.That(expression.TryEvaluate(early, out _, out var error), Is.False);
        Assert.That(error!.MissingVariable, Is.EqualTo("v0"));
        for (var i = 0; i < names.Length; i++)
        {
            early.Set(names[i], i);
        }

        Assert.That(expression.Evaluate(early), Is.EqualTo(39));
    }

    /// <summary>
    /// A context made before the table grew reads a new variable as missing, whether its slot lies inside the context's
    /// array (marked undefined) or beyond it, on every evaluation path (inline shapes, node tree); once set, it is read.
    /// </summary>
    [TestCase("2 + 3 * {0}")]
    [TestCase("{0}")]
    [TestCase("7 * ceil({0} / 10) + (1 + 2 * N)")]
    [TestCase("ceil(N / 10) + (1 + 2 * {0})")]
    [TestCase("5 * N + ceil(N / 10) + 0 * {0}")]
    [TestCase("ceil({0} / 3) + 4")]
    public void Variables_added_after_a_context_was_made_read_as_missing_inside_and_beyond_its_array(string template)
    {
        var early = new ExpressionContext(_table);
        var length = early.Values.Length;
        var low = $"low{_table.Count}";
        Assert.That(_table.GetOrAddSlot(low), Is.LessThan(length));
        while (_table.Count <= length + 3)
        {
            _table.GetOrAddSlot($"filler{_table.Count}");
        }

        var high = "high";
        Assert.That(_table.GetOrAddSlot(high), Is.GreaterThanOrEqualTo(length));
        foreach (var name in new[] { low, high })
        {
            var expression = EstimateExpression.Compile(string.Format(CultureInfo.InvariantCulture, template, name), _table);
            Assert.That(expression.TryEvaluate(early, out _, out var error), Is.False, name);
            Assert.That((error!.Kind, error.MissingVariable), Is.EqualTo((ExpressionErrorKind.UndefinedVariable, name)));
            var late = new ExpressionContext(_table);
            late.Set("N", 25);
            late.Set(name, 41);
            early.Set("N", 25);
            early.Set(name, 41);
            var tree = EstimateExpression.Compile(string.Format(CultureInfo.InvariantCulture, template, name), _table, new ExpressionOptions { CompileAfterEvaluations = 0 });
            Assert.That(expression.Evaluate(early), Is.EqualTo(tree.Evaluate(late)), name);
            Assert.That(expression.Evaluate(late), Is.EqualTo(tree.Evaluate(late)), name);
            early.Reset();
        }
    }

    [Test]
    public void Invalid_options_are_refused()
    {
        Assert.That(() => EstimateExpression.TryCompile("1", _table, new ExpressionOptions { MaxDepth = -1 }, out _, out _), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => EstimateExpression.TryCompile("1", _table, new ExpressionOptions { MaxLength = 0 }, out _, out _), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => EstimateExpression.TryCompile("1", _table, new ExpressionOptions { CompileAfterEvaluations = -1 }, out _, out _), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
