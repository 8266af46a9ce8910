using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsConductor.ToolCatalog.DependencyInjection;

namespace OpsConductor.ToolCatalog.AspNetCore.Hosting;

/// <summary>
/// The health endpoints: <c>/health/live</c> (the process answers; runs no check) and <c>/health/ready</c> (the checks
/// tagged <see cref="ReadyTag"/>: the catalog's <see cref="ToolCatalogHealthCheck"/>, and whatever the host tags so).
/// Both answer JSON (<c>status</c>, and per check its status, description and data, never an exception's text), 200
/// while healthy or degraded, 503 when unhealthy, never cached.
/// </summary>
internal static class ToolCatalogHealthEndpoints
{
    /// <summary>The tag of the checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The name of the catalog's check.</summary>
    public const string CatalogCheckName = "tool_catalog";

    public static void Add(IServiceCollection services) =>
        services.AddHealthChecks().AddCheck<ToolCatalogHealthCheck>(CatalogCheckName, tags: [ReadyTag]);

    /// <summary>The options of <c>/health/live</c>: no check at all.</summary>
    public static HealthCheckOptions Live { get; } = new() { Predicate = static _ => false, ResponseWriter = WriteAsync };

    /// <summary>The options of <c>/health/ready</c>: the checks tagged <see cref="ReadyTag"/>.</summary>
    public static HealthCheckOptions Ready { get; } = new() { Predicate = static r => r.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync };

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    internal static async Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        var json = new Utf8JsonWriter(buffer, WriterOptions);
        await using (json.ConfigureAwait(false))
        {
            json.WriteStartObject();
            json.WriteString("status", Name(report.Status));
            json.WriteNumber("duration_ms", Math.Round(report.TotalDuration.TotalMilliseconds, 3));
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", Name(entry.Status));
                json.WriteString("description", entry.Description);
                json.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 3));
                json.WriteStartObject("data");
                foreach (var (key, value) in entry.Data)
                {
                    json.WritePropertyName(key);
                    JsonSerializer.Serialize(json, value, value?.GetType() ?? typeof(object));
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
