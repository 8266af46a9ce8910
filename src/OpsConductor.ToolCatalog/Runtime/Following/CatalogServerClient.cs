using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// The catalog's HTTP side when it follows a management server (<see cref="ToolCatalogOptions.Server"/>): the whole
/// catalog (<c>GET /api/v1/catalog</c>, compressed, conditional on the held revision) and the change feed
/// (<c>GET /api/v1/changes</c>, Server-Sent Events, resumed with <c>Last-Event-ID</c>). It owns one
/// <see cref="SocketsHttpHandler"/> (connections recycled every few minutes so a load balancer's address changes are
/// followed; no <c>IHttpClientFactory</c> dependency for a library that holds one long-lived client) and sends the
/// viewer key as <c>X-Api-Key</c>. Tool documents are read back with the tool file reader (a document is the canonical
/// tool file as JSON, which is YAML).
/// </summary>
internal sealed class CatalogServerClient : IDisposable
{
    /// <summary>How long a catalog request or the change feed's response headers may take.</summary>
    internal static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private const string ApiKeyHeader = "X-Api-Key";
    private readonly HttpClient _http;
    private readonly ToolYamlReader _reader = new();

    public CatalogServerClient(ToolCatalogOptions options)
    {
        Servers = [BaseAddress(options.Server!), .. options.ServerReplicas.Select(BaseAddress)];
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.Brotli | DecompressionMethods.GZip,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            AllowAutoRedirect = false,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.TryAddWithoutValidation(ApiKeyHeader, options.ServerApiKey);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("OpsConductor.ToolCatalog", typeof(CatalogServerClient).Assembly.GetName().Version?.ToString(3) ?? "1.0.0"));
    }

    /// <summary>The servers to try, in order: <see cref="ToolCatalogOptions.Server"/>, then the replicas (each ending with '/').</summary>
    public IReadOnlyList<Uri> Servers { get; }

    /// <summary>
    /// The whole catalog from <paramref name="server"/>, or null when it is still at <paramref name="heldRevision"/>
    /// (304 to the conditional request; pass null for an unconditional one).
    /// </summary>
    /// <exception cref="CatalogServerException">The server refused, failed, or answered something that is not a catalog.</exception>
    public async Task<ServerCatalog?> GetCatalogAsync(Uri server, long? heldRevision, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "api/v1/catalog"));
        if (heldRevision is { } held)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", string.Create(CultureInfo.InvariantCulture, $"\"catalog-{held}\""));
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return null;
            }

            await EnsureSuccessAsync(server, "GET /api/v1/catalog", response, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                using var document = await JsonDocument.ParseAsync(body, default, timeout.Token).ConfigureAwait(false);
                return ReadCatalog(server, document.RootElement);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CatalogServerException(server, null, $"GET /api/v1/catalog did not answer within {RequestTimeout.TotalSeconds:0} s.");
        }
        catch (JsonException e)
        {
            throw new CatalogServerException(server, null, $"GET /api/v1/catalog answered something that is not JSON: {e.Message}");
        }
    }

    /// <summary>
    /// Opens the change feed after <paramref name="since"/> (as <c>since</c> and <c>Last-Event-ID</c>): the response
    /// whose body is the stream, or null when the revision has left the server's change window (410: reload the catalog).
    /// </summary>
    /// <exception cref="CatalogServerException">The server refused or failed.</exception>
    public async Task<HttpResponseMessage?> OpenChangesAsync(Uri server, long since, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        var text = since.ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "api/v1/changes?since=" + text));
        request.Headers.TryAddWithoutValidation("Last-Event-ID", text);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        HttpResponseMessage? response = null;
        try
        {
            // The body is streamed: the timeout covers the headers only (cancelled below once they came).
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Gone)
            {
                response.Dispose();
                return null;
            }

            await EnsureSuccessAsync(server, "GET /api/v1/changes", response, timeout.Token).ConfigureAwait(false);
            if (!string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                throw new CatalogServerException(server, (int)response.StatusCode, $"GET /api/v1/changes answered {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not text/event-stream (is the address a catalog server?).");
            }

            var stream = response;
            response = null;
            return stream;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CatalogServerException(server, null, $"GET /api/v1/changes did not answer within {RequestTimeout.TotalSeconds:0} s.");
        }
        finally
        {
            response?.Dispose();
        }
    }

    /// <summary>
    /// Reads one <c>change</c> event's data: <c>{"revision":…,"previous_revision":…,"changes":[{"tool","kind","document"}]}</c>.
    /// </summary>
    /// <exception cref="CatalogServerException">The data is not such an event, or a document is not a readable tool.</exception>
    public ServerChange ReadChange(Uri server, string data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            var revision = root.GetProperty("revision").GetInt64();
            var previous = root.GetProperty("previous_revision").GetInt64();
            var changes = root.GetProperty("changes");
            var states = new ToolState[changes.GetArrayLength()];
            var i = 0;
            foreach (var change in changes.EnumerateArray())
            {
                var name = change.GetProperty("tool").GetString() ?? throw new KeyNotFoundException("tool");
                var sealedSecrets = change.TryGetProperty(FollowerDocuments.SealedSecretsProperty, out var s) ? s : (JsonElement?)null;
                var tool = change.GetProperty("document") is { ValueKind: JsonValueKind.Object } d ? ReadTool(server, d, name, revision, sealedSecrets) : null;
                states[i++] = new ToolState(name, tool);
            }

            var experiments = FollowerDocuments.ReadExperiments(root, (d, s) => ReadTool(server, d, null, revision, s));
            return new ServerChange(revision, previous, states, experiments);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CatalogServerException(server, null, $"A change event of GET /api/v1/changes is not readable ({e.Message}); expected revision, previous_revision and changes.");
        }
    }

    public void Dispose() => _http.Dispose();

    private ServerCatalog ReadCatalog(Uri server, JsonElement root)
    {
        try
        {
            var revision = root.GetProperty("revision").GetInt64();
            var tools = root.GetProperty("tools");
            // One pool of short texts for the whole load: the tools' repeated types, names and phrases become one
            // string each in the snapshot (docs/scaling.md, "Where a follower's memory goes").
            _reader.ScalarPool = new Dictionary<string, string>(StringComparer.Ordinal);
            var sealedSecrets = root.TryGetProperty(FollowerDocuments.SealedSecretsProperty, out var s) ? s : (JsonElement?)null;
            var definitions = new ToolDefinition[tools.GetArrayLength()];
            var i = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var read = ReadTool(server, tool, null, revision, null);
                definitions[i++] = sealedSecrets is { } map && map.TryGetProperty(read.Name, out var secrets)
                    ? FollowerDocuments.RestoreSealedSecrets(read, secrets)
                    : read;
            }

            var experiments = FollowerDocuments.ReadExperiments(root, (d, secrets) => ReadTool(server, d, null, revision, secrets));
            return new ServerCatalog(revision, definitions, experiments);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CatalogServerException(server, null, $"GET /api/v1/catalog answered JSON that is not a catalog ({e.Message}); expected revision and tools.");
        }
        finally
        {
            _reader.ScalarPool = null;
        }
    }

    private ToolDefinition ReadTool(Uri server, JsonElement document, string? expectedName, long revision, JsonElement? sealedSecrets)
    {
        var source = string.Create(CultureInfo.InvariantCulture, $"{server}api/v1 (revision {revision})");
        var read = _reader.Read(document.GetRawText(), source);
        if (!read.IsReadable || read.Tools.Count != 1)
        {
            var why = read.ParseErrors.Count > 0 ? read.ParseErrors[0].Message : $"{read.Tools.Count} tools in one document";
            throw new CatalogServerException(server, null, $"The document of tool '{expectedName ?? "?"}' at revision {revision} is not a readable tool: {why}.");
        }

        var tool = read.Tools[0];
        if (expectedName is not null && !string.Equals(tool.Name, expectedName, StringComparison.Ordinal))
        {
            throw new CatalogServerException(server, null, $"A change event names tool '{expectedName}' but carries the document of '{tool.Name}' (revision {revision}).");
        }

        return sealedSecrets is { } secrets ? FollowerDocuments.RestoreSealedSecrets(tool, secrets) : tool;
    }

    private static async Task EnsureSuccessAsync(Uri server, string what, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        string detail;
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var problem = JsonDocument.Parse(text);
            detail = problem.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            detail = "";
        }

        if (detail.Length > 300)
        {
            detail = string.Concat(detail.AsSpan(0, 300), "…");
        }

        var message = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => $"{what} was refused: 401 Unauthorized. The server did not accept ToolCatalogOptions.ServerApiKey (missing, wrong, expired or revoked); give an API key with the role viewer. Nothing was applied.",
            HttpStatusCode.Forbidden => $"{what} was refused: 403 Forbidden. The key of ToolCatalogOptions.ServerApiKey may not read the catalog; give an API key with the role viewer. Nothing was applied.",
            _ => string.Create(CultureInfo.InvariantCulture, $"{what} failed: {status} {response.ReasonPhrase}{(detail.Length > 0 ? ": " + detail : "")}"),
        };
        throw new CatalogServerException(server, status, message);
    }

    /// <summary>The address with a trailing '/', so relative paths resolve under it (https://host/catalog → https://host/catalog/api/v1/…).</summary>
    private static Uri BaseAddress(Uri address) =>
        address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");

    /// <summary>Whether a failure came from a server or host that answered (refused, reset, an HTTP error): worth retrying soon.</summary>
    public static bool ServerAnswered(Exception e) => e switch
    {
        CatalogServerException { Status: 401 or 403 } => false,
        CatalogServerException { Status: not null } => true,
        HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.ConnectionReset } } => true,
        HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => true,
        _ => false,
    };
}

/// <summary>The catalog as a server answered it: its revision, every tool's latest version, and the running experiments
/// (null when the server does not send them).</summary>
internal sealed record ServerCatalog(long Revision, IReadOnlyList<ToolDefinition> Tools, RunningExperimentSet? Experiments = null);

/// <summary>One change event: the revision it brings, the one it follows, each changed tool's new state, and the running
/// experiments at the revision (null when the server does not send them: the held ones stay).</summary>
internal sealed record ServerChange(long Revision, long Previous, IReadOnlyList<ToolState> Changes, RunningExperimentSet? Experiments = null);

/// <summary>A catalog server refused, failed, or answered something else than the catalog API (the message says which and what to do).</summary>
internal sealed class CatalogServerException : ToolCatalogException
{
    public CatalogServerException(Uri server, int? status, string message)
        : base($"Catalog server {server}: {message}")
    {
        Server = server;
        Status = status;
    }

    public CatalogServerException()
    {
        Server = new Uri("http://localhost/");
    }

    public CatalogServerException(string message)
        : base(message)
    {
        Server = new Uri("http://localhost/");
    }

    public CatalogServerException(string message, Exception innerException)
        : base(message, innerException)
    {
        Server = new Uri("http://localhost/");
    }

    /// <summary>The server that answered.</summary>
    public Uri Server { get; }

    /// <summary>The HTTP status, when there was one.</summary>
    public int? Status { get; }
}

/// <summary>
/// Reads Server-Sent Events line by line (the WHATWG rules the feed uses: <c>event:</c>, <c>data:</c> lines joined by
/// a line feed, <c>id:</c>, comments, a blank line ends an event).
/// </summary>
internal sealed class ServerSentEventParser
{
    private readonly System.Text.StringBuilder _data = new();
    private string? _type;

    /// <summary>Feeds one line (without its end); returns the event a blank line completes, else null.</summary>
    public ServerSentEvent? Feed(string line)
    {
        if (line.Length == 0)
        {
            if (_type is null && _data.Length == 0)
            {
                return null;
            }

            var e = new ServerSentEvent(_type ?? "message", _data.ToString());
            _type = null;
            _data.Clear();
            return e;
        }

        if (line[0] == ':')
        {
            return null;
        }

        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? "" : line[(colon + 1)..];
        if (value.StartsWith(' '))
        {
            value = value[1..];
        }

        switch (field)
        {
            case "event":
                _type = value;
                break;
            case "data":
                if (_data.Length > 0)
                {
                    _data.Append('\n');
                }

                _data.Append(value);
                break;
        }

        return null;
    }
}

/// <summary>One Server-Sent Event: its type and data.</summary>
internal sealed record ServerSentEvent(string Type, string Data);
