using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>A tool body as read: the document, its validation report, and the tool when it is valid.</summary>
/// <param name="Report">Every finding (errors and warnings), with field paths and, for YAML, lines and columns.</param>
/// <param name="Tool">The one tool of the body; null when the report has errors.</param>
internal sealed record ToolBody(ValidationReport Report, ToolDefinition? Tool);

/// <summary>
/// Reads a tool from a request body, JSON (the tool file's structure, as <c>curl -d @new_tool.json</c> sends it) or the
/// YAML file itself, through one path: the body is read within <see cref="ToolCatalogServerOptions.MaxRequestBodyBytes"/>,
/// JSON is first parsed by System.Text.Json (so malformed JSON is named by line and position), then the text goes to the
/// library's safe YAML reader (JSON is YAML) and to <see cref="ToolValidator"/>: the same limits (aliases, nesting, scalar
/// sizes), field paths and rule codes as <c>toolcatalog validate</c> and <c>import</c>.
/// </summary>
internal static class ToolBodyReader
{
    /// <summary>The name findings give as the file.</summary>
    public const string SourceName = "request body";

    /// <summary>The content types a tool body may have.</summary>
    public static readonly string[] ContentTypes = ["application/json", "application/yaml", "application/x-yaml", "text/yaml"];

    private static readonly ToolYamlReader Reader = new();
    private static readonly ToolValidator Validator = new();
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads and validates the body, or gives the problem to return: 415 for another content type, 413 for a body over the
    /// limit, 400 for an empty body, text that is not UTF-8, malformed JSON, JSON that is not an object, or a document that
    /// does not hold exactly one tool. Validation findings are not a problem here: the caller decides (400 for a write,
    /// 200 for <c>validate</c>).
    /// </summary>
    public static async Task<(ToolBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var media = request.ContentType?.Split(';')[0].Trim();
        var json = ApiJson.IsJson(request);
        if (!json && !ContentTypes.Contains(media, StringComparer.OrdinalIgnoreCase))
        {
            return (null, ApiProblems.UnsupportedMediaType(request.ContentType, ContentTypes));
        }

        var (bytes, tooLarge) = await ApiBody.ReadAsync(request, ApiBody.Limits(request).MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }

        if (bytes!.Length == 0)
        {
            return (null, ApiProblems.BadRequest("The request body is empty; send the tool as JSON (the tool file's structure) or as its YAML file.", "body"));
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return (null, ApiProblems.BadRequest("The request body is not UTF-8 text.", "body"));
        }

        if (json)
        {
            try
            {
                using var parsed = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = ApiJson.Options.MaxDepth });
                if (parsed.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return (null, ApiProblems.BadRequest(
                        $"The JSON body is {Describe(parsed.RootElement.ValueKind)}; a tool is a JSON object with the tool file's fields (tool_name, version, capabilities, …).",
                        "body"));
                }
            }
            catch (JsonException e)
            {
                return (null, ApiProblems.MalformedJson(e));
            }
        }

        var document = Reader.Read(text, SourceName);
        var report = Validator.Validate(document);
        if (report.IsValid && document.Tools.Count != 1)
        {
            return (null, ApiProblems.BadRequest(
                $"The body holds {document.Tools.Count} tools ({document.Shape} format); send one tool: the canonical tool file or its list form.",
                "body"));
        }

        return (new ToolBody(report, report.IsValid ? document.Tools[0] : null), null);
    }

    /// <summary>The 400 of a body with validation errors, listing every finding.</summary>
    public static IResult Invalid(ToolBody body) => ApiProblems.Validation(body.Report.Findings);

    /// <summary>The findings of a report as the API writes them.</summary>
    public static IReadOnlyList<Contracts.FindingResponse> Findings(IEnumerable<ValidationFinding> findings) =>
        [.. findings.Select(Contracts.FindingResponse.From)];

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
