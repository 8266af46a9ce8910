using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Tests.Expressions;

/// <summary>
/// The original's 24 tests (<c>tests/test_safe_math_eval.py</c>, ORIGINAL-BEHAVIOUR.md §4.9), one for one, against
/// this engine. Where the original accepted a number directly (<c>evaluate(42, {})</c>) the catalog stores the number as
/// its text, so the text is evaluated.
/// </summary>
public sealed class OriginalSafeMathEvalTests
{
    private static double Eval(string text, params (string Name, double Value)[] context) => Eval(text, ExpressionOptions.Default, context);

    private static double Eval(string text, ExpressionOptions options, params (string Name, double Value)[] context)
    {
        var table = VariableTable.CreateDefault();
        var values = new ExpressionContext(table);
        foreach (var (name, value) in context)
        {
            values.Set(name, value);
        }

        return EstimateExpression.Compile(text, table, options).Evaluate(values);
    }

    private static ExpressionError Failure(string text, ExpressionOptions? options = null)
    {
        var table = VariableTable.CreateDefault();
        if (!EstimateExpression.TryCompile(text, table, options ?? ExpressionOptions.Default, out var expression, out var error))
        {
            return error;
        }

        Assert.That(expression.TryEvaluate(new ExpressionContext(table), out _, out error), Is.False, $"'{text}' should fail");
        return error!;
    }

    [Test]
    public void Simple_arithmetic()
    {
        Assert.That(Eval("1 + 2"), Is.EqualTo(3.0));
        Assert.That(Eval("10 - 3"), Is.EqualTo(7.0));
        Assert.That(Eval("4 * 5"), Is.EqualTo(20.0));
        Assert.That(Eval("20 / 4"), Is.EqualTo(5.0));
        Assert.That(Eval("7 // 2"), Is.EqualTo(3.0));
        Assert.That(Eval("10 % 3"), Is.EqualTo(1.0));
        Assert.That(Eval("2 ** 3"), Is.EqualTo(8.0));
    }

    [Test]
    public void Variables()
    {
        (string, double)[] context = [("N", 100), ("pages", 5)];
        Assert.That(Eval("N", context), Is.EqualTo(100.0));
        Assert.That(Eval("N + 10", context), Is.EqualTo(110.0));
        Assert.That(Eval("N * pages", context), Is.EqualTo(500.0));
        Assert.That(Eval("120 + 0.02 * N", context), Is.EqualTo(122.0));
    }

    [Test]
    public void Functions()
    {
        Assert.That(Eval("log(N)", ("N", 100)), Is.EqualTo(Math.Log(100)).Within(0.001));
        Assert.That(Eval("sqrt(N)", ("N", 100)), Is.EqualTo(10.0));
        Assert.That(Eval("min(N, 50)", ("N", 100)), Is.EqualTo(50.0));
        Assert.That(Eval("max(N, 200)", ("N", 100)), Is.EqualTo(200.0));
        Assert.That(Eval("abs(-42)", ("N", 100)), Is.EqualTo(42.0));
    }

    [Test]
    public void Complex_expressions()
    {
        Assert.That(Eval("3000 + 400 * log(N)", ("N", 100), ("p95_latency", 150)), Is.EqualTo(3000 + (400 * Math.Log(100))).Within(0.001));
        Assert.That(Eval("1 / (1 + N / 1000)", ("N", 100)), Is.EqualTo(1 / (1 + (100.0 / 1000))).Within(0.001));
        Assert.That(Eval("3000 + 400 * log(N) + p95_latency * 1.2", ("N", 100), ("p95_latency", 150)), Is.EqualTo(3000 + (400 * Math.Log(100)) + (150 * 1.2)).Within(0.001));
    }

    [Test]
    public void Constants()
    {
        Assert.That(Eval("pi"), Is.EqualTo(Math.PI).Within(0.001));
        Assert.That(Eval("e"), Is.EqualTo(Math.E).Within(0.001));
        Assert.That(Eval("2 * pi"), Is.EqualTo(2 * Math.PI).Within(0.001));
    }

    [Test]
    public void Numeric_input()
    {
        Assert.That(Eval("42"), Is.EqualTo(42.0));
        Assert.That(Eval("3.14"), Is.EqualTo(3.14));
        Assert.That(Eval("100"), Is.EqualTo(100.0));
    }

    [Test]
    public void Default_variables()
    {
        Assert.That(Eval("N + 10"), Is.EqualTo(10.0));
        Assert.That(Eval("pages * 100"), Is.EqualTo(100.0));
    }

    [Test]
    public void Security_no_imports() => Assert.That(Failure("__import__('os').system('ls')").Kind, Is.EqualTo(ExpressionErrorKind.NotAllowed));

    [Test]
    public void Security_no_exec()
    {
        Assert.That(Failure("exec('print(1)')").Message, Does.StartWith("Function exec not allowed"));
        Assert.That(Failure("eval('1+1')").Message, Does.StartWith("Function eval not allowed"));
    }

    [Test]
    public void Security_no_file_access() => Assert.That(Failure("open('/etc/passwd')").Message, Does.StartWith("Function open not allowed"));

    [Test]
    public void Security_no_attribute_access() => Assert.That(Failure("N.__class__").Message, Does.StartWith("AST node type Attribute not allowed"));

    [Test]
    public void Security_no_list_comprehension() => Assert.That(Failure("[x for x in range(10)]").Message, Does.StartWith("AST node type ListComp not allowed"));

    [Test]
    public void Security_disallowed_functions()
    {
        Assert.That(Failure("print(1)").Message, Does.Contain("not allowed"));
        Assert.That(Failure("len([1,2,3])").Message, Does.Contain("not allowed"));
    }

    [Test]
    public void Error_division_by_zero()
    {
        Assert.That(Failure("10 / 0").Message, Does.Contain("Division by zero"));
        Assert.That(Failure("10 // 0").Message, Does.Contain("Division by zero"));
    }

    [Test]
    public void Error_undefined_variable() => Assert.That(Failure("undefined_var + 10").Message, Does.Contain("not defined"));

    [Test]
    public void Error_invalid_syntax()
    {
        Assert.That(Failure("1 +").Kind, Is.EqualTo(ExpressionErrorKind.Syntax));
        Assert.That(Failure("* 5").Kind, Is.EqualTo(ExpressionErrorKind.Syntax));
    }

    [Test]
    public void Error_exponent_too_large() => Assert.That(Failure("2 ** 1000").Message, Does.Contain("Exponent too large"));

    [Test]
    public void Error_max_depth()
    {
        var five = new ExpressionOptions { MaxDepth = 5 };
        Assert.That(Eval("1 + (2 + (3 + 4))", five), Is.EqualTo(10));
        Assert.That(Failure("1+(2+(3+(4+(5+(6+(7+8))))))", five).Message, Does.Contain("too deeply nested"));
    }

    [Test]
    public void Convenience_function()
    {
        Assert.That(Eval("100 + 20"), Is.EqualTo(120.0));
        Assert.That(Eval("42"), Is.EqualTo(42.0));
        Assert.That(Eval("N * 2", ("N", 50)), Is.EqualTo(100.0));
    }

    [Test]
    public void Asset_service_query_count() => Assert.That(Eval("120 + 0.02 * N", ("N", 1000)), Is.EqualTo(140.0));

    [Test]
    public void Asset_service_query_list() => Assert.That(Eval("200 + 2 * N + 500 * pages", ("N", 500), ("pages", 5)), Is.EqualTo(3700.0));

    [Test]
    public void Asset_direct_poll_parallel() =>
        Assert.That(Eval("3000 + 400 * log(N) + p95_latency * 1.2", ("N", 100), ("p95_latency", 150)), Is.EqualTo(3000 + (400 * Math.Log(100)) + (150 * 1.2)).Within(0.001));

    [Test]
    public void Normalization_formula()
    {
        Assert.That(Eval("1 / (1 + time_ms / 1000)", ("time_ms", 1000)), Is.EqualTo(0.5).Within(0.001));
        Assert.That(Eval("1 / (1 + cost / 10)", ("cost", 100)), Is.EqualTo(1.0 / 11).Within(0.001));
    }

    [Test]
    public void Policy_conditions()
    {
        Assert.That(Eval("N", ("N", 100)), Is.GreaterThan(50));
        Assert.That(Eval("cost", ("cost", 150)), Is.GreaterThan(100));
    }
}
