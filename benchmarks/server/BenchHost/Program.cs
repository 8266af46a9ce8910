// The load benchmark's host (run by benchmarks/server/run.sh; never shipped). The management server exactly as
// `toolcatalog serve` maps it, over the database in ConnectionStrings__ToolCatalog, plus GET /bench/ping ("ok"), the
// trivial endpoint the API is compared with, behind the same sign-in and authorization policy, and POST /bench/payload?bytes=N
// (reads the body, answers N static bytes): what a request and an answer of select's size cost without the selection.
//
// Sign-in: the server's own API keys (run.sh creates an admin key with `toolcatalog keys create`); the API and
// /bench/ping pay for the same sign-in, headers and authorization. The rate limiter is off: it would cap what wrk measures.
//
//   dotnet run -c Release --project benchmarks/server/BenchHost -- --seed    imports samples/tools + generated tools, exits
//   dotnet run -c Release --project benchmarks/server/BenchHost              serves on ASPNETCORE_URLS
using Npgsql;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

var builder = WebApplication.CreateSlimBuilder(args);
var connectionString = builder.Configuration.GetConnectionString("ToolCatalog")
    ?? throw new InvalidOperationException("Set ConnectionStrings__ToolCatalog.");

if (args.Contains("--seed"))
{
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    var store = new ToolCatalogStore(dataSource);
    await store.MigrateAsync();
    var samples = builder.Configuration["BENCH_SAMPLES"] ?? "samples/tools";
    var generated = int.Parse(builder.Configuration["BENCH_GENERATED"] ?? "171", System.Globalization.CultureInfo.InvariantCulture);
    var set = new CatalogFiles().Load(samples);
    var imported = await CatalogFiles.ImportAsync(store, set, new CatalogImportOptions { Change = new ChangeContext { Actor = "bench", Reason = "benchmark seed" } }, null, default);
    if (!imported.Succeeded)
    {
        throw new InvalidOperationException($"The samples in {samples} could not be imported.");
    }

    await store.ImportAsync(GeneratedTools.CreateMany(generated, prefix: "bench"));
    Console.WriteLine($"Seeded: revision {await store.GetRevisionAsync()}, {(await store.LoadCatalogAsync()).Tools.Count} tools.");
    return;
}

builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
builder.Services.AddToolCatalog(o => o.Mode = CatalogMode.Database);
builder.Services.AddToolCatalogServer(static o => o.RateLimit.Enabled = false);

var app = builder.Build();
app.UseToolCatalogServer();
app.MapToolCatalogServer();
app.MapGet("/bench/ping", () => "ok").RequireAuthorization(ToolCatalogPolicies.Viewer);
// What the size of a request and its answer cost by themselves: reads the body, answers `bytes` bytes of JSON (spaces, then
// "{}"), the same array every time.
var payloads = new System.Collections.Concurrent.ConcurrentDictionary<int, byte[]>();
app.MapPost("/bench/payload", async (HttpRequest request, int bytes) =>
{
    await request.Body.CopyToAsync(Stream.Null);
    return Results.Bytes(payloads.GetOrAdd(Math.Clamp(bytes, 2, 1 << 20), static n =>
    {
        var body = new byte[n];
        Array.Fill(body, (byte)' ');
        body[^2] = (byte)'{';
        body[^1] = (byte)'}';
        return body;
    }), "application/json");
}).RequireAuthorization(ToolCatalogPolicies.Viewer);
await app.RunAsync();
