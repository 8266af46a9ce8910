using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Benchmarks.Expressions;

/// <summary>
/// Compiling every expression of the compat corpus (591 values) into a fresh table, in the steady state (warm JIT).
/// Returns how many values did not compile (the corpus's three template placeholders).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CorpusCompileBenchmarks
{
    private List<(string Field, string Text)> _corpus = null!;

    [GlobalSetup]
    public void Setup() => _corpus = CorpusExpressions.Read();

    [Benchmark]
    public int CompileWholeCorpus() => CompileAll(_corpus);

    internal static int CompileAll(List<(string Field, string Text)> corpus)
    {
        var table = VariableTable.CreateDefault();
        var failed = 0;
        foreach (var (field, text) in corpus)
        {
            var ok = field == "requires_background_if"
                ? ConditionExpression.TryCompile(text, table, out _, out _)
                : EstimateExpression.TryCompile(text, table, out _, out _);
            failed += ok ? 0 : 1;
        }

        return failed;
    }
}

/// <summary>
/// The same, from a cold start: each measurement is the first call in a new process, so it includes loading and
/// JIT-compiling the engine (the YAML is read in the setup, outside the measurement).
/// </summary>
[SimpleJob(RunStrategy.ColdStart, launchCount: 5, warmupCount: 0, iterationCount: 1, id: "ColdStart")]
public class CorpusColdCompileBenchmarks
{
    private List<(string Field, string Text)> _corpus = null!;

    [GlobalSetup]
    public void Setup() => _corpus = CorpusExpressions.Read();

    [Benchmark]
    public int CompileWholeCorpusInANewProcess() => CorpusCompileBenchmarks.CompileAll(_corpus);
}
