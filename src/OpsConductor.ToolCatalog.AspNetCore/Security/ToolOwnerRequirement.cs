using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>The requirement behind <see cref="ToolCatalogPolicies.ToolOwner"/>.</summary>
internal sealed class ToolOwnerRequirement : IAuthorizationRequirement
{
    /// <summary>The route value that names the tool.</summary>
    public const string RouteValue = "name";
}

/// <summary>
/// Succeeds for an admin, or for an owner holding a <see cref="ToolCatalogClaims.Tool"/> claim equal to the route's tool
/// name (ordinal: tool names are case-sensitive). The resource is the request's <see cref="HttpContext"/> (endpoint
/// routing passes it).
/// </summary>
internal sealed class ToolOwnerAuthorizationHandler : AuthorizationHandler<ToolOwnerRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ToolOwnerRequirement requirement)
    {
        var user = context.User;
        if (user.IsInRole(ToolCatalogRoles.Admin))
        {
            context.Succeed(requirement);
        }
        else if (user.IsInRole(ToolCatalogRoles.Owner)
            && ToolOf(context.Resource) is { } name
            && user.HasClaim(c => c.Type == ToolCatalogClaims.Tool && string.Equals(c.Value, name, StringComparison.Ordinal)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The tool a request is about: the route's <c>{name}</c> of an API request, or the tool name itself when a caller
    /// without a route (the admin UI) authorizes with the tool's name as the resource.
    /// </summary>
    private static string? ToolOf(object? resource) => resource switch
    {
        HttpContext http when http.Request.RouteValues.TryGetValue(ToolOwnerRequirement.RouteValue, out var value) => value as string,
        string name => name,
        _ => null,
    };
}
