using Microsoft.AspNetCore.Routing;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>Placeholder: filled in by the issue 14 work.</summary>
internal static class ToolReadEndpoints
{
    public static void Map(RouteGroupBuilder api) => ArgumentNullException.ThrowIfNull(api);
}
