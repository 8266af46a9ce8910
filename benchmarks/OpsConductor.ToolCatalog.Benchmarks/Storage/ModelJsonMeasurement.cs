using System.Diagnostics;
using System.Globalization;

namespace OpsConductor.ToolCatalog.Benchmarks.Storage;

/// <summary>
/// <see cref="ModelJsonBenchmarks"/>' four operations timed in one process, interleaved: every round runs each operation
/// <c>--repeat</c> times, the order rotating between rounds, and the figure is the median over rounds of each
/// source-generated ÷ hand-written ratio within a round. On a shared, loaded machine the per-round ratio is steadier than
/// separate BenchmarkDotNet runs (decision 1301).
/// <code>
/// dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- model-json [--rounds 15] [--repeat 5]
/// </code>
/// </summary>
internal static class ModelJsonMeasurement
{
    public static int Run(string[] args)
    {
        var rounds = IntArg(args, "--rounds", 15);
        var repeat = IntArg(args, "--repeat", 5);
        using var bench = new ModelJsonBenchmarks();
        bench.Setup();
        var operations = new (string Name, Func<long> Run)[]
        {
            ("write, hand-written", bench.WriteHandWritten),
            ("write, source-generated", bench.WriteSourceGenerated),
            ("read, hand-written", () => bench.ReadHandWritten()),
            ("read, source-generated", () => bench.ReadSourceGenerated()),
        };
        foreach (var (_, run) in operations)
        {
            for (var i = 0; i < 3; i++)
            {
                run();
            }
        }

        var times = operations.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < operations.Length; k++)
            {
                var index = (k + round) % operations.Length;
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < repeat; i++)
                {
                    operations[index].Run();
                }

                times[index].Add(watch.Elapsed.TotalMilliseconds / repeat);
            }
        }

        Console.WriteLine($"{rounds} rounds × {repeat} runs, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
        Console.WriteLine("| operation | median ms | min ms | max ms |");
        Console.WriteLine("| --- | --- | --- | --- |");
        for (var k = 0; k < operations.Length; k++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {operations[k].Name} | {Median(times[k]):F2} | {times[k].Min():F2} | {times[k].Max():F2} |"));
        }

        foreach (var (what, hand, generated) in new[] { ("write", 0, 1), ("read", 2, 3) })
        {
            var ratios = times[generated].Zip(times[hand], (g, h) => g / h).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: source-generated ÷ hand-written per round: median {Median(ratios):F2} (min {ratios.Min():F2}, max {ratios.Max():F2})"));
        }

        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
