using BenchmarkDotNet.Attributes;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Benchmarks.Expressions;

/// <summary>
/// Evaluating a compiled expression against a hand-written C# lambda of the same formula, side by side. Each invocation
/// evaluates the formula for 16 different contexts (so neither side can be hoisted out of the loop); both read the
/// variables from the same value arrays by slot. The lambda skips what the engine must do: the missing-variable,
/// division, domain and finiteness checks.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ExpressionEvaluationBenchmarks
{
    private const int Contexts = 16;

    private readonly ExpressionContext[] _contexts = new ExpressionContext[Contexts];
    private readonly double[][] _values = new double[Contexts][];
    private EstimateExpression _expression = null!;
    private EstimateExpression _interpreted = null!;
    private Func<double[], double> _lambda = null!;

    [Params("500 + 0.1 * file_size_kb", "300 * ceil(N / 100) + 5 * N", "3000 + 400 * log(max(N, 1)) + p95_latency * 1.2")]
    public string Formula { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var table = VariableTable.CreateDefault();
        var n = table.GetOrAddSlot("N");
        var size = table.GetOrAddSlot("file_size_kb");
        var latency = table.GetOrAddSlot("p95_latency");
        for (var i = 0; i < Contexts; i++)
        {
            _contexts[i] = new ExpressionContext(table);
            _contexts[i].Set(n, (i * 37) + 1);
            _contexts[i].Set(size, (i * 512) + 3);
            _contexts[i].Set(latency, 100 + (i * 7.5));
            _values[i] = _contexts[i].Values;
        }

        // The steady state of a hot expression: compiled to a delegate (what the background tier does after
        // CompileAfterEvaluations evaluations). The interpreted variant never leaves the node tree.
        _expression = EstimateExpression.Compile(Formula, table);
        _expression.Compiled.CompileToDelegate();
        _interpreted = EstimateExpression.Compile(Formula, table, new ExpressionOptions { CompileAfterEvaluations = 0 });
        _lambda = Formula switch
        {
            "500 + 0.1 * file_size_kb" => v => 500 + (0.1 * v[size]),
            "300 * ceil(N / 100) + 5 * N" => v => (300 * Math.Ceiling(v[n] / 100)) + (5 * v[n]),
            _ => v => 3000 + (400 * Math.Log(Math.Max(v[n], 1))) + (v[latency] * 1.2),
        };
        for (var i = 0; i < Contexts; i++)
        {
            if (!_expression.TryEvaluate(_contexts[i], out var value, out _) || value != _lambda(_values[i])
                || !_interpreted.TryEvaluate(_contexts[i], out var interpreted, out _) || interpreted != value)
            {
                throw new InvalidOperationException($"'{Formula}' gives {value}, the lambda {_lambda(_values[i])}.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Contexts)]
    public double HandWrittenLambda()
    {
        var sum = 0.0;
        var lambda = _lambda;
        foreach (var values in _values)
        {
            sum += lambda(values);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Contexts)]
    public double CompiledExpression()
    {
        var sum = 0.0;
        var expression = _expression;
        foreach (var context in _contexts)
        {
            expression.TryEvaluate(context, out var value, out _);
            sum += value;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Contexts)]
    public double InterpretedExpression()
    {
        var sum = 0.0;
        var expression = _interpreted;
        foreach (var context in _contexts)
        {
            expression.TryEvaluate(context, out var value, out _);
            sum += value;
        }

        return sum;
    }
}
