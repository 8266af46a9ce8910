using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DynamicExpresso;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Benchmarks.Expressions;

/// <summary>
/// DynamicExpresso.Core (the library the product's design card named) measured side by side with the engine
/// (decision 0001), in one process:
/// <list type="number">
/// <item><b>Agreement with Python</b> on the 1,354 cases of <c>tests/.../Expressions/oracle/expression-cases.json</c>
/// (each with Python's recorded answer) and on the corpus's distinct expressions with
/// <c>corpus-expectations.json</c>'s context: how many it parses, how many give Python's value, and how many of the
/// cases Python refuses it also refuses (an exception, or a result that is not finite).</item>
/// <item><b>Parse + compile</b> of every corpus value (591), per expression: the engine's <c>Compile</c> against
/// DynamicExpresso's <c>Parse</c> + <c>LambdaExpression().Compile()</c> to a delegate.</item>
/// <item><b>Evaluation</b> per call of the three benchmark formulas over 16 contexts: the engine's <c>TryEvaluate</c> (hot),
/// DynamicExpresso's typed delegate (<c>Func&lt;double, …, double&gt;</c>, the best case) and its
/// <c>Lambda.Invoke(object[])</c> (what a caller gets without knowing each expression's variables at compile time).</item>
/// </list>
/// DynamicExpresso is given the most favourable set-up that keeps its language: the engine's ten functions and two
/// constants registered under the same names, <c>True</c>/<c>False</c> as booleans, the context's defaults, and every
/// variable as a <c>double</c> (so <c>N / 100</c> is true division as in Python; an integer literal stays an
/// <c>int</c>, as C# makes it). Python-only syntax (<c>**</c>, <c>//</c>, <c>and</c>/<c>or</c>/<c>not</c>, chained
/// comparisons, <c>x if c else y</c>) does not parse, by design of its C# grammar.
/// <code>
/// dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- dynamicexpresso [--rounds 5]
/// </code>
/// </summary>
internal static class DynamicExpressoMeasurement
{
    private static readonly Dictionary<string, double> Defaults = new(StringComparer.Ordinal)
    {
        ["N"] = 0, ["pages"] = 1, ["p95_latency"] = 100, ["cost"] = 1, ["time_ms"] = 1000,
    };

    private static readonly string[] Formulas = ["500 + 0.1 * file_size_kb", "300 * ceil(N / 100) + 5 * N", "3000 + 400 * log(max(N, 1)) + p95_latency * 1.2"];

    public static int Run(string[] args)
    {
        var at = Array.IndexOf(args, "--rounds");
        var rounds = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 5;
        var oracle = FindOracleFolder();

        Agreement(oracle);
        Compile(rounds);
        Evaluate(rounds);
        return 0;
    }

    private static string FindOracleFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OpsConductor.ToolCatalog.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, "tests", "OpsConductor.ToolCatalog.Tests", "Expressions", "oracle");
    }

    private static Interpreter CreateInterpreter()
    {
        var interpreter = new Interpreter(InterpreterOptions.Default)
            .SetVariable("pi", Math.PI)
            .SetVariable("e", Math.E)
            .SetVariable("True", true)
            .SetVariable("False", false)
            .SetFunction("ceil", (Func<double, double>)Math.Ceiling)
            .SetFunction("floor", (Func<double, double>)Math.Floor)
            .SetFunction("sqrt", (Func<double, double>)Math.Sqrt)
            .SetFunction("exp", (Func<double, double>)Math.Exp)
            .SetFunction("abs", (Func<double, double>)Math.Abs)
            .SetFunction("log10", (Func<double, double>)Math.Log10)
            .SetFunction("log2", (Func<double, double>)Math.Log2)
            .SetFunction("log", (Func<double, double>)Math.Log)
            .SetFunction("log", (Func<double, double, double>)Math.Log)
            .SetFunction("min", (Func<double, double, double>)Math.Min)
            .SetFunction("min", (Func<double, double, double, double>)((a, b, c) => Math.Min(Math.Min(a, b), c)))
            .SetFunction("max", (Func<double, double, double>)Math.Max)
            .SetFunction("max", (Func<double, double, double, double>)((a, b, c) => Math.Max(Math.Max(a, b), c)));
        return interpreter;
    }

    // ---------------------------------------------------------------- agreement

    private sealed record Case(string Language, string Text, Dictionary<string, object> Context, double? Value, bool? Truth);

    private static void Agreement(string oracle)
    {
        var cases = new List<Case>();
        using (var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(oracle, "expression-cases.json"))))
        {
            foreach (var row in document.RootElement.GetProperty("cases").EnumerateArray())
            {
                var context = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach (var property in row.GetProperty("context").EnumerateObject())
                {
                    context[property.Name] = property.Value.ValueKind == JsonValueKind.Number ? property.Value.GetDouble() : property.Value.ToString();
                }

                var python = row.GetProperty("python");
                double? value = null;
                bool? truth = null;
                if (python.TryGetProperty("value", out var v))
                {
                    if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        truth = v.GetBoolean();
                    }
                    else
                    {
                        value = v.ValueKind == JsonValueKind.Number ? v.GetDouble() : v.GetString() switch
                        {
                            "inf" => double.PositiveInfinity,
                            "-inf" => double.NegativeInfinity,
                            "nan" => double.NaN,
                            var text => double.Parse(text!, CultureInfo.InvariantCulture),
                        };
                    }
                }

                cases.Add(new Case(row.GetProperty("language").GetString()!, row.GetProperty("text").GetString()!, context, value, truth));
            }
        }

        Console.WriteLine($"Agreement with Python's recorded answers: the case table ({cases.Count} cases)");
        Report(cases);

        // The corpus: distinct texts with the expectations file's context (Python's answer recorded by digest).
        var corpus = new List<Case>();
        using (var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(oracle, "corpus-expectations.json"))))
        {
            var context = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.GetProperty("context").EnumerateObject())
            {
                context[property.Name] = property.Value.GetDouble();
            }

            var expectations = document.RootElement.GetProperty("expressions");
            foreach (var (field, text) in CorpusExpressions.Read().Distinct())
            {
                var language = field == "requires_background_if" ? "condition" : "estimate";
                var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{language}\n{text}")))[..16];
                if (!expectations.TryGetProperty(digest, out var expectation) || corpus.Any(c => c.Language == language && c.Text == text))
                {
                    continue;
                }

                var python = expectation.GetProperty("python");
                double? value = null;
                bool? truth = null;
                if (python.TryGetProperty("value", out var v))
                {
                    if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        truth = v.GetBoolean();
                    }
                    else
                    {
                        value = v.GetDouble();
                    }
                }

                corpus.Add(new Case(language, text, context, value, truth));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Agreement with Python's recorded answers: the corpus's distinct expressions ({corpus.Count}), context {string.Join(", ", corpus.FirstOrDefault()?.Context.Select(kv => $"{kv.Key}={kv.Value}") ?? [])}");
        Report(corpus);

        // The same expressions with every variable they use given (250 each, the defaults' own values otherwise), where
        // the engine, exact to Python on the table and the corpus expectations, stands in for Python.
        var full = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var c in corpus)
        {
            if (ExpressionAnalysis.Analyze(c.Text, c.Language == "condition" ? ExpressionLanguage.Condition : ExpressionLanguage.Estimate) is { IsValid: true } facts)
            {
                foreach (var name in facts.VariablesWithoutDefaults)
                {
                    full[name] = 250.0;
                }
            }
        }

        var withEngine = new List<Case>();
        foreach (var c in corpus)
        {
            var table = VariableTable.CreateDefault();
            var context = new ExpressionContext(table);
            foreach (var (name, value) in full)
            {
                context.Set(name, (double)value);
            }

            double? value2 = null;
            bool? truth2 = null;
            if (c.Language == "condition")
            {
                if (ConditionExpression.TryCompile(c.Text, table, out var condition, out _) && condition.TryEvaluate(context, out var t, out _))
                {
                    truth2 = t;
                }
            }
            else if (EstimateExpression.TryCompile(c.Text, table, out var estimate, out _) && estimate.TryEvaluate(context, out var v, out _))
            {
                value2 = v;
            }

            withEngine.Add(c with { Context = full, Value = value2, Truth = truth2 });
        }

        Console.WriteLine();
        Console.WriteLine($"The corpus's distinct expressions ({withEngine.Count}) with every variable given ({full.Count} variables = 250), the engine's answers standing in for Python's:");
        Report(withEngine, showDisagreements: true);
    }

    private static void Report(List<Case> cases, bool showDisagreements = false)
    {
        var interpreter = CreateInterpreter();
        int parsed = 0, valueCases = 0, sameValue = 0, closeValue = 0, errorCases = 0, alsoRefused = 0, engineSame = 0, engineRefused = 0;
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var missed = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in cases)
        {
            var pythonHasValue = c.Value is not null || c.Truth is not null;
            if (pythonHasValue)
            {
                valueCases++;
            }
            else
            {
                errorCases++;
            }

            // DynamicExpresso.
            object? result = null;
            var failed = false;
            try
            {
                var parameters = Defaults.Select(kv => kv.Key).Concat(c.Context.Keys).Distinct(StringComparer.Ordinal)
                    .Select(name => c.Context.TryGetValue(name, out var given) ? new Parameter(name, given.GetType(), given) : new Parameter(name, typeof(double), Defaults[name]))
                    .ToArray();
                var lambda = interpreter.Parse(c.Text, parameters);
                parsed++;
                try
                {
                    result = lambda.Invoke(parameters);
                }
#pragma warning disable CA1031 // Any exception is a refusal here.
                catch (Exception)
                {
                    failed = true;
                }
            }
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failed = true;
                var reason = exception.Message.Length > 40 ? exception.Message[..40] : exception.Message;
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }

            if (pythonHasValue)
            {
                var close = false;
                if (!failed && Agrees(c, result, out close))
                {
                    sameValue++;
                }
                else
                {
                    closeValue += !failed && close ? 1 : 0;
                    var feature = Feature(c.Text, failed);
                    missed[feature] = missed.GetValueOrDefault(feature) + 1;
                    if (showDisagreements)
                    {
                        Console.WriteLine($"  differs: {c.Text} → Python/engine {(object?)c.Value ?? c.Truth}, DynamicExpresso {(failed ? "refused" : result)}");
                    }
                }
            }
            else if (failed || (result is not null && IsNumber(result) && !double.IsFinite(Convert.ToDouble(result, CultureInfo.InvariantCulture))))
            {
                alsoRefused++;
            }

            // The engine, same case, same defaults.
            var table = VariableTable.CreateDefault();
            var context = new ExpressionContext(table);
            var engineOk = true;
            foreach (var (name, value) in c.Context)
            {
                if (value is double d)
                {
                    context.Set(name, d);
                }
                else
                {
                    engineOk = false; // a string in the context: the engine's contexts hold numbers only
                }
            }

            object? engineResult = null;
            if (engineOk)
            {
                if (c.Language == "condition")
                {
                    engineOk = ConditionExpression.TryCompile(c.Text, table, out var condition, out _) && condition.TryEvaluate(context, out var truth, out _);
                    if (engineOk)
                    {
                        condition!.TryEvaluate(context, out var t, out _);
                        engineResult = t;
                    }
                }
                else
                {
                    engineOk = EstimateExpression.TryCompile(c.Text, table, out var estimate, out _) && estimate.TryEvaluate(context, out var value, out _);
                    if (engineOk)
                    {
                        estimate!.TryEvaluate(context, out var v, out _);
                        engineResult = v;
                    }
                }
            }

            if (pythonHasValue && engineOk && Agrees(c, engineResult, out _))
            {
                engineSame++;
            }
            else if (!pythonHasValue && !engineOk)
            {
                engineRefused++;
            }
        }

        Console.WriteLine("| | DynamicExpresso | engine |");
        Console.WriteLine("| --- | ---: | ---: |");
        Console.WriteLine($"| parses (of {cases.Count}) | {parsed} | |");
        Console.WriteLine($"| Python gives a value: same value (of {valueCases}) | {sameValue} | {engineSame} |");
        Console.WriteLine($"| Python gives a value: within 1e-9 relative but not equal | {closeValue} | |");
        Console.WriteLine($"| Python refuses: also refused, or not finite (of {errorCases}) | {alsoRefused} | {engineRefused} |");
        Console.WriteLine($"| agrees with Python (of {cases.Count}) | **{sameValue + alsoRefused}** | **{engineSame + engineRefused}** |");
        Console.WriteLine("Where Python gives a value and DynamicExpresso does not give it, by what the text contains: " + string.Join("; ", missed.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value}")));
        Console.WriteLine("Most common parse errors: " + string.Join("; ", reasons.OrderByDescending(r => r.Value).Take(6).Select(r => $"{r.Value}× \"{r.Key}…\"")));
    }

    /// <summary>Whether <paramref name="result"/> is Python's answer (numbers compared exactly; booleans as truth for a
    /// condition, as 1/0 for an estimate, which is what <c>float(True)</c> gives).</summary>
    private static bool Agrees(Case c, object? result, out bool close)
    {
        close = false;
        if (c.Truth is { } truth)
        {
            return result is bool b ? b == truth : result is not null && IsNumber(result) && (Convert.ToDouble(result, CultureInfo.InvariantCulture) != 0) == truth;
        }

        if (result is null || !(result is bool || IsNumber(result)))
        {
            return false;
        }

        var value = result is bool flag ? (flag ? 1 : 0) : Convert.ToDouble(result, CultureInfo.InvariantCulture);
        var expected = c.Value!.Value;
        if (value.Equals(expected))
        {
            return true;
        }

        close = Math.Abs(value - expected) <= 1e-9 * Math.Max(Math.Abs(expected), 1e-300);
        return false;
    }

    /// <summary>The first Python-only feature found in <paramref name="text"/>, to group the disagreements.</summary>
    private static string Feature(string text, bool failed)
    {
        var padded = $" {text} ";
        return (failed ? "refused: " : "other value: ") + (
            text.Contains("**", StringComparison.Ordinal) ? "`**`" :
            text.Contains("//", StringComparison.Ordinal) ? "`//`" :
            padded.Contains(" if ", StringComparison.Ordinal) ? "`x if c else y`" :
            padded.Contains(" and ", StringComparison.Ordinal) || padded.Contains(" or ", StringComparison.Ordinal) || padded.Contains("not ", StringComparison.Ordinal) ? "`and`/`or`/`not`" :
            text.Contains('%', StringComparison.Ordinal) ? "`%`" :
            text.Contains('/', StringComparison.Ordinal) ? "`/`" :
            text.Contains("True", StringComparison.Ordinal) || text.Contains("False", StringComparison.Ordinal) ? "`True`/`False`" :
            text.Contains('<', StringComparison.Ordinal) || text.Contains('>', StringComparison.Ordinal) || text.Contains("==", StringComparison.Ordinal) ? "comparison" :
            text.Contains('(', StringComparison.Ordinal) ? "a function" : "other");
    }

    private static bool IsNumber(object value) => value is double or float or int or long or decimal or short or byte or uint or ulong;

    // ---------------------------------------------------------------- parse + compile

    private static void Compile(int rounds)
    {
        var texts = CorpusExpressions.Read().Where(e => e.Field != "requires_background_if").Select(e => e.Text).ToList();
        var names = new HashSet<string>(Defaults.Keys, StringComparer.Ordinal);
        var probeTable = VariableTable.CreateDefault();
        foreach (var text in texts)
        {
            if (ExpressionAnalysis.Analyze(text) is { IsValid: true } analysis)
            {
                names.UnionWith(analysis.VariablesWithoutDefaults);
            }
        }

        var parameters = names.Order(StringComparer.Ordinal).Select(n => new Parameter(n, typeof(double))).ToArray();
        var interpreter = CreateInterpreter();

        // Which corpus values each side compiles.
        var engineCompiles = 0;
        var dynamicCompiles = 0;
        var accepted = new List<string>();
        foreach (var text in texts)
        {
            if (EstimateExpression.TryCompile(text, VariableTable.CreateDefault(), out _, out _))
            {
                engineCompiles++;
            }

            try
            {
                CompileToDelegate(interpreter.Parse(text, parameters));
                dynamicCompiles++;
                accepted.Add(text);
            }
#pragma warning disable CA1031
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Parse + compile of the corpus's {texts.Count} estimate values: the engine compiles {engineCompiles}, DynamicExpresso {dynamicCompiles} (Parse with all {parameters.Length} corpus variables as double parameters, then LambdaExpression().Compile()).");
        Console.WriteLine($"Timed over the {accepted.Count} values both compile, per expression, {rounds} rounds in turn (each round: every value once per side, the two sides alternating expression by expression, after a warm-up):");

        for (var warm = 0; warm < 2; warm++)
        {
            CompileBoth(interpreter, parameters, accepted);
        }

        var engine = new List<double>();
        var dynamic = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var (e, d) = CompileBoth(interpreter, parameters, accepted);
            engine.Add(e);
            dynamic.Add(d);
        }

        var ratios = engine.Select((e, i) => dynamic[i] / e).Order().ToList();
        Console.WriteLine($"| per expression | engine `EstimateExpression.Compile` | DynamicExpresso `Parse` + `Compile()` of its LINQ tree | DynamicExpresso ÷ engine per round: median (min–max) |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Console.WriteLine($"| median (minimum) of {rounds} rounds | {Median(engine):0.00} µs ({engine.Min():0.00}) | {Median(dynamic):0.0} µs ({dynamic.Min():0.0}) | **{Median(ratios):0}×** ({ratios[0]:0}–{ratios[^1]:0}); minima {dynamic.Min() / engine.Min():0}× |");
    }

    /// <summary>The LINQ tree DynamicExpresso parsed, compiled to a delegate over its declared parameters (what its own
    /// <c>Compile&lt;TDelegate&gt;</c> does for a known delegate type).</summary>
    private static Delegate CompileToDelegate(Lambda lambda) =>
        System.Linq.Expressions.Expression.Lambda(lambda.Expression, lambda.DeclaredParameters.Select(p => p.Expression)).Compile();

    /// <summary>Compiles every text with each side in turn (engine first for even positions, DynamicExpresso first for
    /// odd ones), so that both see the same machine from one microsecond to the next; returns each side's mean in µs.</summary>
    private static (double Engine, double Dynamic) CompileBoth(Interpreter interpreter, Parameter[] parameters, List<string> texts)
    {
        var table = VariableTable.CreateDefault();
        long engine = 0;
        long dynamic = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            for (var side = 0; side < 2; side++)
            {
                var started = Stopwatch.GetTimestamp();
                if ((side + i) % 2 == 0)
                {
                    EstimateExpression.Compile(texts[i], table);
                    engine += Stopwatch.GetTimestamp() - started;
                }
                else
                {
                    CompileToDelegate(interpreter.Parse(texts[i], parameters));
                    dynamic += Stopwatch.GetTimestamp() - started;
                }
            }
        }

        return (engine * 1e6 / Stopwatch.Frequency / texts.Count, dynamic * 1e6 / Stopwatch.Frequency / texts.Count);
    }

    // ---------------------------------------------------------------- evaluation

    private static void Evaluate(int rounds)
    {
        const int Contexts = 16;
        const int Passes = 100_000;
        Console.WriteLine();
        Console.WriteLine($"Evaluation per call (ns), hot, {Contexts} contexts × {Passes:N0} passes per measurement, {rounds} rounds in turn; DynamicExpresso ÷ engine per round: median (min–max):");
        Console.WriteLine("Each cell: median (minimum) in ns; ratios: per round median (min–max), and the ratio of the minima.");
        Console.WriteLine("| formula | engine `TryEvaluate` | DynamicExpresso typed delegate | ÷ engine | DynamicExpresso `Lambda.Invoke` | ÷ engine |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        var interpreter = CreateInterpreter();
        foreach (var formula in Formulas)
        {
            var table = VariableTable.CreateDefault();
            var n = table.GetOrAddSlot("N");
            var size = table.GetOrAddSlot("file_size_kb");
            var latency = table.GetOrAddSlot("p95_latency");
            var contexts = new ExpressionContext[Contexts];
            var args = new double[Contexts][];
            for (var i = 0; i < Contexts; i++)
            {
                contexts[i] = new ExpressionContext(table);
                contexts[i].Set(n, (i * 37) + 1);
                contexts[i].Set(size, (i * 512) + 3);
                contexts[i].Set(latency, 100 + (i * 7.5));
                args[i] = [contexts[i].Values[n], contexts[i].Values[size], contexts[i].Values[latency]];
            }

            var expression = EstimateExpression.Compile(formula, table);
            expression.Compiled.CompileToDelegate();
            var typed = interpreter.ParseAsDelegate<Func<double, double, double, double>>(formula, "N", "file_size_kb", "p95_latency");
            var lambda = interpreter.Parse(formula, new Parameter("N", typeof(double)), new Parameter("file_size_kb", typeof(double)), new Parameter("p95_latency", typeof(double)));
            var boxed = args.Select(a => a.Select(x => (object)x).ToArray()).ToArray();
            for (var i = 0; i < Contexts; i++)
            {
                expression.TryEvaluate(contexts[i], out var expected, out _);
                if (typed(args[i][0], args[i][1], args[i][2]) != expected || (double)lambda.Invoke(boxed[i])! != expected)
                {
                    throw new InvalidOperationException($"'{formula}': DynamicExpresso and the engine disagree.");
                }
            }

            var results = new double[Contexts];
            double Engine(int passes)
            {
                var started = Stopwatch.GetTimestamp();
                for (var p = 0; p < passes; p++)
                {
                    for (var i = 0; i < Contexts; i++)
                    {
                        expression.TryEvaluate(contexts[i], out var value, out _);
                        results[i] = value;
                    }
                }

                return Stopwatch.GetElapsedTime(started).TotalNanoseconds / (passes * (double)Contexts);
            }

            double Typed(int passes)
            {
                var started = Stopwatch.GetTimestamp();
                for (var p = 0; p < passes; p++)
                {
                    for (var i = 0; i < Contexts; i++)
                    {
                        var a = args[i];
                        results[i] = typed(a[0], a[1], a[2]);
                    }
                }

                return Stopwatch.GetElapsedTime(started).TotalNanoseconds / (passes * (double)Contexts);
            }

            double Invoke(int passes)
            {
                var started = Stopwatch.GetTimestamp();
                for (var p = 0; p < passes; p++)
                {
                    for (var i = 0; i < Contexts; i++)
                    {
                        results[i] = (double)lambda.Invoke(boxed[i])!;
                    }
                }

                return Stopwatch.GetElapsedTime(started).TotalNanoseconds / (passes * (double)Contexts);
            }

            // Warm-up (tiered JIT, PGO), then rounds in rotating order.
            for (var w = 0; w < 3; w++)
            {
                Engine(Passes / 4);
                Typed(Passes / 4);
                Invoke(Passes / 40);
            }

            var e = new List<double>();
            var t = new List<double>();
            var v = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                var order = new Action[] { () => e.Add(Engine(Passes)), () => t.Add(Typed(Passes)), () => v.Add(Invoke(Passes / 10)) };
                for (var k = 0; k < order.Length; k++)
                {
                    order[(k + round) % order.Length]();
                }
            }

            var typedRatio = e.Select((x, i) => t[i] / x).Order().ToList();
            var invokeRatio = e.Select((x, i) => v[i] / x).Order().ToList();
            Console.WriteLine($"| `{formula}` | {Median(e):0.00} ({e.Min():0.00}) | {Median(t):0.00} ({t.Min():0.00}) | {Median(typedRatio):0.00} ({typedRatio[0]:0.00}–{typedRatio[^1]:0.00}); minima {t.Min() / e.Min():0.00} | {Median(v):0} ({v.Min():0}) | {Median(invokeRatio):0} ({invokeRatio[0]:0}–{invokeRatio[^1]:0}); minima {v.Min() / e.Min():0} |");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
