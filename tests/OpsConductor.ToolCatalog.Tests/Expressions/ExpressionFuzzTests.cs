using System.Globalization;
using System.Text;
using OpsConductor.ToolCatalog.Compatibility;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Tests.Expressions;

/// <summary>
/// Throws 120,000 seeded inputs (random characters, random grammar, mutations of real expressions, pathological
/// shapes) at the compiler and the evaluator in both languages. Every input must compile or give an error with a kind,
/// a message and a column inside the text; every evaluation must give a finite double or an error; nothing may throw,
/// and the compiled-delegate tier must agree with the tree.
/// </summary>
public sealed class ExpressionFuzzTests
{
    private const int Inputs = 120_000;

    internal static readonly string[] Seeds =
    [
        "500 + 0.1 * file_size_kb", "300 * ceil(N / 100) + 5 * N", "3000 + 400 * log(max(N, 1)) + p95_latency * 1.2",
        "ceil(N / 100)", "1000 + 5 * N", "N > 50", "1 < N <= 10 and not pages > 3 or cost == 1", "min(N, 3, pages) // 2 % 7 ** 2",
        "-2 ** -2 ** -1", "log(8, 2) + log10(x) + log2(y) + sqrt(abs(z)) + exp(-N) + floor(1.5e3)", "2 ** 1000", "1 / 0",
        "__import__('os').system('ls')", "N.__class__", "[x for x in range(10)]", "lambda: 1", "f'{N}'", "(1 +\n 2)  # c",
        "0x1F + 0o17 + 0b1011 + 1_000 + .5 + 1e-3", "max(1, 2, key=3)", "x if N else y", "{1: 2}", "N[1:2]", "1j", "None",
    ];

    private static readonly string Alphabet =
        "0123456789+-*/%().,_ eExXjJoObBNpilgmaqrtcsfn<>=!~&|^@[]{}:;'\"#\\\t\n\r\f\v\0$?`" + "éπ∞\u00a0\u2212\u200b";

    private static readonly string[] Atoms = ["N", "pages", "p95_latency", "cost", "time_ms", "x", "y", "pi", "e", "True", "0", "1", "2", "0.5", "1e3", "1_000", ".5", "0x10", "100", "-1", "1e308", "1e-320"];

    private static readonly string[] Functions = ["log", "log10", "log2", "sqrt", "min", "max", "abs", "ceil", "floor", "exp", "round", "print"];

    private static readonly string[] Operators = ["+", "-", "*", "/", "//", "%", "**", "+", "*", "<", ">=", "==", "!=", " and ", " or ", "&", "@"];

    [Test]
    [CancelAfter(600_000)]
    public void Random_and_mutated_inputs_never_crash_hang_or_escape(CancellationToken cancellationToken)
    {
        var random = new Random(20251017);
        var table = VariableTable.CreateDefault();
        var contexts = BuildContexts(table, random);
        var options = new ExpressionOptions { CompileAfterEvaluations = 0 };
        var stats = new Dictionary<string, int>();
        var failures = new List<string>();
        for (var i = 0; i < Inputs && failures.Count < 20; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var text = (i % 4) switch
            {
                0 => RandomCharacters(random),
                1 => RandomExpression(random, 0),
                2 => Mutate(random, Seeds[random.Next(Seeds.Length)]),
                _ => i % 400 == 3 ? Pathological(random) : Mutate(random, RandomExpression(random, 0)),
            };
            try
            {
                Check(text, ExpressionLanguage.Estimate, table, options, contexts, random, stats, failures);
                Check(text, ExpressionLanguage.Condition, table, options, contexts, random, stats, failures);
            }
#pragma warning disable CA1031 // the point of the test: any exception at all is a finding
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failures.Add($"{Show(text)} threw {exception.GetType().Name}: {exception.Message}");
            }
        }

        TestContext.Out.WriteLine(string.Join(", ", stats.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
        Assert.That(failures, Is.Empty, () => string.Join("\n", failures));
        Assert.That(stats.GetValueOrDefault("compiled"), Is.GreaterThan(Inputs / 5), "enough inputs are valid to exercise the evaluator");
        Assert.That(stats.GetValueOrDefault("evaluated"), Is.GreaterThan(Inputs / 5));
        Assert.That(stats.GetValueOrDefault("evaluation-error"), Is.GreaterThan(1000));
        Assert.That(stats.Keys.Count(k => k.StartsWith("compile-", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(5), "the inputs reach every kind of compile error");
    }

    private static void Check(
        string text, ExpressionLanguage language, VariableTable table, ExpressionOptions options, ExpressionContext[] contexts,
        Random random, Dictionary<string, int> stats, List<string> failures)
    {
        CompiledExpression? compiled = null;
        ExpressionError? error;
        var ok = language == ExpressionLanguage.Estimate
            ? EstimateExpression.TryCompile(text, table, options, out var estimate, out error) && (compiled = estimate.Compiled) is not null
            : ConditionExpression.TryCompile(text, table, options, out var condition, out error) && (compiled = condition.Compiled) is not null;
        var facts = ExpressionAnalysis.Analyze(text, language, options);
        if (facts.IsValid != ok || (!ok && facts.Error!.Kind != error!.Kind))
        {
            failures.Add($"{Show(text)} ({language}): analysis says {facts.Error?.Kind.ToString() ?? "valid"}, compile says {error?.Kind.ToString() ?? "valid"}");
        }

        if (!ok)
        {
            Count(stats, "compile-" + error!.Kind);
            if (error.Kind == ExpressionErrorKind.Unspecified || string.IsNullOrWhiteSpace(error.Message) || !error.IsCompileError
                || error.Column < 1 || error.Column > Math.Max(text.Length, options.MaxLength) + 1)
            {
                failures.Add($"{Show(text)} ({language}): bad compile error {error.Kind} at {error.Column}: {error.Message}");
            }

            return;
        }

        Count(stats, "compiled");
        if (compiled!.Depth > options.MaxDepth || text.Length > options.MaxLength)
        {
            failures.Add($"{Show(text)}: compiled beyond the limits (depth {compiled.Depth})");
        }

        var useDelegate = random.Next(20) == 0 && compiled.CompileToDelegate();
        foreach (var context in contexts)
        {
            var state = default(EvalState);
            var value = compiled.Run(context.Values, ref state);
            if (state.Failure != EvalFailure.None || !double.IsFinite(value))
            {
                var evaluationError = compiled.CreateError(in state, value);
                Count(stats, "evaluation-error");
                if (evaluationError.IsCompileError || evaluationError.Kind == ExpressionErrorKind.Unspecified || string.IsNullOrWhiteSpace(evaluationError.Message)
                    || evaluationError.Column < 0 || evaluationError.Column > text.Length
                    || (evaluationError.Kind == ExpressionErrorKind.UndefinedVariable && !compiled.Variables.Contains(evaluationError.MissingVariable!)))
                {
                    failures.Add($"{Show(text)}: bad evaluation error {evaluationError.Kind} at {evaluationError.Column}: {evaluationError.Message}");
                }
            }
            else
            {
                Count(stats, "evaluated");
            }

            if (useDelegate)
            {
                var treeOk = state.Failure == EvalFailure.None && double.IsFinite(value);
                var fastOk = compiled.TryRunFast(context.Values, out var fastValue) && double.IsFinite(fastValue);
                var missing = CompiledTierTests.FastPathMayGiveUp(compiled, context);
                if ((fastOk && (!treeOk || BitConverter.DoubleToInt64Bits(fastValue) != BitConverter.DoubleToInt64Bits(value))) || (!fastOk && treeOk && !missing))
                {
                    failures.Add($"{Show(text)}: fast path {(fastOk ? fastValue.ToString(CultureInfo.InvariantCulture) : "flagged")} differs from tree {value} {state.Failure}");
                }
            }
        }
    }

    private static ExpressionContext[] BuildContexts(VariableTable table, Random random)
    {
        var special = new[] { 0.0, -0.0, 1, -1, 0.5, 100, 1e308, -1e308, 5e-324, double.NaN, double.PositiveInfinity, 12345.678 };
        var contexts = new ExpressionContext[4];
        contexts[0] = new ExpressionContext(table);
        for (var c = 1; c < contexts.Length; c++)
        {
            contexts[c] = new ExpressionContext(table);
            foreach (var name in new[] { "N", "pages", "x", "y", "z", "cost" })
            {
                contexts[c].Set(name, c == 3 ? special[random.Next(special.Length)] : random.Next(-50, 5000) / 4.0);
            }
        }

        return contexts;
    }

    internal static string RandomCharacters(Random random)
    {
        var length = random.Next(0, 40);
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return builder.ToString();
    }

    internal static string RandomExpression(Random random, int depth)
    {
        var choice = random.Next(100);
        if (depth > 5 || choice < 30)
        {
            return Atoms[random.Next(Atoms.Length)];
        }

        if (choice < 65)
        {
            var text = RandomExpression(random, depth + 1) + " " + Operators[random.Next(Operators.Length)] + " " + RandomExpression(random, depth + 1);
            return random.Next(2) == 0 ? $"({text})" : text;
        }

        if (choice < 75)
        {
            return (random.Next(3) switch { 0 => "-", 1 => "+", _ => "not " }) + RandomExpression(random, depth + 1);
        }

        var function = Functions[random.Next(Functions.Length)];
        var count = random.Next(0, 4);
        var arguments = Enumerable.Range(0, count).Select(_ => RandomExpression(random, depth + 1));
        return $"{function}({string.Join(", ", arguments)})";
    }

    internal static string Mutate(Random random, string text)
    {
        var builder = new StringBuilder(text);
        for (var m = random.Next(1, 4); m > 0; m--)
        {
            var position = random.Next(builder.Length + 1);
            switch (random.Next(5))
            {
                case 0 when builder.Length > 0:
                    builder.Remove(Math.Min(position, builder.Length - 1), 1);
                    break;
                case 1:
                    builder.Insert(position, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2 when builder.Length > 0:
                    builder[Math.Min(position, builder.Length - 1)] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                case 3 when builder.Length > 2:
                    var start = random.Next(builder.Length - 1);
                    var piece = builder.ToString(start, random.Next(1, Math.Min(12, builder.Length - start)));
                    builder.Insert(position, piece);
                    break;
                default:
                    builder.Insert(position, Operators[random.Next(Operators.Length)]);
                    break;
            }
        }

        return builder.ToString();
    }

    private static string Pathological(Random random)
    {
        var n = random.Next(150, 260);
        return random.Next(8) switch
        {
            0 => new string('(', n) + "N" + new string(')', n),
            1 => new string('-', n) + "1",
            2 => string.Concat(Enumerable.Repeat("2 ** ", n / 5)) + "1",
            3 => string.Concat(Enumerable.Repeat("abs(", n / 4)) + "1" + new string(')', n / 4),
            4 => string.Concat(Enumerable.Repeat("not ", n / 4)) + "N",
            5 => string.Concat(Enumerable.Repeat("1 < ", n / 4)) + "2",
            6 => new string('[', n) + new string(']', n),
            _ => "9" + new string('9', n) + "." + new string('9', n) + "e" + n.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static void Count(Dictionary<string, int> stats, string key) => stats[key] = stats.GetValueOrDefault(key) + 1;

    private static string Show(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text.Length > 100 ? text[..100] : text)
        {
            builder.Append(c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return builder.Append('"').ToString();
    }
}
