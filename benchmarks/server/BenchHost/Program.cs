// The load benchmark's host (run by benchmarks/server/run.sh; never shipped). The management server exactly as
// `toolcatalog serve` maps it, over the database in ConnectionStrings__ToolCatalog, plus GET /bench/ping ("ok"), the
// trivial endpoint the API is compared with, behind the same sign-in and authorization policy.
//
// Sign-in: a bench-only scheme that accepts one key, `Authorization: Bearer $BENCH_KEY`, as an admin. It stands in for
// the server's API keys (fix/auth) so that the benchmark runs on any branch; both the API and /bench/ping pay for it.
//
//   dotnet run -c Release --project benchmarks/server/BenchHost -- --seed    imports samples/tools + generated tools, exits
//   dotnet run -c Release --project benchmarks/server/BenchHost              serves on ASPNETCORE_URLS
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
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
builder.Services.AddToolCatalogServer();
builder.Services.AddAuthentication(BenchKeyHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, BenchKeyHandler>(BenchKeyHandler.SchemeName, null);

var app = builder.Build();
// TODO(lead, at merge): app.UseToolCatalogServer(); as in toolcatalog serve, so the benchmark pays for the same middleware.
app.MapToolCatalogServer();
app.MapGet("/bench/ping", () => "ok").RequireAuthorization(ToolCatalogPolicies.Viewer);
await app.RunAsync();

/// <summary>Accepts <c>Authorization: Bearer $BENCH_KEY</c> as the admin <c>bench</c>; anything else is anonymous.</summary>
internal sealed class BenchKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "BenchKey";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(configuration["BENCH_KEY"] ?? throw new InvalidOperationException("Set BENCH_KEY."));

    private static readonly ClaimsPrincipal Admin = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "key:bench"), new Claim(ClaimTypes.Role, ToolCatalogRoles.Admin)], SchemeName));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var given = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        return Task.FromResult(CryptographicOperations.FixedTimeEquals(given, _key)
            ? AuthenticateResult.Success(new AuthenticationTicket(Admin, SchemeName))
            : AuthenticateResult.Fail("Not the bench key."));
    }
}
