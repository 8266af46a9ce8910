using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Npgsql;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Benchmarks.Runtime;

/// <summary>
/// End-to-end hot-reload measurements (not BenchmarkDotNet: they time a system of processes, not a method).
/// <list type="bullet">
/// <item><c>propagation</c>: this process writes N changes one after another (disable/enable of 100 tools in turn);
/// a <b>second process</b> (this executable started again as <c>propagation-child</c>) holds a
/// <see cref="ToolCatalogRuntime"/> and reports, per revision, the moment its snapshot serves it. Side by side in the
/// child, a bare LISTEN connection reports when the notice itself arrived: the floor any LISTEN-based design pays.
/// Times are <see cref="Stopwatch.GetTimestamp"/> values, which on Linux read CLOCK_MONOTONIC: one clock for every
/// process of the machine.</item>
/// <item><c>staleness</c>: in one process, the catalog's listening backend is killed (<c>pg_terminate_backend</c>),
/// a change is written while it is down, and the time from the reconnect (new connection up, LISTEN issued) to the
/// change being served is recorded; repeated.</item>
/// </list>
/// <code>
/// dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- propagation [--changes 1000]
/// dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- staleness [--rounds 20]
/// </code>
/// </summary>
internal static class PropagationMeasurement
{
    private const string ChildConnectionVariable = "TOOLCATALOG_BENCH_CHILD_CONNECTION";
    private const int ToolCount = 100;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        var changes = IntArg(args, "--changes", 1000);
        var warmUp = IntArg(args, "--warm-up", 50);
        await using var db = await BenchDatabase.CreateAsync();
        Console.WriteLine($"Server: {db.ServerDescription}");
        var names = await SeedAsync(db.Store);

        var start = new ProcessStartInfo(Environment.ProcessPath!, ["propagation-child"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment[ChildConnectionVariable] = db.ConnectionString;
        using var child = Process.Start(start)!;
        var notices = new ConcurrentDictionary<long, long>();
        var served = new ConcurrentDictionary<long, TaskCompletionSource<long>>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            while (await child.StandardOutput.ReadLineAsync() is { } line)
            {
                var parts = line.Split(' ');
                switch (parts[0])
                {
                    case "ready":
                        ready.TrySetResult();
                        break;
                    case "N":
                        notices[long.Parse(parts[1], CultureInfo.InvariantCulture)] = long.Parse(parts[2], CultureInfo.InvariantCulture);
                        break;
                    case "C":
                        served.GetOrAdd(long.Parse(parts[1], CultureInfo.InvariantCulture), _ => new(TaskCreationOptions.RunContinuationsAsynchronously))
                            .TrySetResult(long.Parse(parts[2], CultureInfo.InvariantCulture));
                        break;
                }
            }
        });
        await ready.Task.WaitAsync(Patience);
        Console.WriteLine($"Child process {child.Id} holds the catalog; writing {warmUp} warm-up changes, then {changes} measured ones, one at a time.");

        var enabled = names.ToDictionary(n => n, _ => true);
        var fromCommit = new List<double>(changes);
        var noticeFromCommit = new List<double>(changes);
        var servedFromNotice = new List<double>(changes);
        var fromWriteStart = new List<double>(changes);
        var writeTimes = new List<double>(changes);
        for (var i = 0; i < warmUp + changes; i++)
        {
            var name = names[i % names.Count];
            var before = Stopwatch.GetTimestamp();
            var result = enabled[name] ? await db.Store.DisableAsync(name) : await db.Store.EnableAsync(name);
            var committed = Stopwatch.GetTimestamp();
            enabled[name] = !enabled[name];
            if (!result.Changed)
            {
                throw new InvalidOperationException($"Change {i}: the write to {name} changed nothing.");
            }

            var visible = await served.GetOrAdd(result.Revision, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(Patience);
            if (i < warmUp)
            {
                continue;
            }

            fromCommit.Add(Milliseconds(visible - committed));
            fromWriteStart.Add(Milliseconds(visible - before));
            writeTimes.Add(Milliseconds(committed - before));
            if (notices.TryGetValue(result.Revision, out var noticed))
            {
                noticeFromCommit.Add(Milliseconds(noticed - committed));
                servedFromNotice.Add(Milliseconds(visible - noticed));
            }
        }

        child.StandardInput.Close();
        await child.WaitForExitAsync().WaitAsync(Patience);
        await reading;

        Console.WriteLine();
        Console.WriteLine($"{changes} changes, writer in this process, catalog in process {child.Id} (loopback):");
        Console.WriteLine("| measured (ms) | p50 | p90 | p99 | max | min |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        Row("commit returned → served by the other process's catalog", fromCommit);
        Row("commit returned → bare LISTEN connection got the notice (floor)", noticeFromCommit);
        Row("bare LISTEN got the notice → served (the catalog's own work: wake, read changes, apply, swap)", servedFromNotice);
        Row("write started → served by the other process's catalog", fromWriteStart);
        Row("the write itself (start → commit returned)", writeTimes);
        Console.WriteLine($"p99 commit → served: {Percentile(fromCommit, 99):0.00} ms (target < 20 ms): {(Percentile(fromCommit, 99) < 20 ? "met" : "NOT met")}");
        return 0;
    }

    /// <summary>The second process: holds a catalog and, side by side, a bare LISTEN connection; prints what each saw, when.</summary>
    public static async Task<int> ChildAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(ChildConnectionVariable)
            ?? throw new InvalidOperationException($"{ChildConnectionVariable} is not set: this command is started by 'propagation'.");
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var writer = Task.Run(async () =>
        {
            await foreach (var line in lines.Reader.ReadAllAsync())
            {
                await Console.Out.WriteLineAsync(line);
                await Console.Out.FlushAsync();
            }
        });

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var bare = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await bare.OpenAsync();
        bare.Notification += (_, e) =>
        {
            var now = Stopwatch.GetTimestamp();
            if (CatalogNotification.TryParse(e.Payload, out var notice))
            {
                lines.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture, $"N {notice!.Revision} {now}"));
            }
        };
        await using (var listen = new NpgsqlCommand("LISTEN " + CatalogNotification.Channel, bare))
        {
            await listen.ExecuteNonQueryAsync();
        }

        using var stop = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await bare.WaitAsync(stop.Token);
            }
        });

        await using var catalog = new ToolCatalogRuntime(new ToolCatalogOptions { Mode = CatalogMode.Database }, dataSource);
        catalog.Changed += (_, e) =>
        {
            var now = Stopwatch.GetTimestamp();
            lines.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture, $"C {e.Current.Revision} {now}"));
        };
        await catalog.StartAsync();
        lines.Writer.TryWrite("ready " + catalog.Revision.ToString(CultureInfo.InvariantCulture));

        await Console.In.ReadToEndAsync(); // until the parent closes our input
        await stop.CancelAsync();
        try
        {
            await pump;
        }
        catch (OperationCanceledException)
        {
        }

        lines.Writer.Complete();
        await writer;
        return 0;
    }

    public static async Task<int> StalenessAsync(string[] args)
    {
        var rounds = IntArg(args, "--rounds", 20);
        await using var db = await BenchDatabase.CreateAsync();
        Console.WriteLine($"Server: {db.ServerDescription}");
        var names = await SeedAsync(db.Store);
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var options = new ToolCatalogOptions { Mode = CatalogMode.Database };
        await using var catalog = new ToolCatalogRuntime(options, dataSource);
        long reconnectedAt = 0;
        catalog.BeforeSync = (origin, _) =>
        {
            if (origin == CatalogChangeOrigin.Reconnect)
            {
                Volatile.Write(ref reconnectedAt, Stopwatch.GetTimestamp());
            }

            return Task.CompletedTask;
        };
        var served = new ConcurrentDictionary<long, TaskCompletionSource<(long At, CatalogChangeOrigin Origin)>>();
        catalog.Changed += (_, e) =>
        {
            var now = Stopwatch.GetTimestamp();
            served.GetOrAdd(e.Current.Revision, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult((now, e.Origin));
        };
        var states = Channel.CreateUnbounded<ListenerStateChangedEventArgs>();
        catalog.ListenerStateChanged += (_, e) => states.Writer.TryWrite(e);
        await catalog.StartAsync();
        await NextStateAsync(states, ListenerState.Connected);
        Console.WriteLine($"{rounds} rounds: kill the listening backend, write a change while it is down, time until the change is served (reconnect delay {options.ReconnectDelay.TotalMilliseconds} ms ± 20 % jitter).");

        var fromReconnect = new List<double>(rounds);
        var fromWrite = new List<double>(rounds);
        var fromKill = new List<double>(rounds);
        var viaResync = 0;
        for (var round = 0; round < rounds; round++)
        {
            var killedAt = Stopwatch.GetTimestamp();
            await using (var admin = await db.DataSource.OpenConnectionAsync())
            {
                await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", admin) { Parameters = { new("pid", catalog.ListenerProcessId!.Value) } };
                await terminate.ExecuteScalarAsync();
            }

            await NextStateAsync(states, ListenerState.Disconnected);
            var name = names[(round / 2) % names.Count];
            var result = round % 2 == 0 ? await db.Store.DisableAsync(name) : await db.Store.EnableAsync(name);
            if (!result.Changed)
            {
                throw new InvalidOperationException($"Round {round}: the write to {name} changed nothing.");
            }

            var writtenAt = Stopwatch.GetTimestamp();
            var (visibleAt, origin) = await served.GetOrAdd(result.Revision, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(Patience);
            await NextStateAsync(states, ListenerState.Connected);
            viaResync += origin == CatalogChangeOrigin.Reconnect ? 1 : 0;
            fromReconnect.Add(Milliseconds(visibleAt - Volatile.Read(ref reconnectedAt)));
            fromWrite.Add(Milliseconds(visibleAt - writtenAt));
            fromKill.Add(Milliseconds(visibleAt - killedAt));
        }

        Console.WriteLine();
        Console.WriteLine($"{rounds} rounds, {viaResync} of the changes arrived by the resync after reconnect:");
        Console.WriteLine("| measured (ms) | p50 | p90 | p99 | max | min |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        Row("reconnected (new connection, LISTEN issued) → change served", fromReconnect);
        Row("change committed while down → served", fromWrite);
        Row("backend killed → change served", fromKill);
        Console.WriteLine($"max reconnect → served: {fromReconnect.Max():0.00} ms (target < 5000 ms): {(fromReconnect.Max() < 5000 ? "met" : "NOT met")}");
        return 0;
    }

    private static async Task<List<string>> SeedAsync(ToolCatalogStore store)
    {
        var tools = GeneratedTools.CreateMany(ToolCount, capabilities: 3, patterns: 3, prefix: "prop");
        await store.ImportAsync(tools);
        return [.. tools.Select(t => t.Name)];
    }

    private static async Task NextStateAsync(Channel<ListenerStateChangedEventArgs> states, ListenerState wanted)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while ((await states.Reader.ReadAsync(timeout.Token)).State != wanted)
        {
        }
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    private static void Row(string what, List<double> values) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {Percentile(values, 50):0.00} | {Percentile(values, 90):0.00} | {Percentile(values, 99):0.00} | {values.Max():0.00} | {values.Min():0.00} |"));

    private static int IntArg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
