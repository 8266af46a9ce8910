using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpsConductor.ToolCatalog.Benchmarks.Selection;

/// <summary>
/// The clock <see cref="InterleavedRounds"/> times each block of calls with. <see cref="Wall"/> (the default) is
/// <see cref="Stopwatch"/>; <see cref="ThreadCpu"/> is the measuring thread's own CPU time (Linux
/// <c>CLOCK_THREAD_CPUTIME_ID</c>), which leaves out the time the thread waited for a core: on a machine other work
/// loads, wall time counts every moment another process held the core, CPU time does not (caches and the memory bus
/// are still shared, so it narrows the noise, it does not remove it). Chosen with <c>--clock wall|thread</c> on the
/// measurements that use interleaved rounds.
/// </summary>
internal static partial class RoundClock
{
    private const int ThreadCpuClockId = 3; // CLOCK_THREAD_CPUTIME_ID

    /// <summary>Whether blocks are timed by the thread's CPU time instead of wall time.</summary>
    public static bool ThreadCpu { get; private set; }

    /// <summary>The clock's name, for the tables' headings.</summary>
    public static string Name => ThreadCpu ? "thread CPU time" : "wall time";

    /// <summary>Reads <c>--clock wall|thread</c> from <paramref name="args"/> (default wall).</summary>
    public static void Configure(string[] args)
    {
        var at = Array.IndexOf(args, "--clock");
        var value = at >= 0 && at + 1 < args.Length ? args[at + 1] : "wall";
        ThreadCpu = value switch
        {
            "wall" => false,
            "thread" when OperatingSystem.IsLinux() => true,
            "thread" => throw new PlatformNotSupportedException("--clock thread reads CLOCK_THREAD_CPUTIME_ID, which only Linux has here; use --clock wall."),
            _ => throw new ArgumentException($"--clock: '{value}' is not a clock; use wall or thread."),
        };
    }

    /// <summary>Now, in nanoseconds, on the chosen clock (only differences mean anything).</summary>
    public static double NowNanoseconds()
    {
        if (!ThreadCpu)
        {
            return Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency);
        }

        if (ClockGetTime(ThreadCpuClockId, out var now) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: errno " + Marshal.GetLastPInvokeError());
        }

        return (now.Seconds * 1e9) + now.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clockId, out TimeSpec value);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
