// Fan-out of catalog changes (issue 20): one management server replica (a child process, so its CPU is its own) and
//   * N lightweight followers over HTTP in this process: each loads GET /api/v1/catalog once, then reads
//     GET /api/v1/changes (Server-Sent Events) and records when each change event arrives (it reads the event's
//     revision and previous revision, and checks the chain; it does not build a snapshot);
//   * R real ToolCatalogRuntime followers over HTTP (ToolCatalogOptions.Server): the event applied to a snapshot;
//   * D ToolCatalogRuntime followers on PostgreSQL directly (LISTEN/NOTIFY, the default), side by side.
// For each of K commits (a disable or enable of one tool, one at a time): commit → every follower has it, p50/p99/max
// over all followers and commits; PostgreSQL connections (pg_stat_activity) in each phase; server CPU per change
// (Process.TotalProcessorTime of the server process over the commits, divided by K).
//
//   dotnet run -c Release --project benchmarks/fanout/FanoutBench -- [--followers 1000] [--runtimes 50] [--direct 50] [--changes 50]
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
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        var followers = IntArg(args, "--followers", 1000);
        var runtimes = IntArg(args, "--runtimes", 50);
        var direct = IntArg(args, "--direct", 50);
        var changes = IntArg(args, "--changes", 50);
        var tools = IntArg(args, "--tools", 200);
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
            // Phase 1: lightweight SSE followers.
            if (followers > 0)
            using (var handler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, MaxConnectionsPerServer = int.MaxValue })
            using (var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan })
            {
                http.DefaultRequestHeaders.Add("X-Api-Key", key);
                var phase = new Phase(followers, changes);
                using var stop = new CancellationTokenSource();
                var loadWatch = Stopwatch.StartNew();
                var readers = new Task[followers];
                var connected = new CountdownEvent(followers);
                for (var i = 0; i < followers; i++)
                {
                    var id = i;
                    readers[i] = Task.Run(() => FollowAsync(http, address, id, phase, connected, stop.Token));
                    if (i % 100 == 99)
                    {
                        SpinWait.SpinUntil(() => connected.CurrentCount <= followers - i - 1, Patience); // in batches of 100
                    }
                }

                if (!connected.Wait(Patience))
                {
                    throw new TimeoutException($"Only {followers - connected.CurrentCount} of {followers} followers connected.");
                }

                Console.WriteLine($"{followers} HTTP followers loaded /catalog and subscribed in {loadWatch.Elapsed.TotalSeconds:0.0} s");
                var during = await ConnectionsAsync(db) - baseline;
                var cpu = await CommitAsync(db, names, phase, server);
                Report($"{followers} HTTP followers (SSE, lightweight)", phase, during, cpu, changes);
                await stop.CancelAsync();
                await Task.WhenAll(readers.Select(r => r.ContinueWith(static _ => { }, TaskScheduler.Default)));
            }

            // Phase 2: real runtimes over HTTP.
            if (runtimes > 0)
            {
                var phase = new Phase(runtimes, changes);
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
                var cpu = await CommitAsync(db, names, phase, server);
                Report($"{runtimes} ToolCatalogRuntime followers over HTTP", phase, during, cpu, changes);
                await Task.WhenAll(catalogs.Select(c => c.DisposeAsync().AsTask()));
            }

            // Phase 3: runtimes on PostgreSQL directly.
            if (direct > 0)
            {
                var phase = new Phase(direct, changes);
                var catalogs = new List<ToolCatalogRuntime>();
                for (var i = 0; i < direct; i++)
                {
                    var catalog = new ToolCatalogRuntime(new ToolCatalogOptions { Mode = CatalogMode.Database, ConnectionString = db.ConnectionString });
                    Track(catalog, i, phase);
                    catalogs.Add(catalog);
                }

                await Task.WhenAll(catalogs.Select(c => c.StartAsync()));
                var during = await ConnectionsAsync(db) - baseline - serverConnections;
                var cpu = await CommitAsync(db, names, phase, server: null);
                Report($"{direct} ToolCatalogRuntime followers on PostgreSQL directly", phase, during, cpu, changes);
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

    /// <summary>One lightweight follower: the catalog once, then the change stream; records each event's arrival.</summary>
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
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop), Encoding.UTF8);
        connected.Signal();
        try
        {
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                var (revision, previous) = Envelope(Encoding.UTF8.GetBytes(line, 6, line.Length - 6));
                if (previous > phase.Held[id])
                {
                    Interlocked.Increment(ref phase.Gaps);
                }

                phase.Held[id] = revision;
                phase.Arrived(id, revision, now);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
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

    /// <summary>Commits one change at a time and waits until every follower has it; returns the server's CPU per change.</summary>
    private static async Task<TimeSpan?> CommitAsync(BenchDatabase db, string[] names, Phase phase, Process? server)
    {
        // Warm-up: a few commits not measured.
        for (var i = 0; i < 3; i++)
        {
            await CommitOneAsync(db, names, phase, i, measured: false);
        }

        server?.Refresh();
        var cpuBefore = server?.TotalProcessorTime;
        for (var i = 0; i < phase.Changes; i++)
        {
            await CommitOneAsync(db, names, phase, i, measured: true);
        }

        server?.Refresh();
        return server is null ? null : (server.TotalProcessorTime - cpuBefore!.Value) / phase.Changes;
    }

    private static async Task CommitOneAsync(BenchDatabase db, string[] names, Phase phase, int i, bool measured)
    {
        var name = names[i % names.Length];
        var tool = await db.Store.GetAsync(name);
        var started = Stopwatch.GetTimestamp();
        var result = tool!.Definition.Enabled ? await db.Store.DisableAsync(name) : await db.Store.EnableAsync(name);
        await phase.WaitAllAsync(result.Revision, measured ? started : null).WaitAsync(Patience);
    }

    private static void Report(string title, Phase phase, int connections, TimeSpan? cpu, int changes)
    {
        var all = phase.Latencies.OrderBy(static x => x).ToArray();
        double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
        Console.WriteLine($"| {title} | {P(0.5):0.0} | {P(0.99):0.0} | {all[^1]:0.0} | {connections} | {(cpu is { } c ? c.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) : "–")} | gaps {phase.Gaps} |");
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
    private sealed class Phase(int followers, int changes)
    {
        private readonly Lock _lock = new();
        private readonly long[] _reached = new long[followers];
        private readonly long[] _arrivedAt = new long[followers];
        private long _target = long.MaxValue;
        private long _started;
        private int _remaining;
        private TaskCompletionSource? _all;

        public long[] Held { get; } = new long[followers];

        public int Changes { get; } = changes;

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
