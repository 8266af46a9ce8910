// The orchestrator's side of the catalog, in one small program: it follows the database over LISTEN/NOTIFY and serves
// the sample YAML while the database has never been reachable. Run: dotnet run --project samples/OrchestratorHost
// (with TOOLCATALOG_CONNECTION set to use your database). The region below is README.md's "Embedding it" example,
// character for character (a test compares them): change both together.
#region Embedding it
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddToolCatalog(options =>
{
    options.ConnectionString = Environment.GetEnvironmentVariable("TOOLCATALOG_CONNECTION")
        ?? "Host=localhost;Username=postgres;Database=toolcatalog;Timeout=3"; // or register an NpgsqlDataSource
    options.YamlPath = Path.Combine(AppContext.BaseDirectory, "tools"); // must exist; served only while the database has never been reachable
});
using var host = builder.Build();
await host.StartAsync();

// per request, from memory:
var catalog = host.Services.GetRequiredService<IToolCatalog>();
var selector = host.Services.GetRequiredService<ToolSelector>();
try
{
    var result = await selector.SelectAsync(catalog.Current, new SelectionRequest
    {
        Capabilities = ["service_restart"],
        Query = "restart nginx on the web tier quickly",
        Variables = new Dictionary<string, double> { ["N"] = 40 },
        Environment = "production",
    });
    Console.WriteLine($"{result.ToolName}.{result.PatternName}: ~{result.EstimatedTimeMs:0} ms ({result.ExecutionModeHint})");
    Console.WriteLine(result.Explain());
}
catch (ToolSelectionException e) // nothing to choose: an empty catalog, no tool with the capability, or every candidate refused by a policy
{
    Console.WriteLine($"No tool: {e.Message}");
    foreach (var excluded in e.Excluded)
    {
        Console.WriteLine($"  {excluded}");
    }
}

await host.StopAsync();
#endregion
