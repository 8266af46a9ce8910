using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>Endpoints about the catalog as a whole: its revision (capabilities, audit, selection and estimates join here).</summary>
internal static class CatalogEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/revision", GetRevision)
            .WithName("GetRevision")
            .WithSummary("The catalog's revision as this server's snapshot holds it.");
    }

    private static Ok<RevisionResponse> GetRevision(IToolCatalog catalog)
    {
        var snapshot = catalog.Current;
        return TypedResults.Ok(new RevisionResponse(snapshot.Revision, snapshot.Source.ToString().ToLowerInvariant(), snapshot.ToolCount, snapshot.LoadedAt));
    }
}

/// <summary>The body of <c>GET /api/v1/revision</c>.</summary>
/// <param name="Revision">The catalog revision of the snapshot the server reads from.</param>
/// <param name="Source">Where the snapshot came from (<c>database</c>, <c>yaml</c>, <c>none</c>).</param>
/// <param name="Tools">How many tools the snapshot holds.</param>
/// <param name="LoadedAt">When the snapshot was built.</param>
internal sealed record RevisionResponse(
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("tools")] int Tools,
    [property: JsonPropertyName("loaded_at")] DateTimeOffset LoadedAt);
