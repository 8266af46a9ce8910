using OpsConductor.ToolCatalog.Compatibility;
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
            if (Compile(row) is not var (compiled, _, context))
            {
                continue;
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
            else if (!fastOk && treeOk && !FastPathMayGiveUp(compiled, context))
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
        var expression = EstimateExpression.Compile("300 * floor(N / 100) + 5 * N", table, new ExpressionOptions { CompileAfterEvaluations = 3 });
        var context = new ExpressionContext(table);
        context.Set("N", 250);
        for (var i = 0; i < 2; i++)
        {
            Assert.That(expression.Evaluate(context), Is.EqualTo(1850));
        }

        Assert.That(expression.Compiled.BackgroundCompilation, Is.Null);
        Assert.That(expression.Evaluate(context), Is.EqualTo(1850));
        var compilation = expression.Compiled.BackgroundCompilation;
        Assert.That(compilation, Is.Not.Null, "the third evaluation starts the compilation");
        await compilation!.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(expression.Compiled.CompilationFailure, Is.Null);
        Assert.That(expression.Compiled.IsDelegateCompiled, Is.True);
        Assert.That(expression.Evaluate(context), Is.EqualTo(1850));
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
        Assert.That((error!.Kind, error.Column, error.Message), Is.EqualTo((ExpressionErrorKind.MathDomain, 31, "math domain error: log(-3.0); the argument must be positive")));
        context.Set("N", 110);
        Assert.That(expression.Evaluate(context), Is.EqualTo(2 + (1.0 / 105) + Math.Log(100)));
    }

    [Test]
    public async Task Threads_evaluating_while_the_expression_is_promoted_all_get_the_right_answer()
    {
        var table = VariableTable.CreateDefault();
        var expression = EstimateExpression.Compile("300 * floor(N / 100) + 5 * N", table, new ExpressionOptions { CompileAfterEvaluations = 100 });
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
                if (!expression.TryEvaluate(context, out var value, out _) || value != (300 * Math.Floor(n / 100.0)) + (5 * n))
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
        foreach (var text in new[]
        {
            "500", "N", "5 * N", "N * 5", "500 + 0.1 * N", "N - 3", "2 - N", "-N",
            "ceil(N)", "ceil(N / 100)", "300 * ceil(N / 100)", "ceil(N / 100) * 300", "1 + 300 * ceil(N / 100)", "ceil(packet_count / 1000) - 2",
            "300 * ceil(N / 100) + 5 * N", "5 * N + 300 * ceil(N / 100)", "ceil(N / 100) + (2 + pages * 3)", "pages + ceil(N)",
        })
        {
            var compiled = EstimateExpression.Compile(text, table).Compiled;
            Assert.That((compiled.IsInlineShape, compiled.CompileToDelegate()), Is.EqualTo((true, false)), text);
        }

        foreach (var text in new[] { "1 + 300 * ceil(N / 100) + 5 * N", "ceil(N / 100) - N", "floor(N / 100)", "ceil(N / pages)", "ceil(N + 1)", "2 ** ceil(N)" })
        {
            Assert.That(EstimateExpression.Compile(text, table).Compiled.IsInlineShape, Is.False, text);
        }

        var never = EstimateExpression.Compile("floor(N)", table, Interpreted);
        var context = new ExpressionContext(table);
        for (var i = 0; i < 2000; i++)
        {
            never.Evaluate(context);
        }

        Assert.That(never.Compiled.BackgroundCompilation, Is.Null);
    }

    /// <summary>
    /// The hot path (<see cref="CompiledExpression.TryRun"/>: the inline shapes, else the tree) gives the tree's verdict
    /// and value on every table case; the inline shapes may only turn a -0.0 into 0.0 (Python has no integer -0).
    /// </summary>
    [Test]
    public void The_hot_path_agrees_with_the_tree_on_every_table_case()
    {
        var inline = 0;
        var failures = new List<string>();
        foreach (var row in ExpressionTableTests.AllCases)
        {
            if (Compile(row) is not var (compiled, estimate, context))
            {
                continue;
            }

            inline += compiled.IsInlineShape ? 1 : 0;
            if ((Disagreement(compiled, context) ?? PublicDisagreement(estimate, context)) is { } disagreement)
            {
                failures.Add($"#{row.Index} '{row.Text}': {disagreement}");
            }
        }

        Assert.That(inline, Is.GreaterThan(100), "the table exercises the inline shapes");
        Assert.That(failures, Is.Empty, () => string.Join("\n", failures.Take(40)));
    }

    /// <summary>The ceiling-step shapes against the tree on the values that can go wrong: zeros, huge, tiny, infinite, NaN, missing.</summary>
    [Test]
    public void The_inline_ceiling_shapes_agree_with_the_tree_on_edge_values()
    {
        var table = VariableTable.CreateDefault();
        var formulas = new[]
        {
            "ceil(N)", "ceil(N / 100)", "ceil(N / -3)", "ceil(N / 0.5)", "ceil(N / 1e-300)", "ceil(N / 5e-324)", "300 * ceil(N / 100)",
            "-2 * ceil(N / 7)", "0 * ceil(N / 100)", "1e308 * ceil(N / 100)", "1 + 300 * ceil(N / 100)", "ceil(N / 100) - 5",
            "300 * ceil(N / 100) + 5 * N", "5 * N + 300 * ceil(N / 100)", "ceil(N / 100) + (2 - pages * 3)", "ceil(x / 10) + x", "-x + ceil(x)",
        };
        var specials = new[] { 0.0, -0.0, -0.5, 0.5, 1, 99, 100, 101, -250, 1e308, -1e308, 5e-324, 1e300, double.PositiveInfinity, double.NegativeInfinity, double.NaN };
        var failures = new List<string>();
        var checkedCases = 0;
        foreach (var text in formulas)
        {
            var expression = EstimateExpression.Compile(text, table, Interpreted);
            Assert.That(expression.Compiled.IsInlineShape, Is.True, text);
            foreach (var first in specials.Append(double.NaN))
            {
                foreach (var second in specials)
                {
                    var context = new ExpressionContext(table);
                    context.Set("N", first);
                    context.Set("x", first);
                    context.Set("pages", second);
                    checkedCases++;
                    if ((Disagreement(expression.Compiled, context) ?? PublicDisagreement(expression, context)) is { } disagreement)
                    {
                        failures.Add($"'{text}' N = x = {first}, pages = {second}: {disagreement}");
                    }
                }
            }

            var empty = new ExpressionContext(table);
            if ((Disagreement(expression.Compiled, empty) ?? PublicDisagreement(expression, empty)) is { } missing)
            {
                failures.Add($"'{text}' with x missing: {missing}");
            }
        }

        Assert.That(checkedCases, Is.EqualTo(formulas.Length * (specials.Length + 1) * specials.Length));
        Assert.That(failures, Is.Empty, () => string.Join("\n", failures.Take(40)));
    }

    /// <summary>A table case compiled on the node tree (no background tier) with its context, or null when it does not compile.</summary>
    private static (CompiledExpression Compiled, EstimateExpression? Estimate, ExpressionContext Context)? Compile(ExpressionTableTests.TableCase row)
    {
        var table = VariableTable.CreateDefault();
        var options = Interpreted with { MaxDepth = row.MaxDepth };
        CompiledExpression compiled;
        EstimateExpression? estimate = null;
        if (row.Language == "condition")
        {
            if (!ConditionExpression.TryCompile(row.Text, table, options, out var condition, out _))
            {
                return null;
            }

            compiled = condition.Compiled;
        }
        else
        {
            if (!EstimateExpression.TryCompile(row.Text, table, options, out estimate, out _))
            {
                return null;
            }

            compiled = estimate.Compiled;
        }

        var context = new ExpressionContext(table);
        foreach (var (name, value) in row.Context)
        {
            context.Set(name, value);
        }

        return (compiled, estimate, context);
    }

    /// <summary>
    /// When the compiled fast path may give up on a case the tree evaluates: a variable is missing (short-circuiting may
    /// never read it), or a value is NaN or infinite. The fast path tests the sum of its variables for NaN (a NaN value,
    /// or infinities that cancel, depending on the order it adds them) and leaves those cases to the tree rather than
    /// deciding whether max, min or a comparison masks the NaN.
    /// </summary>
    internal static bool FastPathMayGiveUp(CompiledExpression compiled, ExpressionContext context) =>
        compiled.Variables.Any(name => !context.TryGet(name, out var value) || !double.IsFinite(value));

    /// <summary>
    /// What differs between <see cref="EstimateExpression.TryEvaluate"/> (which evaluates the affine and ceiling-step
    /// shapes itself) and the compiled expression's hot path with its explanation, or null.
    /// </summary>
    private static string? PublicDisagreement(EstimateExpression? expression, ExpressionContext context)
    {
        if (expression is null)
        {
            return null;
        }

        var publicOk = expression.TryEvaluate(context, out var value, out var error);
        var compiled = expression.Compiled;
        var hotOk = compiled.TryRun(context.Values, out var hot);
        var (explained, explainError) = hotOk ? (hot, null) : compiled.Explain(context.Values);
        var expectedOk = explainError is null;
        if (publicOk != expectedOk)
        {
            return $"TryEvaluate says {publicOk}, the compiled expression {expectedOk} ({explainError?.Message})";
        }

        return publicOk
            ? BitConverter.DoubleToInt64Bits(value) == BitConverter.DoubleToInt64Bits(explained) ? null : $"TryEvaluate gave {value}, the compiled expression {explained}"
            : error!.Message == explainError!.Message && error.Column == explainError.Column ? null : $"TryEvaluate's error '{error.Message}' differs from '{explainError.Message}'";
    }

    /// <summary>What differs between the hot path and the tree for one context, or null; when the hot path fails, the error it explains must be the tree's.</summary>
    private static string? Disagreement(CompiledExpression compiled, ExpressionContext context)
    {
        var state = default(EvalState);
        var tree = compiled.Run(context.Values, ref state, count: false);
        var treeOk = state.Failure == EvalFailure.None && double.IsFinite(tree);
        var hotOk = compiled.TryRun(context.Values, out var hot);
        if (hotOk)
        {
            var sameBits = BitConverter.DoubleToInt64Bits(hot) == BitConverter.DoubleToInt64Bits(tree);
            var zeroSign = compiled.IsInlineShape && hot == 0 && tree == 0;
            return treeOk && (sameBits || zeroSign) ? null : $"hot path gave {hot}, tree {tree} ({state.Failure})";
        }

        var (value, error) = compiled.Explain(context.Values);
        var explained = error is null;
        if (treeOk)
        {
            // Only the compiled delegate may give up where the tree succeeds (a missing variable short-circuiting skips).
            return !compiled.IsInlineShape && explained && BitConverter.DoubleToInt64Bits(value) == BitConverter.DoubleToInt64Bits(tree)
                ? null
                : $"hot path failed where the tree gives {tree}";
        }

        var treeError = compiled.CreateError(in state, tree);
        return !explained && error!.Kind == treeError.Kind && error.Column == treeError.Column && error.Message == treeError.Message
            ? null
            : $"hot path failed, explained as {error?.Kind} '{error?.Message}', tree says {treeError.Kind} '{treeError.Message}'";
    }

    [TestCase("500 + 0.1 * N", false)]
    [TestCase("300 * ceil(N / 100) + 5 * N", false)]
    [TestCase("300 * floor(N / 100) + 5 * N", false)]
    [TestCase("300 * floor(N / 100) + 5 * N", true)]
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

        // Up to three windows of 10,000 evaluations each: the runtime itself may allocate on this thread now and then
        // (a tier-up that has to start the tiered-compilation worker again, seen once on a loaded machine), so one
        // window without a byte allocated proves the evaluation allocates nothing; an evaluation that allocated would
        // allocate in every window, and the test fails.
        var windows = new List<long>();
        for (var window = 0; window < 3 && (windows.Count == 0 || windows[^1] != 0); window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                expression.TryEvaluate(context, out var value, out _);
                condition.TryEvaluate(context, out var truth, out _);
                sum += value + (truth ? 1 : 0);
            }

            windows.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.That(windows.Min(), Is.Zero, () => $"bytes allocated per window: {string.Join(", ", windows)}");
        Assert.That(sum, Is.GreaterThan(0));
    }
}
