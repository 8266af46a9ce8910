using System.Linq.Expressions;
using BenchmarkDotNet.Attributes;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Benchmarks.Expressions;

/// <summary>
/// Parse + check + compile of one expression, against building the equivalent <c>System.Linq.Expressions</c> tree by
/// hand and calling <c>Compile()</c> (the baseline), side by side. Also the engine's own background tier (compiling a
/// hot expression's node tree to a delegate), which is paid once per hot expression, not per compile.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ExpressionCompileBenchmarks
{
    private static readonly System.Reflection.MethodInfo Ceiling = typeof(Math).GetMethod(nameof(Math.Ceiling), [typeof(double)])!;
    private static readonly System.Reflection.MethodInfo Log = typeof(Math).GetMethod(nameof(Math.Log), [typeof(double)])!;
    private static readonly System.Reflection.MethodInfo Max = typeof(Math).GetMethod(nameof(Math.Max), [typeof(double), typeof(double)])!;

    private VariableTable _table = null!;
    private int _n;
    private int _size;
    private int _latency;

    [Params("500 + 0.1 * file_size_kb", "300 * ceil(N / 100) + 5 * N", "3000 + 400 * log(max(N, 1)) + p95_latency * 1.2")]
    public string Formula { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _table = VariableTable.CreateDefault();
        _n = _table.GetOrAddSlot("N");
        _size = _table.GetOrAddSlot("file_size_kb");
        _latency = _table.GetOrAddSlot("p95_latency");
    }

    [Benchmark(Baseline = true)]
    public Func<double[], double> LinqExpressionTreeCompile()
    {
        var values = Expression.Parameter(typeof(double[]), "values");
        Expression Var(int slot) => Expression.ArrayIndex(values, Expression.Constant(slot));
        Expression C(double value) => Expression.Constant(value);
        var body = Formula switch
        {
            "500 + 0.1 * file_size_kb" => Expression.Add(C(500), Expression.Multiply(C(0.1), Var(_size))),
            "300 * ceil(N / 100) + 5 * N" => Expression.Add(
                Expression.Multiply(C(300), Expression.Call(Ceiling, Expression.Divide(Var(_n), C(100)))),
                Expression.Multiply(C(5), Var(_n))),
            _ => Expression.Add(
                Expression.Add(C(3000), Expression.Multiply(C(400), Expression.Call(Log, Expression.Call(Max, Var(_n), C(1))))),
                Expression.Multiply(Var(_latency), C(1.2))),
        };
        return Expression.Lambda<Func<double[], double>>(body, values).Compile();
    }

    [Benchmark]
    public EstimateExpression ParseCheckAndCompile() => EstimateExpression.Compile(Formula, _table);

    [Benchmark]
    public bool ParseCheckCompileAndDelegateTier() => EstimateExpression.Compile(Formula, _table).Compiled.CompileToDelegate();
}
