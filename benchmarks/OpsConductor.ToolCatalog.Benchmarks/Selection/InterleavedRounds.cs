namespace OpsConductor.ToolCatalog.Benchmarks.Selection;

/// <summary>
/// Times several scenarios interleaved, so that a shared machine's load drifts over all of them alike: each round runs
/// every scenario for the same number of calls, in an order rotated by one per round, after <c>warmups</c> rounds that
/// are not kept, each block timed on <see cref="RoundClock"/> (wall time unless <c>--clock thread</c>). Gives each scenario's nanoseconds per call for every kept round, and its bytes allocated per call (on
/// this thread) in the last round.
/// </summary>
internal static class InterleavedRounds
{
    public static (List<double>[] Times, double[] Bytes) Measure(int warmups, int rounds, int calls, IReadOnlyList<Func<object>> scenarios)
    {
        var times = scenarios.Select(_ => new List<double>()).ToArray();
        var bytes = new double[scenarios.Count];
        for (var round = -warmups; round < rounds; round++)
        {
            for (var k = 0; k < scenarios.Count; k++)
            {
                var s = (k + Math.Max(round, 0)) % scenarios.Count;
                var call = scenarios[s];
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var started = RoundClock.NowNanoseconds();
                for (var i = 0; i < calls; i++)
                {
                    call();
                }

                var elapsed = RoundClock.NowNanoseconds() - started;
                if (round >= 0)
                {
                    times[s].Add(elapsed / calls);
                    bytes[s] = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)calls;
                }
            }
        }

        return (times, bytes);
    }
}
