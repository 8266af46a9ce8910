using System.Diagnostics;
using System.Globalization;
using static OpsConductor.ToolCatalog.Benchmarks.MeasurementText;

namespace OpsConductor.ToolCatalog.Benchmarks.Selection;

/// <summary>
/// What a running experiment adds to a selection, measured interleaved so that a shared machine's load drifts equally
/// over every scenario (BenchmarkDotNet runs them one after the other): each round times every scenario of
/// <see cref="ExperimentSelectionBenchmarks"/> for the same number of calls, in a rotating order; the report gives each
/// scenario's median ns per selection, the median of its per-round difference to the baseline, and bytes allocated.
/// <c>-- experiment-selection [--calls 20000] [--rounds 31]</c>
/// </summary>
internal static class ExperimentSelectionMeasurement
{
    public static int Run(string[] args)
    {
        var calls = Option(args, "--calls", 20_000);
        var rounds = Option(args, "--rounds", 31);
        foreach (var experiments in new[] { 1, 5 })
        {
            var bench = new ExperimentSelectionBenchmarks { Experiments = experiments };
            bench.Setup();
            (string Name, Func<object> Call)[] scenarios =
            [
                ("NoExperiment", bench.NoExperiment),
                ("NoExperimentWithKey", bench.NoExperimentWithKey),
                ("ExperimentNotEnrolled", bench.ExperimentNotEnrolled),
                ("ExperimentEnrolled", bench.ExperimentEnrolled),
            ];
            var (times, bytes) = InterleavedRounds.Measure(3, rounds, calls, [.. scenarios.Select(static s => s.Call)]);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{experiments} of the 5 matching tools under an experiment, {rounds} rounds × {calls} calls:"));
            Console.WriteLine("| scenario | median ns | median difference to NoExperiment, ns | bytes per selection |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            for (var s = 0; s < scenarios.Length; s++)
            {
                var differences = times[s].Zip(times[0], (x, baseline) => x - baseline).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {scenarios[s].Name} | {Median(times[s]):0} | {Median(differences):+0;-0;0} | {bytes[s]:0} |"));
            }

            Console.WriteLine();
        }

        // The arm decision alone (what an enrolled request pays per tool under test): targeting + hash + threshold.
        var one = new ExperimentSelectionBenchmarks { Experiments = 1 };
        one.Setup();
        var experiment = one.Snapshot.Experiments[0];
        var assign = new List<double>();
        var assignCalls = calls * 50;
        for (var round = -3; round < rounds; round++)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < assignCalls; i++)
            {
                experiment.Assign("user-4242", "production", null);
            }

            if (round >= 0)
            {
                assign.Add(Stopwatch.GetElapsedTime(started).TotalNanoseconds / assignCalls);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RunningExperiment.Assign (key of 9 bytes, no target lists): median {Median(assign):0.0} ns over {rounds} rounds × {assignCalls} calls."));
        return 0;
    }
}
