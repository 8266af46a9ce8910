using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.AspNetCore.Endpoints;

/// <summary>
/// <c>POST /telemetry</c>: a batch of execution records (a JSON array, or <c>application/x-ndjson</c> lines) read with
/// <see cref="ExecutionRecordJson"/> and written in one transaction through <see cref="ToolCatalogStore.WriteTelemetryAsync"/>.
/// Allowed to admins, and to owners when they own every tool the batch names. Any bad record refuses the whole batch
/// (400 naming each by index or line, field and rule); nothing is written then.
/// </summary>
internal static class TelemetryEndpoints
{
    private const string NdJson = "application/x-ndjson";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/telemetry", IngestAsync)
            .WithName("IngestTelemetry")
            .WithSummary("Records a batch of executions (a JSON array of records, or application/x-ndjson lines), all or nothing; admins, or owners of every tool named.")
            .Produces<TelemetryIngestResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> IngestAsync(HttpContext http, ToolCatalogStore store, TimeProvider time, IOptions<ToolCatalogServerOptions> options, CancellationToken cancellationToken)
    {
        var user = http.User;
        var admin = user.IsInRole(ToolCatalogRoles.Admin);
        if (!admin && !user.IsInRole(ToolCatalogRoles.Owner))
        {
            return ApiProblems.Forbidden("Recording telemetry needs the admin role, or the owner role for every tool the records name.");
        }

        var request = http.Request;
        var ndjson = request.ContentType is { } type && type.Split(';')[0].Trim().Equals(NdJson, StringComparison.OrdinalIgnoreCase);
        if (!ndjson && !ApiJson.IsJson(request))
        {
            return ApiProblems.UnsupportedMediaType(request.ContentType, "application/json", NdJson);
        }

        var (body, tooLarge) = await ApiBody.ReadAsync(request, options.Value.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        var now = time.GetUtcNow();
        var records = new List<ExecutionRecord>();
        var positions = new List<int>();
        var errors = new List<TelemetryRecordError>();
        if (ndjson)
        {
            ReadLines(body!, now, records, positions, errors);
        }
        else if (ReadArray(body!, now, records, positions, errors) is { } malformed)
        {
            return malformed;
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Problem(
                StatusCodes.Status400BadRequest,
                "validation",
                "The request is not valid",
                $"{errors.Count} of {errors.Count + records.Count} records are not valid; nothing was written.",
                new() { ["errors"] = errors });
        }

        if (records.Count == 0)
        {
            return ApiProblems.BadRequest("The body holds no record: send a JSON array of execution records, or one record per line (application/x-ndjson).", "body");
        }

        if (!admin && NotOwned(user, records) is { Count: > 0 } notOwned)
        {
            return ApiProblems.Forbidden($"Only an admin or an owner of every tool named may record telemetry; this principal does not own: {string.Join(", ", notOwned)}. Nothing was written.");
        }

        TelemetryWriteResult written;
        try
        {
            written = await store.WriteTelemetryAsync(records, cancellationToken).ConfigureAwait(false);
        }
        catch (CatalogBusyException e)
        {
            return ApiProblems.Busy(e.Message);
        }

        var unmatched = written.Unmatched
            .Select(i => new TelemetryUnmatchedResponse(ndjson ? null : positions[i], ndjson ? positions[i] : null, records[i].Tool, records[i].Version, records[i].Capability, records[i].Pattern))
            .ToList();
        return TypedResults.Ok(new TelemetryIngestResponse(records.Count, written.Written, unmatched));
    }

    /// <summary>The tools the records name that <paramref name="user"/> has no <see cref="ToolCatalogClaims.Tool"/> claim for, sorted.</summary>
    private static List<string> NotOwned(ClaimsPrincipal user, List<ExecutionRecord> records)
    {
        var owned = user.FindAll(ToolCatalogClaims.Tool).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return records.Select(r => r.Tool).Where(t => !owned.Contains(t)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A JSON array of records; the 400 problem when the body is not a JSON array.</summary>
    private static IResult? ReadArray(byte[] body, DateTimeOffset now, List<ExecutionRecord> records, List<int> positions, List<TelemetryRecordError> errors)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            if (!reader.Read())
            {
                return ApiProblems.BadRequest("The body is empty: send a JSON array of execution records.", "body");
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return ApiProblems.BadRequest("The body must be a JSON array of execution records (or application/x-ndjson lines).", "body");
            }

            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (ExecutionRecordJson.TryRead(ref reader, now, out var record, out var error))
                {
                    records.Add(record);
                    positions.Add(index);
                }
                else
                {
                    errors.Add(new TelemetryRecordError(index, null, Field(error), error));
                }

                index++;
            }

            if (reader.Read())
            {
                return ApiProblems.BadRequest("The body has text after the array's closing bracket.", "body");
            }
        }
        catch (JsonException e)
        {
            return ApiProblems.MalformedJson(e);
        }

        return null;
    }

    /// <summary>One record per non-blank line; each bad line named by its 1-based number.</summary>
    private static void ReadLines(byte[] body, DateTimeOffset now, List<ExecutionRecord> records, List<int> positions, List<TelemetryRecordError> errors)
    {
        var span = body.AsSpan();
        var line = 0;
        while (!span.IsEmpty)
        {
            line++;
            var end = span.IndexOf((byte)'\n');
            var text = end < 0 ? span : span[..end];
            span = end < 0 ? [] : span[(end + 1)..];
            if (text.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            if (ExecutionRecordJson.TryRead(text, now, out var record, out var error))
            {
                records.Add(record);
                positions.Add(line);
            }
            else
            {
                errors.Add(new TelemetryRecordError(null, line, Field(error), error));
            }
        }
    }

    private static string Field(string error) => error[..Math.Max(0, error.IndexOf(':', StringComparison.Ordinal))];
}
