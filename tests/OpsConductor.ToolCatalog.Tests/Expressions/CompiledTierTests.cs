using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Tests.Expressions;

/// <summary>The two evaluation tiers (node tree, compiled delegate) must be indistinguishable except in speed.</summary>
public sealed class CompiledTierTests
{
    private static readonly ExpressionOptions Interpreted = new() { CompileAfterEvaluations = 0 };

    /// <summary>
    /// The fast path may only say "succeeded, with the tree's exact bits" or "something failed"; it may flag a case the
    /// tree evaluates (a missing variable that short-circuiting never reads), but never succeed where the tree fails.
    /// </summary>
    [Test]
    public void The_compiled_fast_path_agrees_bit_for_bit_with_the_tree_on_every_table_case()
    {
        var compared = 0;
        var failures = new List<string>();
        foreach (var row in ExpressionTableTests.AllCases)
        {
            var table = VariableTable.CreateDefault();
            var options = Interpreted with { MaxDepth = row.MaxDepth };
            CompiledExpression compiled;
            if (row.Language == "condition")
            {
                if (!ConditionExpression.TryCompile(row.Text, table, options, out var condition, out _))
                {
                    continue;
                }

                compiled = condition.Compiled;
            }
            else
            {
                if (!EstimateExpression.TryCompile(row.Text, table, options, out var estimate, out _))
                {
                    continue;
                }

                compiled = estimate.Compiled;
            }

            var context = new ExpressionContext(table);
            foreach (var (name, value) in row.Context)
            {
                context.Set(name, value);
            }

            var treeState = default(EvalState);
            var treeValue = compiled.Run(context.Values, ref treeState);
            var treeOk = treeState.Failure == EvalFailure.None && double.IsFinite(treeValue);
            if (!compiled.CompileToDelegate())
            {
                continue;
            }

            compared++;
            var fastOk = compiled.TryRunFast(context.Values, out var fastValue) && double.IsFinite(fastValue);
            if (fastOk && (!treeOk || BitConverter.DoubleToInt64Bits(fastValue) != BitConverter.DoubleToInt64Bits(treeValue)))
            {
                failures.Add($"#{row.Index} '{row.Text}': fast path gave {fastValue}, tree {treeValue} ({treeState.Failure})");
            }
            else if (!fastOk && treeOk && compiled.Variables.All(v => context.TryGet(v, out _)))
            {
                failures.Add($"#{row.Index} '{row.Text}': fast path flagged a failure the tree does not have ({treeValue})");
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
    public void When_the_fast_path_gives_up_on_a_missing_variable_the_tree_still_short_circuits_past_it()
    {
        var table = VariableTable.CreateDefault();
        var condition = ConditionExpression.Compile("N > 0 and missing > 1", table, Interpreted);
        Assert.That(condition.Compiled.CompileToDelegate(), Is.True);
        var context = new ExpressionContext(table);
        Assert.That(condition.TryEvaluate(context, out var value, out var error), Is.True, error?.Message);
        Assert.That(value, Is.False);
        context.Set("N", 1);
        Assert.That(condition.TryEvaluate(context, out _, out error), Is.False);
        Assert.That((error!.Kind, error.MissingVariable, error.Column), Is.EqualTo((ExpressionErrorKind.UndefinedVariable, "missing", 11)));
    }

    [Test]
    public void An_error_from_the_fast_path_is_explained_by_the_tree_with_its_column()
    {
        var table = VariableTable.CreateDefault();
        var expression = EstimateExpression.Compile("ceil(N / 100) + 1 / (N - 5) + log(N - 10)", table, Interpreted);
        Assert.That(expression.Compiled.CompileToDelegate(), Is.True);
        var context = new ExpressionContext(table);
        context.Set("N", 5);
        Assert.That(expression.TryEvaluate(context, out _, out var error), Is.False);
        Assert.That((error!.Kind, error.Column), Is.EqualTo((ExpressionErrorKind.DivisionByZero, 19)));
        context.Set("N", 7);
        Assert.That(expression.TryEvaluate(context, out _, out error), Is.False);
        Assert.That((error!.Kind, error.Column, error.Message), Is.EqualTo((ExpressionErrorKind.MathDomain, 31, "math domain error: log(-3); the argument must be positive")));
        context.Set("N", 110);
        Assert.That(expression.Evaluate(context), Is.EqualTo(2 + (1.0 / 105) + Math.Log(100)));
    }

    [Test]
    public async Task Threads_evaluating_while_the_expression_is_promoted_all_get_the_right_answer()
    {
        var table = VariableTable.CreateDefault();
        var expression = EstimateExpression.Compile("300 * ceil(N / 100) + 5 * N", table, new ExpressionOptions { CompileAfterEvaluations = 100 });
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            await start.Task;
            var context = new ExpressionContext(table);
            var wrong = 0;
            for (var i = 0; i < 20_000; i++)
            {
                var n = (i % 500) + worker;
                context.Set("N", n);
                if (!expression.TryEvaluate(context, out var value, out _) || value != (300 * Math.Ceiling(n / 100.0)) + (5 * n))
                {
                    wrong++;
                }
            }

            return wrong;
        })).ToList();
        start.SetResult();
        Assert.That(await Task.WhenAll(workers), Is.All.Zero);
        await expression.Compiled.BackgroundCompilation!.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(expression.Compiled.IsDelegateCompiled, Is.True);
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
