using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>
/// <c>POST /tools/import</c> (YAML files as multipart/form-data, or one zip) and <c>POST /tools/export</c> (a zip of the
/// canonical tree): the same file import and export as <c>toolcatalog import</c>/<c>export</c> (<see cref="CatalogFiles"/>),
/// all or nothing, with the uploaded files checked before any is read: count, sizes, expansion ratio and total of a zip,
/// names (relative, no <c>..</c>, <c>.yaml</c>/<c>.yml</c> only).
/// </summary>
internal static class ImportExportEndpoints
{
    private const long RatioCheckedFrom = 64 * 1024;

    private static readonly string[] ImportTypes = ["multipart/form-data", "application/zip", "application/x-zip-compressed"];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/tools/import", ImportAsync)
            .RequireAuthorization(ToolCatalogPolicies.Admin)
            .WithName("ImportTools")
            .AddOpenApiOperationTransformer(ToolBodyDocs.Import)
            .WithSummary("Imports YAML tool files (multipart/form-data, or one application/zip), all or nothing, after validating every file (?dry_run=true: report only).")
            .Produces<ImportResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();

        api.MapPost("/tools/export", ExportAsync)
            .WithName("ExportTools")
            .AddOpenApiOperationTransformer(ToolBodyDocs.Json("the optional filter: platform, category, status, enabled, capability, tag, all_versions", required: false))
            .WithSummary("Exports the catalog (or the tools the optional filter body selects) as a zip of canonical YAML files, platform/tool.yaml; secrets masked unless include_secrets=true (admins only, else 403).")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    // ---- Import ----

    private static async Task<IResult> ImportAsync(HttpContext http, IToolCatalog catalog, ToolCatalogStore store, IOptions<ToolCatalogServerOptions> options, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var limits = options.Value;
        if (Query.Flag(request, "dry_run", out var dryRun) is { } badQuery)
        {
            return badQuery;
        }

        var media = request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var parsed) ? parsed : null;
        var kind = media?.MediaType.Value?.ToLowerInvariant();
        if (kind is null || !ImportTypes.Contains(kind))
        {
            return ApiProblems.UnsupportedMediaType(request.ContentType, ImportTypes);
        }

        var (body, tooLarge) = await ApiBody.ReadAsync(request, limits.MaxImportBodyBytes, cancellationToken).ConfigureAwait(false);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        var (files, skipped, problem) = kind == "multipart/form-data"
            ? await ReadMultipartAsync(body!, media!, limits, cancellationToken).ConfigureAwait(false)
            : ReadZip(body!, limits);
        if (problem is not null)
        {
            return problem;
        }

        if (files.Count == 0)
        {
            return ApiProblems.BadRequest("The import holds no .yaml or .yml file.", "files");
        }

        var root = Path.Combine(Path.GetTempPath(), "toolcatalog-import-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(root);
            foreach (var (name, content) in files)
            {
                var target = Path.GetFullPath(Path.Combine(root, name));
                if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    return ApiProblems.BadRequest($"The file name '{name}' leaves the import.", "files");
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllBytesAsync(target, content, cancellationToken).ConfigureAwait(false);
            }

            var set = new CatalogFiles().Load([.. files.Select(f => f.Name)], root, cancellationToken: cancellationToken);
            if (!set.IsValid)
            {
                var invalid = set.InvalidFiles.Select(f => new ImportFileResponse(f.DisplayPath, "invalid", ToolBodyReader.Findings(f.Findings))).ToList();
                return ApiProblems.Problem(
                    StatusCodes.Status400BadRequest,
                    "validation",
                    "The request is not valid",
                    $"{invalid.Count} of {set.Files.Count} files are not valid; nothing was imported.",
                    new() { ["files"] = invalid, ["errors"] = ToolBodyReader.Findings(set.Errors) });
            }

            var result = await CatalogFiles.ImportAsync(
                store,
                set,
                new CatalogImportOptions { DryRun = dryRun, Change = HttpChangeContext.From(http) },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var tools = result.Items
                .Select(i => new ImportItemResponse(i.File, i.Name, i.Version, System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(i.Outcome.ToString()), i.Message))
                .ToList();
            var notTools = set.SkippedFiles
                .Select(f => new ImportFileResponse(f.DisplayPath, "skipped", ToolBodyReader.Findings(f.Findings)))
                .Concat(skipped.Select(s => new ImportFileResponse(s, "skipped", [])))
                .ToList();
            if (result.Report is { HasProblems: true })
            {
                return ApiProblems.Conflict(
                    "The catalog refused some tools (a stored version with other content: versions are immutable); nothing was imported.",
                    new() { ["tools"] = tools });
            }

            if (result.Applied && result.Revision is { } revision)
            {
                await ToolWriteEndpoints.SeenAsync(catalog, limits, revision, cancellationToken).ConfigureAwait(false);
            }

            return ToolWriteEndpoints.Json(new ImportResponse(dryRun, result.Applied, result.Revision ?? catalog.Current.Revision, tools, notTools));
        }
        catch (CatalogBusyException e)
        {
            return ApiProblems.Busy(e.Message);
        }
        catch (CatalogOperationException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the temporary folder holds copies of the uploaded files only.
            }
        }
    }

    private static async Task<(List<(string Name, byte[] Content)> Files, List<string> Skipped, IResult? Problem)> ReadMultipartAsync(
        byte[] body, MediaTypeHeaderValue media, ToolCatalogServerOptions limits, CancellationToken cancellationToken)
    {
        var files = new List<(string, byte[])>();
        var skipped = new List<string>();
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return (files, skipped, ApiProblems.BadRequest("The multipart body names no boundary in its Content-Type.", "Content-Type"));
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var reader = new MultipartReader(boundary, new MemoryStream(body)) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || (disposition.FileNameStar.Value ?? disposition.FileName.Value) is not { Length: > 0 } fileName)
                {
                    return (files, skipped, ApiProblems.BadRequest("Every part of the multipart body must be a file (Content-Disposition with a filename).", "files"));
                }

                fileName = HeaderUtilities.RemoveQuotes(fileName).Value ?? fileName;
                if (files.Count + skipped.Count >= limits.MaxImportFiles)
                {
                    return (files, skipped, ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The import has too many files", $"An import takes at most {limits.MaxImportFiles} files.", new() { ["limit"] = limits.MaxImportFiles }));
                }

                if (CheckName(fileName, names, out var hidden) is { } bad)
                {
                    return (files, skipped, bad);
                }

                using var content = new MemoryStream();
                await section.Body.CopyToAsync(content, cancellationToken).ConfigureAwait(false);
                if (hidden)
                {
                    skipped.Add(fileName);
                }
                else
                {
                    files.Add((fileName, content.ToArray()));
                }
            }
        }
        catch (IOException e)
        {
            return (files, skipped, ApiProblems.BadRequest($"The multipart body cannot be read: {e.Message}", "body"));
        }

        return (files, skipped, null);
    }

    private static (List<(string Name, byte[] Content)> Files, List<string> Skipped, IResult? Problem) ReadZip(byte[] body, ToolCatalogServerOptions limits)
    {
        var files = new List<(string, byte[])>();
        var skipped = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long total = 0;
        try
        {
            using var zip = new ZipArchive(new MemoryStream(body), ZipArchiveMode.Read);
            if (zip.Entries.Count > limits.MaxImportFiles)
            {
                return (files, skipped, ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The import has too many files", $"The zip has {zip.Entries.Count} entries; an import takes at most {limits.MaxImportFiles} files.", new() { ["limit"] = limits.MaxImportFiles }));
            }

            var perFile = new YamlReadOptions().MaxFileBytes;
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/') && entry.Length == 0)
                {
                    continue; // a folder
                }

                if (CheckName(entry.FullName, names, out var hidden) is { } bad)
                {
                    return (files, skipped, bad);
                }

                if (hidden)
                {
                    skipped.Add(entry.FullName);
                    continue;
                }

                // Never trust the sizes the zip declares: count what decompression really gives, and stop at the limits.
                using var stream = entry.Open();
                using var content = new MemoryStream();
                var buffer = new byte[16 * 1024];
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    content.Write(buffer, 0, read);
                    total += read;
                    if (total > limits.MaxImportUncompressedBytes)
                    {
                        return (files, skipped, ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The import expands too much", $"The zip's files expand to more than {limits.MaxImportUncompressedBytes} bytes, the limit of one import; nothing was imported.", new() { ["limit"] = limits.MaxImportUncompressedBytes }));
                    }

                    if (content.Length > perFile)
                    {
                        return (files, skipped, ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "A file of the import is too large", $"'{entry.FullName}' expands to more than {perFile} bytes, the largest tool file read; nothing was imported.", new() { ["limit"] = perFile, ["file"] = entry.FullName }));
                    }

                    if (content.Length > RatioCheckedFrom && content.Length > Math.Max(1, entry.CompressedLength) * limits.MaxImportCompressionRatio)
                    {
                        return (files, skipped, ApiProblems.BadRequest($"'{entry.FullName}' expands more than {limits.MaxImportCompressionRatio} times its compressed size: refused as a likely zip bomb; nothing was imported.", "files"));
                    }
                }

                files.Add((entry.FullName, content.ToArray()));
            }
        }
        catch (InvalidDataException e)
        {
            return (files, skipped, ApiProblems.BadRequest($"The body is not a readable zip file: {e.Message}", "body"));
        }

        return (files, skipped, null);
    }

    /// <summary>
    /// A file name of an import: a relative path of plain segments (no <c>..</c>, <c>.</c>, empty segment, backslash,
    /// colon or control character), ending in <c>.yaml</c> or <c>.yml</c>, not given twice. A hidden segment
    /// (<c>.name</c>, <c>__MACOSX</c>) makes the file skipped, as a folder import skips hidden files.
    /// </summary>
    private static IResult? CheckName(string name, HashSet<string> taken, out bool hidden)
    {
        hidden = false;
        var segments = name.Split('/');
        if (name.Length > 1024 || name.StartsWith('/') || segments.Any(s => s.Length == 0 || s is "." or ".." || s.Any(c => c is '\\' or ':' || char.IsControl(c))))
        {
            return ApiProblems.BadRequest($"The file name '{Printable(name)}' is not a plain relative path (no '..', '.', '\\', ':', leading '/' or empty parts); nothing was imported.", "files");
        }

        hidden = segments.Any(s => s.StartsWith('.') || s == "__MACOSX");
        if (hidden)
        {
            return null;
        }

        if (!ToolYamlReader.IsYamlFile(name))
        {
            return ApiProblems.BadRequest($"'{Printable(name)}' is not a .yaml or .yml file; an import takes tool YAML files only. Nothing was imported.", "files");
        }

        return taken.Add(name) ? null : ApiProblems.BadRequest($"The file '{Printable(name)}' is given twice; nothing was imported.", "files");
    }

    private static string Printable(string name) =>
        new([.. name.Take(200).Select(c => char.IsControl(c) ? '?' : c)]);

    // ---- Export ----

    private static async Task<IResult> ExportAsync(HttpContext http, ToolCatalogStore store, CancellationToken cancellationToken)
    {
        var request = new ExportRequest();
        if (ApiBody.HasBody(http.Request))
        {
            var (body, problem) = await ApiJson.ReadAsync<ExportRequest>(http.Request, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            request = body!;
        }

        ToolStatus? status = null;
        if (request.Status is { } text)
        {
            if (!ToolStatusNames.TryParse(text, out var parsed))
            {
                return ApiProblems.BadRequest($"The status '{text}' is not a tool status (active, deprecated, …).", "status");
            }

            status = parsed;
        }

        var filter = new ToolFilter
        {
            Platform = request.Platform,
            Category = request.Category,
            Status = status,
            Enabled = request.Enabled,
            Capability = request.Capability,
            Tag = request.Tag,
        };
        // Secrets are masked (!secret "********", which an import reads as "keep the stored value"); ?include_secrets=true
        // writes their values, for admins only.
        var includeSecrets = string.Equals(http.Request.Query["include_secrets"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        if (includeSecrets && !http.User.IsInRole(Security.ToolCatalogRoles.Admin))
        {
            return ApiProblems.Forbidden("Secret values (include_secrets=true) are exported for administrators only; without it, secrets are masked as !secret \"********\".");
        }

        if (includeSecrets && store.SecretProtector is null)
        {
            return ApiProblems.Forbidden("The server has no secrets key (no ISecretProtector service), so secret values cannot be opened.");
        }

        try
        {
            var tools = await store.ExportAsync(filter, request.AllVersions, cancellationToken).ConfigureAwait(false);
            if (includeSecrets)
            {
                tools = [.. tools.Select(t => t.RevealSecrets(store.SecretProtector!))];
                http.Response.Headers.CacheControl = "no-store";
            }

            using var buffer = new MemoryStream();
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var (file, tool) in CatalogFiles.PlanExport(tools, request.AllVersions))
                {
                    var entry = zip.CreateEntry(file.RelativePath, CompressionLevel.Fastest);
                    using var stream = entry.Open();
                    var bytes = new UTF8Encoding(false).GetBytes(ToolYamlWriter.Write(tool));
                    await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                }
            }

            return TypedResults.File(buffer.ToArray(), "application/zip", "toolcatalog-export.zip");
        }
        catch (CatalogBusyException e)
        {
            return ApiProblems.Busy(e.Message);
        }
    }
}
