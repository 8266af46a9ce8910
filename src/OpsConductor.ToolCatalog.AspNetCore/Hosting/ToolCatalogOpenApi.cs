using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace OpsConductor.ToolCatalog.AspNetCore.Hosting;

/// <summary>
/// The API's OpenAPI document <c>v1</c> (Microsoft.AspNetCore.OpenApi): only the endpoints under <c>/api/v1</c> (a host's
/// own endpoints stay out of it), the catalog's title, the two ways to sign in declared as security schemes and named on
/// every operation that needs them, with the 401 and 403 answers such an operation can give. Every other response and
/// schema comes from the endpoints' own metadata (<c>Produces</c>, <c>ProducesProblem</c>).
/// </summary>
internal static class ToolCatalogOpenApi
{
    /// <summary>The document's name (and the <c>{documentName}</c> of its route).</summary>
    public const string DocumentName = "v1";

    /// <summary>The document's title.</summary>
    public const string Title = "OpsConductor Tool Catalog API";

    /// <summary>The security scheme of <c>Authorization: Bearer &lt;API key or token&gt;</c>.</summary>
    public const string BearerScheme = "bearer";

    /// <summary>The security scheme of <c>X-Api-Key: &lt;API key&gt;</c>.</summary>
    public const string ApiKeyScheme = "api_key";

    /// <summary>The header an API key may come in instead of <c>Authorization</c>.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    public static void Add(IServiceCollection services) => services.AddOpenApi(DocumentName, static options =>
    {
        options.ShouldInclude = static description => IsApiPath(description.RelativePath);
        options.AddDocumentTransformer(static (document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = Title,
                Version = DocumentName,
                Description = "Manage the OpsConductor tool catalog over HTTP: tools and their versions, validation, import and export, "
                    + "the audit log, selection and estimates. Every call needs an API key (toolcatalog keys create) or a token "
                    + "from the configured OpenID Connect provider. Errors are RFC 9457 problem details.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (toolcatalog keys create) or an OpenID Connect token: Authorization: Bearer <key or token>.",
            };
            document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyHeader,
                Description = "An API key (toolcatalog keys create) in the X-Api-Key header.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(static (operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any())
            {
                return Task.CompletedTask;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] });
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Not signed in: no key or token, or one that is not valid." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "Signed in, but the role (or the tools owned) does not allow this call." });
            return Task.CompletedTask;
        });
    });

    /// <summary>Whether an endpoint's route (relative, as API descriptions give it) lies under <c>/api/v1</c>.</summary>
    internal static bool IsApiPath(string? relativePath)
    {
        const string prefix = "api/v1";
        return relativePath is not null
            && relativePath.StartsWith(prefix, StringComparison.Ordinal)
            && (relativePath.Length == prefix.Length || relativePath[prefix.Length] is '/' or '?');
    }
}
