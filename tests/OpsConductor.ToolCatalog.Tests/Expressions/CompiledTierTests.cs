using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Tests.Expressions;

/// <summary>The two evaluation tiers (node tree, compiled delegate) must be indistinguishable except in speed.</summary>
public sealed class CompiledTierTests
{
    private static readonly ExpressionOptions Interpreted = new() { CompileAfterEvaluations = 0 };

    [Test]
    public void The_compiled_delegate_gives_the_same_bits_and_the_same_errors_as_the_tree_for_every_table_case()
    {
        var compared = 0;
        var failures = new List<string>();
        foreach (var row in ExpressionTableTests.AllCases)
        {
            var table = VariableTable.CreateDefault();
            var options = Interpreted with { MaxDepth = row.MaxDepth };
            CompiledExpression? tree;
            CompiledExpression? compiled;
            if (row.Language == "condition")
            {
                if (!ConditionExpression.TryCompile(row.Text, table, options, out var a, out _) || !ConditionExpression.TryCompile(row.Text, table, options, out var b, out _))
                {
                    continue;
                }

                (tree, compiled) = (a.Compiled, b.Compiled);
            }
            else
            {
                if (!EstimateExpression.TryCompile(row.Text, table, options, out var a, out _) || !EstimateExpression.TryCompile(row.Text, table, options, out var b, out _))
                {
                    continue;
                }

                (tree, compiled) = (a.Compiled, b.Compiled);
            }

            if (!compiled.CompileToDelegate())
            {
                continue;
            }

            Assert.That(compiled.IsDelegateCompiled && !tree.IsDelegateCompiled, Is.True);
            var context = new ExpressionContext(table);
            foreach (var (name, value) in row.Context)
            {
                context.Set(name, value);
            }

            var treeState = default(EvalState);
            var delegateState = default(EvalState);
            var treeValue = tree.Run(context.Values, ref treeState);
            var delegateValue = compiled.Run(context.Values, ref delegateState);
            compared++;
            var sameValue = BitConverter.DoubleToInt64Bits(treeValue) == BitConverter.DoubleToInt64Bits(delegateValue) || (double.IsNaN(treeValue) && double.IsNaN(delegateValue));
            if (!sameValue || !treeState.Equals(delegateState))
            {
                failures.Add($"#{row.Index} '{row.Text}': tree {treeValue} {treeState.Failure}@{treeState.Column}, delegate {delegateValue} {delegateState.Failure}@{delegateState.Column}");
            }
        }

        Assert.That(compared, Is.GreaterThan(300), "most table cases have a tree worth compiling");
        Assert.That(failures, Is.Empty, () => string.Join("\n", failures.Take(40)));
    }

    [Test]
    public async Task An_expression_is_compiled_in_the_background_after_enough_evaluations()
    {
        var table = VariableTable.CreateDefault();
        var expression = EstimateExpression.Compile("300 * ceil(N / 100) + 5 * N", table, new ExpressionOptions { CompileAfterEvaluations = 3 });
        var context = new ExpressionContext(table);
        context.Set("N", 250);
        for (var i = 0; i < 2; i++)
        {
            Assert.That(expression.Evaluate(context), Is.EqualTo(2150));
        }

        Assert.That(expression.Compiled.BackgroundCompilation, Is.Null);
        Assert.That(expression.Evaluate(context), Is.EqualTo(2150));
        var compilation = expression.Compiled.BackgroundCompilation;
        Assert.That(compilation, Is.Not.Null, "the third evaluation starts the compilation");
        await compilation!.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(expression.Compiled.CompilationFailure, Is.Null);
        Assert.That(expression.Compiled.IsDelegateCompiled, Is.True);
        Assert.That(expression.Evaluate(context), Is.EqualTo(2150));
    }

    [Test]
    public void Simple_shapes_need_no_delegate_and_zero_means_never()
    {
        var table = VariableTable.CreateDefault();
        foreach (var text in new[] { "500", "N", "5 * N", "N * 5", "500 + 0.1 * N", "N - 3", "2 - N", "-N" })
        {
            Assert.That(EstimateExpression.Compile(text, table).Compiled.CompileToDelegate(), Is.False, text);
        }

        var never = EstimateExpression.Compile("ceil(N)", table, Interpreted);
        var context = new ExpressionContext(table);
        for (var i = 0; i < 2000; i++)
        {
            never.Evaluate(context);
        }

        Assert.That(never.Compiled.BackgroundCompilation, Is.Null);
    }

    [TestCase("500 + 0.1 * N", false)]
    [TestCase("300 * ceil(N / 100) + 5 * N", false)]
    [TestCase("300 * ceil(N / 100) + 5 * N", true)]
    [TestCase("3000 + 400 * log(max(N, 1)) + p95_latency * 1.2", true)]
    [TestCase("min(N, 3, pages) // 2 % 7 ** 2 + N", true)]
    public void Successful_evaluation_allocates_nothing(string text, bool compile)
    {
        var table = VariableTable.CreateDefault();
        var expression = EstimateExpression.Compile(text, table, Interpreted);
        if (compile)
        {
            expression.Compiled.CompileToDelegate();
        }

        var condition = ConditionExpression.Compile($"({text}) > 100 and N < 1000", table, Interpreted);
        var context = new ExpressionContext(table);
        context.Set("N", 250);
        var sum = 0.0;
        for (var i = 0; i < 100; i++)
        {
            Assert.That(expression.TryEvaluate(context, out var warm, out _) && condition.TryEvaluate(context, out _, out _), Is.True);
            sum += warm;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            expression.TryEvaluate(context, out var value, out _);
            condition.TryEvaluate(context, out var truth, out _);
            sum += value + (truth ? 1 : 0);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero);
        Assert.That(sum, Is.GreaterThan(0));
    }
}
