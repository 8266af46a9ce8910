using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;

// The orchestrator's side: the catalog follows the database (TOOLCATALOG_CONNECTION) over LISTEN/NOTIFY and serves the
// sample YAML while the database has never been reachable. Run: dotnet run --project samples/OrchestratorHost
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddToolCatalog(options =>
{
    options.ConnectionString = Environment.GetEnvironmentVariable("TOOLCATALOG_CONNECTION") ?? "Host=localhost;Username=postgres;Database=toolcatalog;Timeout=3";
    options.YamlPath = Path.Combine(AppContext.BaseDirectory, "tools");
});
using var host = builder.Build();
await host.StartAsync();
var catalog = host.Services.GetRequiredService<IToolCatalog>();
Console.WriteLine($"Catalog from {catalog.Source}, revision {catalog.Revision}, {catalog.Current.ToolCount} tools: {catalog.Health.Description}");
try
{
    var result = await host.Services.GetRequiredService<ToolSelector>().SelectAsync(catalog.Current, new SelectionRequest
    {
        Capabilities = ["service_control"],
        Query = "restart nginx on 40 web servers quickly",
        Variables = new Dictionary<string, double> { ["N"] = 40 },
    });
    Console.WriteLine($"Chose {result.ToolName}.{result.CapabilityName}.{result.PatternName}: ~{result.EstimatedTimeMs:0} ms, cost {result.EstimatedCost:0.##}. {result.Justification}");
}
catch (ToolSelectionException e)
{
    Console.WriteLine($"Nothing to choose: {e.Message}");
}
await host.StopAsync();
