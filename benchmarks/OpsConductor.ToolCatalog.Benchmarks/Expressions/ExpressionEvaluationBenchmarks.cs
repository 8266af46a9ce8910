using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Benchmarks.Expressions;

/// <summary>
/// Evaluating a compiled expression against a hand-written C# lambda of the same formula (the baseline), side by side.
/// Each invocation evaluates the formula for 16 contexts and writes each result to its own slot, as selection writes one
/// estimate per candidate (a running sum would measure the accumulator's store-and-reload instead). Both sides read the
/// variables from the same value arrays by slot; the lambda skips what the engine must do (the context check and the
/// missing-variable, division, domain and finiteness checks).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>HandWrittenLambda</c>: the baseline. A monomorphic call site, so dynamic PGO inlines the lambda into the loop.</item>
/// <item><c>HandWrittenMethodViaDelegate</c>: the same formula as a method the JIT may not inline, called through a
/// delegate: compiled code paying one call per evaluation, as the engine does. For reference only.</item>
/// <item><c>Engine</c>: a hot expression, compiled to its fast-path delegate (what the background tier does after
/// <see cref="ExpressionOptions.CompileAfterEvaluations"/> evaluations). Constants, affine and ceiling-step shapes
/// (<c>a + b*x</c>, <c>k*ceil(y/d) + a + b*x</c>) never need it: they run inline in the caller.</item>
/// <item><c>EngineTreeOnly</c>: never compiled (<c>CompileAfterEvaluations = 0</c>): the inline shapes, else the node tree.</item>
/// </list>
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15, id: "Eval15")] // nanosecond ratios on a shared machine need more than ShortRun's 3 iterations
public class ExpressionEvaluationBenchmarks
{
    private const int Contexts = 16;

    private static int _n;
    private static int _size;
    private static int _latency;

    private readonly ExpressionContext[] _contexts = new ExpressionContext[Contexts];
    private readonly double[][] _values = new double[Contexts][];
    private readonly double[] _results = new double[Contexts];
    private EstimateExpression _expression = null!;
    private EstimateExpression _tree = null!;
    private Func<double[], double> _lambda = null!;
    private Func<double[], double> _method = null!;

    [Params("500 + 0.1 * file_size_kb", "300 * ceil(N / 100) + 5 * N", "3000 + 400 * log(max(N, 1)) + p95_latency * 1.2")]
    public string Formula { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var table = VariableTable.CreateDefault();
        _n = table.GetOrAddSlot("N");
        _size = table.GetOrAddSlot("file_size_kb");
        _latency = table.GetOrAddSlot("p95_latency");
        for (var i = 0; i < Contexts; i++)
        {
            _contexts[i] = new ExpressionContext(table);
            _contexts[i].Set(_n, (i * 37) + 1);
            _contexts[i].Set(_size, (i * 512) + 3);
            _contexts[i].Set(_latency, 100 + (i * 7.5));
            _values[i] = _contexts[i].Values;
        }

        _expression = EstimateExpression.Compile(Formula, table);
        _expression.Compiled.CompileToDelegate();
        _tree = EstimateExpression.Compile(Formula, table, new ExpressionOptions { CompileAfterEvaluations = 0 });
        (_lambda, _method) = Formula switch
        {
            "500 + 0.1 * file_size_kb" => ((Func<double[], double>)(v => 500 + (0.1 * v[_size])), (Func<double[], double>)Affine),
            "300 * ceil(N / 100) + 5 * N" => (v => (300 * Math.Ceiling(v[_n] / 100)) + (5 * v[_n]), Ceiling),
            _ => (v => 3000 + (400 * Math.Log(Math.Max(v[_n], 1))) + (v[_latency] * 1.2), Logarithm),
        };
        for (var i = 0; i < Contexts; i++)
        {
            var expected = _lambda(_values[i]);
            if (!_expression.TryEvaluate(_contexts[i], out var value, out _) || value != expected || _method(_values[i]) != expected
                || !_tree.TryEvaluate(_contexts[i], out var tree, out _) || tree != expected)
            {
                throw new InvalidOperationException($"'{Formula}' gives {value}, the lambda {expected}.");
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Affine(double[] v) => 500 + (0.1 * v[_size]);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Ceiling(double[] v) => (300 * Math.Ceiling(v[_n] / 100)) + (5 * v[_n]);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Logarithm(double[] v) => 3000 + (400 * Math.Log(Math.Max(v[_n], 1))) + (v[_latency] * 1.2);

    [Benchmark(Baseline = true, OperationsPerInvoke = Contexts)]
    public double[] HandWrittenLambda()
    {
        var results = _results;
        var values = _values;
        var lambda = _lambda;
        for (var i = 0; i < values.Length; i++)
        {
            results[i] = lambda(values[i]);
        }

        return results;
    }

    [Benchmark(OperationsPerInvoke = Contexts)]
    public double[] HandWrittenMethodViaDelegate()
    {
        var results = _results;
        var values = _values;
        var method = _method;
        for (var i = 0; i < values.Length; i++)
        {
            results[i] = method(values[i]);
        }

        return results;
    }

    [Benchmark(OperationsPerInvoke = Contexts)]
    public double[] Engine() => Run(_expression);

    [Benchmark(OperationsPerInvoke = Contexts)]
    public double[] EngineTreeOnly() => Run(_tree);

    private double[] Run(EstimateExpression expression)
    {
        var results = _results;
        var contexts = _contexts;
        for (var i = 0; i < contexts.Length; i++)
        {
            // Written as the baseline writes (results[i] = value), and as selection calls it (into locals).
            expression.TryEvaluate(contexts[i], out var value, out _);
            results[i] = value;
        }

        return results;
    }
}
