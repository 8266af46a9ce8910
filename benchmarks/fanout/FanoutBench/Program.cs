// Fan-out of catalog changes (issue 20): one management server replica (a child process, so its CPU is its own) and
//   * N lightweight followers over HTTP, in P child processes of their own (--follower-processes P, default 2; 0 = in
//     this process): each loads GET /api/v1/catalog once, then reads GET /api/v1/changes (Server-Sent Events) into a
//     pooled buffer and records when each change event arrives (it reads the event's revision and previous revision
//     and checks the chain; it does not build a snapshot). Latency = commit call → arrival, both Stopwatch.GetTimestamp
//     (CLOCK_MONOTONIC on Linux, so comparable across the processes);
//   * R real ToolCatalogRuntime followers over HTTP (ToolCatalogOptions.Server): the event applied to a snapshot;
//   * D ToolCatalogRuntime followers on PostgreSQL directly (LISTEN/NOTIFY, the default), side by side.
// For each of K commits (a disable or enable of one tool, one at a time): commit → every follower has it, p50/p99/max
// over all followers and commits; PostgreSQL connections (pg_stat_activity) in each phase; server CPU per change
// (Process.TotalProcessorTime of the server process over the commits, divided by K).
//
//   dotnet run -c Release --project benchmarks/fanout/FanoutBench -- [--followers 1000] [--follower-processes 2]
//       [--runtimes 50] [--direct 50] [--changes 50] [--warmup 20] [--tools 200]        (or benchmarks/fanout/run.sh)
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Benchmarks.Runtime;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

if (args.FirstOrDefault() == "server")
{
    return await FanoutServer.RunAsync();
}

if (args.FirstOrDefault() == "followers")
{
    return await Fanout.RunFollowersAsync(args);
}

return await Fanout.RunAsync(args);

internal static class FanoutServer
{
    public static async Task<int> RunAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("FANOUT_CONNECTION")!;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddToolCatalog(o => o.Mode = CatalogMode.Database);
        builder.Services.AddToolCatalogServer(static o => o.RateLimit.Enabled = false);
        var app = builder.Build();
        app.UseToolCatalogServer();
        app.MapToolCatalogServer();
        await app.StartAsync();
        var address = app.Urls.First();
        Console.WriteLine("listening " + address);
        await Console.In.ReadLineAsync(); // the parent closes stdin to stop the server
        await app.StopAsync();
        return 0;
    }
}

internal static class Fanout
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string[] args)
    {
        var followers = IntArg(args, "--followers", 1000);
        var runtimes = IntArg(args, "--runtimes", 50);
        var direct = IntArg(args, "--direct", 50);
        var changes = IntArg(args, "--changes", 50);
        var tools = IntArg(args, "--tools", 200);
        var followerProcesses = IntArg(args, "--follower-processes", 2);
        var warmup = IntArg(args, "--warmup", 20);
        ThreadPool.SetMinThreads(64, 64);

        await using var db = await BenchDatabase.CreateAsync();
        await db.Store.ImportAsync(GeneratedTools.CreateMany(tools, prefix: "fan"));
        var key = (await new ApiKeyStore(db.DataSource).CreateAsync("fanout", "viewer", null, "bench")).Key;
        Console.WriteLine($"PostgreSQL: {db.ServerDescription}; {tools} tools; {changes} commits per phase; {Environment.ProcessorCount} cores");
        var baseline = await ConnectionsAsync(db);

        // The server replica, in a process of its own.
        var host = Environment.ProcessPath!;
        string[] serverArgs = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [typeof(Fanout).Assembly.Location, "server"] : ["server"];
        var start = new ProcessStartInfo(host, serverArgs) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["FANOUT_CONNECTION"] = new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 10 }.ConnectionString; // a bounded pool
        using var server = Process.Start(start)!;
        var line = await server.StandardOutput.ReadLineAsync().WaitAsync(Patience);
        var address = new Uri(line!["listening ".Length..].TrimEnd('/') + "/");
        var serverConnections = await ConnectionsAsync(db) - baseline;
        Console.WriteLine($"Server replica at {address}: {serverConnections} PostgreSQL connection(s) open after start");

        var names = Enumerable.Range(0, tools).Select(i => $"fan-{i:00000}").ToArray();
        try
        {
            // Phase 1: lightweight SSE followers, in child processes (or in this one).
            if (followers > 0 && followerProcesses > 0)
            {
                var loadWatch = Stopwatch.StartNew();
                await using var children = await ChildFollowers.StartAsync(followers, followerProcesses, address, key);
                Console.WriteLine($"{followers} HTTP followers in {followerProcesses} processes loaded /catalog and subscribed in {loadWatch.Elapsed.TotalSeconds:0.0} s");
                var during = await ConnectionsAsync(db) - baseline;
                var cpu = await CommitAsync(db, names, changes, warmup, children.WaitAllAsync, server);
                await children.StopAsync();
                Report($"{followers} HTTP followers (SSE, lightweight, {followerProcesses} processes)", children.Latencies, children.Gaps, during, cpu);
            }
            else if (followers > 0)
            using (var http = CreateFollowerClient(key))
            {
                var phase = new Phase(followers);
                using var stop = new CancellationTokenSource();
                var loadWatch = Stopwatch.StartNew();
                var readers = await ConnectAsync(http, address, phase, stop.Token);
                Console.WriteLine($"{followers} HTTP followers loaded /catalog and subscribed in {loadWatch.Elapsed.TotalSeconds:0.0} s");
                var during = await ConnectionsAsync(db) - baseline;
                var cpu = await CommitAsync(db, names, changes, warmup, phase.WaitAllAsync, server);
                Report($"{followers} HTTP followers (SSE, lightweight, in-process)", phase.Latencies, phase.Gaps, during, cpu);
                await stop.CancelAsync();
                await Task.WhenAll(readers.Select(r => r.ContinueWith(static _ => { }, TaskScheduler.Default)));
            }

            // Phase 2: real runtimes over HTTP.
            if (runtimes > 0)
            {
                var phase = new Phase(runtimes);
                var catalogs = new List<ToolCatalogRuntime>();
                var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
                for (var i = 0; i < runtimes; i++)
                {
                    var catalog = new ToolCatalogRuntime(new ToolCatalogOptions { Mode = CatalogMode.Database, Server = address, ServerApiKey = key });
                    Track(catalog, i, phase);
                    catalogs.Add(catalog);
                }

                await Task.WhenAll(catalogs.Select(c => c.StartAsync()));
                var memory = (GC.GetTotalMemory(forceFullCollection: true) - memoryBefore) / runtimes;
                Console.WriteLine($"Memory per ToolCatalogRuntime following the server, {tools} tools: {memory / 1024.0 / 1024.0:0.00} MB ({memory / tools:0} bytes per tool, runtime overhead included)");
                var during = await ConnectionsAsync(db) - baseline;
                var cpu = await CommitAsync(db, names, changes, warmup, phase.WaitAllAsync, server);
                Report($"{runtimes} ToolCatalogRuntime followers over HTTP", phase.Latencies, phase.Gaps, during, cpu);
                await Task.WhenAll(catalogs.Select(c => c.DisposeAsync().AsTask()));
            }

            // Phase 3: runtimes on PostgreSQL directly.
            if (direct > 0)
            {
                var phase = new Phase(direct);
                var catalogs = new List<ToolCatalogRuntime>();
                for (var i = 0; i < direct; i++)
                {
                    var catalog = new ToolCatalogRuntime(new ToolCatalogOptions { Mode = CatalogMode.Database, ConnectionString = db.ConnectionString });
                    Track(catalog, i, phase);
                    catalogs.Add(catalog);
                }

                await Task.WhenAll(catalogs.Select(c => c.StartAsync()));
                var during = await ConnectionsAsync(db) - baseline - serverConnections;
                var cpu = await CommitAsync(db, names, changes, warmup, phase.WaitAllAsync, server: null);
                Report($"{direct} ToolCatalogRuntime followers on PostgreSQL directly", phase.Latencies, phase.Gaps, during, cpu);
                await Task.WhenAll(catalogs.Select(c => c.DisposeAsync().AsTask()));
            }
        }
        finally
        {
            server.StandardInput.Close();
            if (!server.WaitForExit(10_000))
            {
                server.Kill();
            }
        }

        return 0;
    }

    /// <summary>The follower processes' entry: <c>followers ADDRESS COUNT</c> (key in FANOUT_KEY). Prints <c>ready</c> once
    /// every follower is subscribed; then for each <c>wait REVISION STARTED</c> on stdin (STARTED a Stopwatch timestamp of
    /// the parent, 0 for a warm-up commit) prints <c>done</c> and the latencies in ms once all have the revision;
    /// <c>stop</c> prints <c>gaps N</c> and ends.</summary>
    public static async Task<int> RunFollowersAsync(string[] args)
    {
        var address = new Uri(args[1]);
        var count = int.Parse(args[2], CultureInfo.InvariantCulture);
        ThreadPool.SetMinThreads(64, 64);
        using var http = CreateFollowerClient(Environment.GetEnvironmentVariable("FANOUT_KEY")!);
        var phase = new Phase(count);
        using var stop = new CancellationTokenSource();
        var readers = await ConnectAsync(http, address, phase, stop.Token);
        Console.WriteLine("ready");
        while (await Console.In.ReadLineAsync() is { } command)
        {
            var parts = command.Split(' ');
            if (parts[0] == "wait")
            {
                var started = long.Parse(parts[2], CultureInfo.InvariantCulture);
                await phase.WaitAllAsync(long.Parse(parts[1], CultureInfo.InvariantCulture), started == 0 ? null : started).WaitAsync(Patience);
                Console.WriteLine("done " + string.Join(' ', phase.Latencies.Select(static l => l.ToString("R", CultureInfo.InvariantCulture))));
                phase.Latencies.Clear();
            }
            else if (parts[0] == "stop")
            {
                break;
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(static _ => { }, TaskScheduler.Default)));
        Console.WriteLine("gaps " + phase.Gaps.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static HttpClient CreateFollowerClient(string key)
    {
        var handler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, MaxConnectionsPerServer = int.MaxValue };
        var http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    /// <summary>Starts every follower of <paramref name="phase"/> (in batches of 100) and returns once all are subscribed.</summary>
    private static async Task<Task[]> ConnectAsync(HttpClient http, Uri address, Phase phase, CancellationToken stop)
    {
        var followers = phase.Followers;
        var readers = new Task[followers];
        using var connected = new CountdownEvent(followers);
        for (var i = 0; i < followers; i++)
        {
            var id = i;
            readers[i] = Task.Run(() => FollowAsync(http, address, id, phase, connected, stop), CancellationToken.None);
            if (i % 100 == 99)
            {
                var waiting = followers - i - 1;
                await Task.Run(() => SpinWait.SpinUntil(() => connected.CurrentCount <= waiting, Patience));
            }
        }

        if (!await Task.Run(() => connected.Wait(Patience)))
        {
            throw new TimeoutException($"Only {followers - connected.CurrentCount} of {followers} followers connected.");
        }

        return readers;
    }

    /// <summary>One lightweight follower: the catalog once, then the change stream read into a pooled buffer and cut into
    /// events there (no line strings); records each event's arrival.</summary>
    private static async Task FollowAsync(HttpClient http, Uri server, int id, Phase phase, CountdownEvent connected, CancellationToken stop)
    {
        using (var catalog = await http.GetAsync(new Uri(server, "api/v1/catalog"), stop))
        {
            catalog.EnsureSuccessStatusCode();
            using var document = JsonDocument.Parse(await catalog.Content.ReadAsStreamAsync(stop));
            phase.Held[id] = document.RootElement.GetProperty("revision").GetInt64();
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "api/v1/changes?since=" + phase.Held[id].ToString(CultureInfo.InvariantCulture)));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(stop);
        connected.Signal();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), stop);
                if (read == 0)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                filled += read;
                var consumed = Events(buffer.AsSpan(0, filled), id, phase, now);
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Handles each complete event (ending in an empty line) in <paramref name="data"/>; returns the bytes used.</summary>
    private static int Events(ReadOnlySpan<byte> data, int id, Phase phase, long now)
    {
        var consumed = 0;
        while (data[consumed..].IndexOf("\n\n"u8) is var end and >= 0)
        {
            var block = data.Slice(consumed, end + 1);
            consumed += end + 2;
            while (block.Length > 0)
            {
                var eol = block.IndexOf((byte)'\n');
                var line = block[..eol];
                block = block[(eol + 1)..];
                if (!line.StartsWith("data: "u8))
                {
                    continue;
                }

                var (revision, previous) = Envelope(line[6..]);
                if (revision < 0)
                {
                    continue; // not a change (a reload would show as a timeout)
                }

                if (previous > phase.Held[id])
                {
                    Interlocked.Increment(ref phase.Gaps);
                }

                phase.Held[id] = revision;
                phase.Arrived(id, revision, now);
            }
        }

        return consumed;
    }

    private static (long Revision, long Previous) Envelope(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        long revision = -1, previous = -1;
        while ((revision < 0 || previous < 0) && reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                if (reader.ValueTextEquals("revision"u8))
                {
                    reader.Read();
                    revision = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("previous_revision"u8))
                {
                    reader.Read();
                    previous = reader.GetInt64();
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return (revision, previous);
    }

    private static void Track(ToolCatalogRuntime catalog, int id, Phase phase) =>
        catalog.Changed += (_, e) => phase.Arrived(id, e.Current.Revision, Stopwatch.GetTimestamp());

    /// <summary>Commits one change at a time and waits until every follower has it (<paramref name="waitAll"/>: revision,
    /// the commit's start timestamp or null for a warm-up); returns the server's CPU per measured change.</summary>
    private static async Task<TimeSpan?> CommitAsync(BenchDatabase db, string[] names, int changes, int warmup, Func<long, long?, Task> waitAll, Process? server)
    {
        // Warm-up: commits not measured (the server's JIT tiers up the per-change path; a long-running server is past that).
        for (var i = 0; i < warmup; i++)
        {
            await CommitOneAsync(db, names, waitAll, i, measured: false);
        }

        server?.Refresh();
        var cpuBefore = server?.TotalProcessorTime;
        for (var i = 0; i < changes; i++)
        {
            await CommitOneAsync(db, names, waitAll, warmup + i, measured: true);
        }

        server?.Refresh();
        return server is null ? null : (server.TotalProcessorTime - cpuBefore!.Value) / changes;
    }

    private static async Task CommitOneAsync(BenchDatabase db, string[] names, Func<long, long?, Task> waitAll, int i, bool measured)
    {
        var name = names[i % names.Length];
        var tool = await db.Store.GetAsync(name);
        var started = Stopwatch.GetTimestamp();
        var result = tool!.Definition.Enabled ? await db.Store.DisableAsync(name) : await db.Store.EnableAsync(name);
        await waitAll(result.Revision, measured ? started : null).WaitAsync(Patience);
    }

    private static void Report(string title, List<double> latencies, int gaps, int connections, TimeSpan? cpu)
    {
        var all = latencies.OrderBy(static x => x).ToArray();
        double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
        Console.WriteLine($"| {title} | {P(0.5):0.0} | {P(0.99):0.0} | {all[^1]:0.0} | {connections} | {(cpu is { } c ? c.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms" : "–")} | gaps {gaps} |");
    }

    private static async Task<int> ConnectionsAsync(BenchDatabase db)
    {
        await using var command = db.DataSource.CreateCommand("SELECT count(*)::int - 1 FROM pg_stat_activity WHERE datname = current_database()");
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The followers of one phase: each one's latest revision, and the latencies of the commit being measured.</summary>
    private sealed class Phase(int followers)
    {
        private readonly Lock _lock = new();
        private readonly long[] _reached = new long[followers];
        private readonly long[] _arrivedAt = new long[followers];
        private long _target = long.MaxValue;
        private long _started;
        private int _remaining;
        private TaskCompletionSource? _all;

        public long[] Held { get; } = new long[followers];

        public int Followers => followers;

        public List<double> Latencies { get; } = [];

        public int Gaps;

        public void Arrived(int id, long revision, long timestamp)
        {
            lock (_lock)
            {
                if (_reached[id] >= revision)
                {
                    return;
                }

                var before = _reached[id];
                _reached[id] = revision;
                _arrivedAt[id] = timestamp;
                if (before < _target && revision >= _target)
                {
                    if (_started != 0)
                    {
                        Latencies.Add(Stopwatch.GetElapsedTime(_started, timestamp).TotalMilliseconds);
                    }

                    if (--_remaining == 0)
                    {
                        _all!.TrySetResult();
                    }
                }
            }
        }

        public Task WaitAllAsync(long revision, long? started)
        {
            lock (_lock)
            {
                _target = revision;
                _started = started ?? 0;
                _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _remaining = 0;
                for (var i = 0; i < _reached.Length; i++)
                {
                    if (_reached[i] < revision)
                    {
                        _remaining++;
                    }
                    else if (_started != 0)
                    {
                        Latencies.Add(Stopwatch.GetElapsedTime(_started, _arrivedAt[i]).TotalMilliseconds); // arrived before the commit call returned
                    }
                }

                if (_remaining == 0)
                {
                    _all.TrySetResult();
                }

                return _all.Task;
            }
        }
    }
}

/// <summary>The lightweight followers in child processes (this program with <c>followers</c>), driven over stdin/stdout.</summary>
internal sealed class ChildFollowers : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(600);
    private readonly List<Process> _children = [];

    public List<double> Latencies { get; } = [];

    public int Gaps { get; private set; }

    public static async Task<ChildFollowers> StartAsync(int followers, int processes, Uri address, string key)
    {
        var group = new ChildFollowers();
        var host = Environment.ProcessPath!;
        for (var p = 0; p < processes; p++)
        {
            var count = (followers / processes) + (p < followers % processes ? 1 : 0);
            string[] args = ["followers", address.ToString(), count.ToString(CultureInfo.InvariantCulture)];
            var start = new ProcessStartInfo(host, Path.GetFileNameWithoutExtension(host) == "dotnet" ? [typeof(Fanout).Assembly.Location, .. args] : args)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.Environment["FANOUT_KEY"] = key;
            group._children.Add(Process.Start(start)!);
        }

        try
        {
            foreach (var child in group._children)
            {
                var line = await child.StandardOutput.ReadLineAsync().WaitAsync(Patience);
                if (line != "ready")
                {
                    throw new InvalidOperationException($"A follower process did not start: '{line}'.");
                }
            }
        }
        catch
        {
            foreach (var child in group._children.Where(static c => !c.HasExited))
            {
                child.Kill(); // never leave follower processes behind
            }

            await group.DisposeAsync();
            throw;
        }

        return group;
    }

    /// <summary>Every child has <paramref name="revision"/>; the latencies from <paramref name="started"/> are collected.</summary>
    public async Task WaitAllAsync(long revision, long? started)
    {
        var command = string.Create(CultureInfo.InvariantCulture, $"wait {revision} {started ?? 0}");
        foreach (var child in _children)
        {
            await child.StandardInput.WriteLineAsync(command);
            await child.StandardInput.FlushAsync();
        }

        foreach (var child in _children)
        {
            var line = await child.StandardOutput.ReadLineAsync().WaitAsync(Patience) ?? throw new InvalidOperationException("A follower process ended.");
            if (started is not null)
            {
                Latencies.AddRange(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(static l => double.Parse(l, CultureInfo.InvariantCulture)));
            }
        }
    }

    public async Task StopAsync()
    {
        foreach (var child in _children.Where(static c => !c.HasExited))
        {
            await child.StandardInput.WriteLineAsync("stop");
            await child.StandardInput.FlushAsync();
            var line = await child.StandardOutput.ReadLineAsync().WaitAsync(Patience);
            Gaps += line is not null && line.StartsWith("gaps ", StringComparison.Ordinal) ? int.Parse(line[5..], CultureInfo.InvariantCulture) : 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var child in _children)
        {
            if (!child.HasExited)
            {
                child.StandardInput.Close();
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await child.WaitForExitAsync(exit.Token);
                }
                catch (OperationCanceledException)
                {
                    child.Kill();
                }
            }

            child.Dispose();
        }
    }
}
