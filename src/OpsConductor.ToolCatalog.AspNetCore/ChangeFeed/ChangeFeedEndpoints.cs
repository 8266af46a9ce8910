using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Net.Http.Headers;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.AspNetCore.ChangeFeed;

/// <summary>
/// The scale-out reads: <c>GET /api/v1/catalog</c> (the whole catalog at one revision, compressed once per snapshot,
/// strong ETag on the revision) and <c>GET /api/v1/changes?since=REVISION</c> (Server-Sent Events from the server's
/// own runtime). Orchestrators follow the catalog through these instead of holding PostgreSQL connections.
/// </summary>
internal static class ChangeFeedEndpoints
{
    /// <summary>The media type of the change feed.</summary>
    public const string EventStream = "text/event-stream";

    private static readonly ConditionalWeakTable<CatalogSnapshot, CatalogBodies> Bodies = [];
    private static readonly ReadOnlyMemory<byte> ReloadEvent = "event: reload\ndata: {\"reason\":\"behind\"}\n\n"u8.ToArray();
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.Default };

    /// <summary>Registers the feed (one per server, created at start so its window opens with the first snapshot).</summary>
    public static void AddChangeFeed(IServiceCollection services)
    {
        services.AddSingleton(static sp => new CatalogChangeFeed(
            sp.GetRequiredService<IToolCatalog>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ToolCatalogServerOptions>>(),
            sp.GetService<TimeProvider>()));
        services.AddHostedService<ChangeFeedStarter>();
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/catalog", GetCatalog)
            .WithName("GetCatalog")
            .WithSummary("The whole catalog at one revision: every tool's current document (state included; secrets masked, with their sealed envelopes beside for the principals in SealedSecretReaders), the running experiments and the revision, compressed (br, gzip) when asked, with a strong ETag on the revision; If-None-Match gives 304. A follower's first load and resync.")
            .Produces<JsonElement>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/changes", GetChanges)
            .WithName("FollowChanges")
            .WithSummary("The catalog's changes after 'since' (or Last-Event-ID) as Server-Sent Events: 'change' events (id = revision; data = revision, previous_revision, each changed tool's kind and document, and the running experiments), keep-alive comments, and 'reload' when the follower must load GET /catalog again. 410 when 'since' has left the change window.")
            .Produces(StatusCodes.Status200OK, contentType: EventStream)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static IResult GetCatalog(HttpContext context, IToolCatalog catalog, Microsoft.Extensions.Options.IOptions<ToolCatalogServerOptions> options)
    {
        var snapshot = catalog.Current;
        if (snapshot.Source != CatalogSource.Database)
        {
            return ApiProblems.CatalogNotLoaded(snapshot.Source);
        }

        var encoding = ChooseEncoding(context.Request);
        var tag = ETagOf(snapshot.Revision, encoding);
        if (NoneMatch(context.Request.Headers.IfNoneMatch.ToString(), snapshot.Revision))
        {
            return new CatalogResult(null, tag, encoding);
        }

        var bodies = Bodies.GetValue(snapshot, static s => new CatalogBodies(s));
        var sealedSecrets = FollowerSecrets.MayRead(context.User, options.Value);
        var body = sealedSecrets ? bodies.Sealed : bodies.Masked;
        return new CatalogResult(body.For(encoding), tag, encoding, privateBody: sealedSecrets);
    }

    private static IResult GetChanges(HttpContext context, CatalogChangeFeed feed, IToolCatalog catalog, Microsoft.Extensions.Options.IOptions<ToolCatalogServerOptions> options, string? since)
    {
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var (text, field) = !string.IsNullOrEmpty(lastEventId) ? (lastEventId, "Last-Event-ID") : (since, "since");
        if (string.IsNullOrEmpty(text))
        {
            return ApiProblems.BadRequest("The query parameter 'since' is required: the revision the follower holds (the 'revision' of GET /api/v1/catalog), or the header Last-Event-ID when resuming.", "since");
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            return ApiProblems.BadRequest($"The {(field == "since" ? "query parameter" : "header")} '{field}' ({ToolRepresentation.Echo(text)}) is not a revision: give a whole number of 0 or more.", field);
        }

        if (catalog.Current.Source != CatalogSource.Database || feed.Floor < 0)
        {
            return ApiProblems.CatalogNotLoaded(catalog.Current.Source);
        }

        var follower = feed.Subscribe(revision, FollowerSecrets.MayRead(context.User, options.Value));
        if (follower is null)
        {
            return ApiProblems.ChangeWindowPassed(revision, feed.Floor, catalog.Current.Revision);
        }

        return new ChangeStreamResult(follower, catalog.Current.Revision);
    }

    /// <summary>br or gzip when the request accepts it (q &gt; 0), br first; else none.</summary>
    private static string? ChooseEncoding(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        bool Accepts(string name) => accepted.Any(a => string.Equals(a.Value.Value, name, StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) > 0);
        return Accepts("br") ? "br" : Accepts("gzip") ? "gzip" : null;
    }

    /// <summary>The strong tag of the catalog at <paramref name="revision"/> in one encoding: <c>"catalog-42"</c>, <c>"catalog-42-br"</c>.</summary>
    internal static string ETagOf(long revision, string? encoding) =>
        string.Create(CultureInfo.InvariantCulture, $"\"catalog-{revision}{(encoding is null ? "" : "-" + encoding)}\"");

    /// <summary>Whether If-None-Match names this revision's catalog in any encoding (or <c>*</c>).</summary>
    private static bool NoneMatch(string ifNoneMatch, long revision)
    {
        if (string.IsNullOrWhiteSpace(ifNoneMatch))
        {
            return false;
        }

        foreach (var part in ifNoneMatch.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var opaque = part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part;
            if (opaque == "*" || opaque == ETagOf(revision, null) || opaque == ETagOf(revision, "br") || opaque == ETagOf(revision, "gzip"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>{"revision":42,"tools":[document, …],"experiments":[…]}</c>, tools by name; with <paramref name="sealedSecrets"/>
    /// also <c>"sealed_secrets":{"tool":[…]}</c> for the tools that hold secrets (see <see cref="FollowerDocuments"/>).
    /// </summary>
    private static byte[] RenderCatalog(CatalogSnapshot snapshot, bool sealedSecrets)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(1024, snapshot.ToolCount * 1024));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("revision", snapshot.Revision);
            writer.WriteStartArray("tools");
            foreach (var tool in Endpoints.ToolReadEndpoints.ByName(snapshot))
            {
                writer.WriteRawValue(ToolRepresentation.Utf8(tool.Definition), skipInputValidation: true);
            }

            writer.WriteEndArray();
            FollowerDocuments.WriteExperiments(writer, snapshot.Experiments, null, ToolRepresentation.Utf8, sealedSecrets);
            if (sealedSecrets)
            {
                writer.WriteStartObject(FollowerDocuments.SealedSecretsProperty);
                foreach (var tool in Endpoints.ToolReadEndpoints.ByName(snapshot))
                {
                    if (FollowerDocuments.HasSealedSecrets(tool.Definition))
                    {
                        writer.WritePropertyName(tool.Name);
                        FollowerDocuments.WriteSecretList(writer, tool.Definition);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One snapshot's catalog documents: the masked one every viewer gets, and (rendered on first use) the one with sealed secrets.</summary>
    private sealed class CatalogBodies(CatalogSnapshot snapshot)
    {
        private readonly Lazy<CatalogBody> _sealed = new(() => new CatalogBody(RenderCatalog(snapshot, sealedSecrets: true)));

        public CatalogBody Masked { get; } = new(RenderCatalog(snapshot, sealedSecrets: false));

        public CatalogBody Sealed => _sealed.Value;
    }

    /// <summary>One snapshot's catalog document, compressed at most once per encoding.</summary>
    private sealed class CatalogBody(byte[] identity)
    {
        private readonly Lazy<byte[]> _gzip = new(() => Compress(identity, static s => new GZipStream(s, CompressionLevel.Fastest, leaveOpen: true)));
        private readonly Lazy<byte[]> _brotli = new(() => Compress(identity, static s => new BrotliStream(s, CompressionLevel.Fastest, leaveOpen: true)));

        public byte[] For(string? encoding) => encoding switch
        {
            "br" => _brotli.Value,
            "gzip" => _gzip.Value,
            _ => identity,
        };

        private static byte[] Compress(byte[] data, Func<Stream, Stream> wrap)
        {
            using var output = new MemoryStream(data.Length / 4);
            using (var compressor = wrap(output))
            {
                compressor.Write(data);
            }

            return output.ToArray();
        }
    }

    /// <summary>The catalog's bytes (or 304 when <c>body</c> is null) with its ETag, encoding and <c>Vary</c>.</summary>
    private sealed class CatalogResult(byte[]? body, string etag, string? encoding, bool privateBody = false) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => body is null ? StatusCodes.Status304NotModified : StatusCodes.Status200OK;

        public string ContentType => "application/json; charset=utf-8";

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.Headers.ETag = etag;
            response.Headers.Vary = HeaderNames.AcceptEncoding;
            response.Headers.CacheControl = privateBody ? "no-store" : "no-cache"; // sealed secrets are never kept by a cache
            if (body is null)
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            if (encoding is not null)
            {
                response.Headers.ContentEncoding = encoding;
            }

            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }

    /// <summary>
    /// The stream of one follower: a comment with the server's revision, then its queued events as they come (written
    /// by the feed into the response's <c>BodyWriter</c>, several before one flush), until the client leaves, the server
    /// stops, or the follower fell too far behind (then <c>event: reload</c>).
    /// </summary>
    private sealed class ChangeStreamResult(CatalogChangeFeed.Follower follower, long serverRevision) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => StatusCodes.Status200OK;

        public string ContentType => EventStream;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            using (follower)
            {
                var response = httpContext.Response;
                var stop = httpContext.RequestAborted;
                httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = EventStream;
                response.Headers.CacheControl = "no-store";
                response.Headers["X-Accel-Buffering"] = "no";
                var body = response.BodyWriter;
                try
                {
                    await body.WriteAsync(System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"retry: 1000\n: server revision {serverRevision}\n\n")), stop).ConfigureAwait(false);

                    // From here the feed writes the shared event bytes into this response's writer itself (several queued
                    // ones before one flush), on the thread that offers them; this request only waits for the end.
                    await follower.AttachAsync(body, stop).ConfigureAwait(false);
                    if (follower.MustReload && !stop.IsCancellationRequested)
                    {
                        await body.WriteAsync(ReloadEvent, stop).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // The follower left.
                }
            }
        }
    }

    /// <summary>Creates the feed when the host starts, so its window opens with the server's first snapshot.</summary>
    /// <remarks>When the host begins to stop, every follower's stream ends (so shutdown does not wait for them); they
    /// resume from their revision on another replica or on this one's return.</remarks>
    private sealed class ChangeFeedStarter(CatalogChangeFeed feed, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStopping.Register(feed.Dispose);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            feed.Dispose();
            return Task.CompletedTask;
        }
    }
}
