// The tool catalog's management server mapped into an ASP.NET Core host of your own: the catalog (as an orchestrator
// embeds it), the server's services on top, and the API's endpoints. `toolcatalog serve` is the ready-made host.
//
//   ConnectionStrings__ToolCatalog="Host=…;Database=…" dotnet run --project samples/ManagementServer
#region management-host
var builder = WebApplication.CreateBuilder(args);

builder.Services.AddToolCatalog(options =>
    options.ConnectionString = builder.Configuration.GetConnectionString("ToolCatalog"));
builder.Services.AddToolCatalogServer(options => builder.Configuration.GetSection("ToolCatalog:Server").Bind(options));
builder.Services.AddToolCatalogAdmin(); // the admin UI at /admin (Razor components over the same store and policies)

var app = builder.Build();
app.UseToolCatalogServer();
app.MapToolCatalogServer(); // the API, its OpenAPI document and reference page, health and metrics
app.MapToolCatalogAdmin();  // the admin UI: sign in with an API key at /admin
app.Run();
#endregion

/// <summary>The sample's entry point, public so the server tests can start it (<c>WebApplicationFactory&lt;Program&gt;</c>).</summary>
public partial class Program;
