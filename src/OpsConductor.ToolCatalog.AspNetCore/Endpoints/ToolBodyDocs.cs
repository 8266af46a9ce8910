using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>
/// The request bodies of the write endpoints, for the OpenAPI document. Declared by transformers rather than
/// <c>Accepts</c> metadata, which would make routing answer an unexpected content type with a bare 415 before the
/// endpoint can give its problem details.
/// </summary>
internal static class ToolBodyDocs
{
    /// <summary>A tool: its file's structure as JSON, or the YAML file.</summary>
    public static Task Tool(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "The tool: its file's structure as JSON (tool_name, version, capabilities, …), or the YAML file itself.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
                ["application/yaml"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                ["application/x-yaml"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                ["text/yaml"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        };
        return Task.CompletedTask;
    }

    /// <summary>YAML files as multipart/form-data, or one zip.</summary>
    public static Task Import(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "Tool YAML files (.yaml, .yml): several as multipart/form-data parts with file names, or one zip.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["files"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                        },
                    },
                },
                ["application/zip"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
            },
        };
        return Task.CompletedTask;
    }

    /// <summary>A JSON object body described in words.</summary>
    public static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> Json(string description, bool required = true) =>
        (operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = required,
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
                },
            };
            return Task.CompletedTask;
        };
}
