using BenchmarkDotNet.Attributes;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Benchmarks.Expressions;

/// <summary>
/// What selection does: for one request's context, evaluate every candidate pattern's formula in turn, writing one
/// estimate per pattern. Eight formulas of the corpus's shapes (the three of the issue plus five common ones), for 16
/// contexts. The baseline is the same eight formulas hand-written as C# lambdas, called in turn from one call site.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15, id: "Eval15")]
public class ExpressionMixBenchmarks
{
    private const int Contexts = 16;

    private static readonly string[] Formulas =
    [
        "500 + 0.1 * file_size_kb",
        "300 * ceil(N / 100) + 5 * N",
        "3000 + 400 * log(max(N, 1)) + p95_latency * 1.2",
        "1000 + 5 * N",
        "ceil(N / 100)",
        "2000",
        "200 + 2 * N + 500 * pages",
        "ceil(packet_count / 1000)",
    ];

    private readonly ExpressionContext[] _contexts = new ExpressionContext[Contexts];
    private readonly double[][] _values = new double[Contexts][];
    private readonly double[] _results = new double[Formulas.Length * Contexts];
    private EstimateExpression[] _expressions = null!;
    private Func<double[], double>[] _lambdas = null!;

    [GlobalSetup]
    public void Setup()
    {
        var table = VariableTable.CreateDefault();
        var n = table.GetOrAddSlot("N");
        var pages = table.GetOrAddSlot("pages");
        var size = table.GetOrAddSlot("file_size_kb");
        var latency = table.GetOrAddSlot("p95_latency");
        var packets = table.GetOrAddSlot("packet_count");
        for (var i = 0; i < Contexts; i++)
        {
            _contexts[i] = new ExpressionContext(table);
            _contexts[i].Set(n, (i * 37) + 1);
            _contexts[i].Set(pages, 1 + (i % 5));
            _contexts[i].Set(size, (i * 512) + 3);
            _contexts[i].Set(latency, 100 + (i * 7.5));
            _contexts[i].Set(packets, i * 900);
            _values[i] = _contexts[i].Values;
        }

        _expressions = [.. Formulas.Select(f => EstimateExpression.Compile(f, table))];
        foreach (var expression in _expressions)
        {
            expression.Compiled.CompileToDelegate();
        }

        _lambdas =
        [
            v => 500 + (0.1 * v[size]),
            v => (300 * Math.Ceiling(v[n] / 100)) + (5 * v[n]),
            v => 3000 + (400 * Math.Log(Math.Max(v[n], 1))) + (v[latency] * 1.2),
            v => 1000 + (5 * v[n]),
            v => Math.Ceiling(v[n] / 100),
            v => 2000,
            v => 200 + (2 * v[n]) + (500 * v[pages]),
            v => Math.Ceiling(v[packets] / 1000),
        ];
        for (var c = 0; c < Contexts; c++)
        {
            for (var f = 0; f < Formulas.Length; f++)
            {
                if (!_expressions[f].TryEvaluate(_contexts[c], out var value, out _) || value != _lambdas[f](_values[c]))
                {
                    throw new InvalidOperationException($"'{Formulas[f]}' gives {value}, the lambda {_lambdas[f](_values[c])}.");
                }
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Contexts * 8)]
    public double[] HandWrittenLambdas()
    {
        var results = _results;
        var lambdas = _lambdas;
        var k = 0;
        foreach (var values in _values)
        {
            foreach (var lambda in lambdas)
            {
                results[k++] = lambda(values);
            }
        }

        return results;
    }

    [Benchmark(OperationsPerInvoke = Contexts * 8)]
    public double[] Engine()
    {
        var results = _results;
        var expressions = _expressions;
        var k = 0;
        foreach (var context in _contexts)
        {
            foreach (var expression in expressions)
            {
                expression.TryEvaluate(context, out var value, out _);
                results[k++] = value;
            }
        }

        return results;
    }
}
