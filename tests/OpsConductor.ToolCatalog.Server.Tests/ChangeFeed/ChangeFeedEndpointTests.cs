using System.IO.Compression;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsConductor.ToolCatalog.AspNetCore;
using OpsConductor.ToolCatalog.AspNetCore.ChangeFeed;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.ChangeFeed;

[TestFixture]
public sealed class ChangeFeedEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private ServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await ServerHost.StartAsync(h => h.ServeOverKestrel().ConfigureServices(s =>
        s.Configure<ToolCatalogServerOptions>(o =>
        {
            o.ChangeFeedWindow = 5;
            o.ChangeFeedFollowerQueue = 3;
            o.ChangeFeedKeepAliveInterval = TimeSpan.FromSeconds(1);
        })));

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task A_follower_gets_each_committed_change_as_an_event_with_the_revision_and_the_tools_document()
    {
        using var cancel = new CancellationTokenSource(Patience);
        var since = await CurrentRevisionAsync();
        using var client = _host.ClientAs("viewer");
        using var response = await OpenFeedAsync(client, $"/api/v1/changes?since={since}", cancel.Token);
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));

        var written = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "feed-live"));
        var change = await NextChangeAsync(events, cancel.Token);

        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
            Assert.That(change.Id, Is.EqualTo(written.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            using var data = JsonDocument.Parse(change.Data);
            var root = data.RootElement;
            Assert.That(root.GetProperty("revision").GetInt64(), Is.EqualTo(written.Revision));
            Assert.That(root.GetProperty("previous_revision").GetInt64(), Is.EqualTo(since));
            var tool = root.GetProperty("changes")[0];
            Assert.That(tool.GetProperty("tool").GetString(), Is.EqualTo("feed-live-00001"));
            Assert.That(tool.GetProperty("kind").GetString(), Is.EqualTo("added"));
            Assert.That(tool.GetProperty("document").GetProperty("tool_name").GetString(), Is.EqualTo("feed-live-00001"));
        });
    }

    [Test]
    public async Task Resuming_from_Last_Event_ID_replays_the_changes_after_it_in_revision_order()
    {
        using var cancel = new CancellationTokenSource(Patience);
        var first = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "feed-resume-a"));
        await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "feed-resume-b"));
        var third = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "feed-resume-c"));
        await _host.Catalog.WaitForRevisionAsync(third.Revision, cancel.Token);
        using var client = _host.ClientAs("viewer");
        client.DefaultRequestHeaders.Add("Last-Event-ID", first.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var response = await OpenFeedAsync(client, "/api/v1/changes?since=0", cancel.Token);
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var revisions = new List<long>();
        var previous = new List<long>();
        var tools = new List<string>();
        while (revisions.Count == 0 || revisions[^1] < third.Revision)
        {
            using var data = JsonDocument.Parse((await NextChangeAsync(events, cancel.Token)).Data);
            revisions.Add(data.RootElement.GetProperty("revision").GetInt64());
            previous.Add(data.RootElement.GetProperty("previous_revision").GetInt64());
            tools.AddRange(data.RootElement.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("tool").GetString()!));
        }

        Assert.Multiple(() =>
        {
            Assert.That(revisions, Is.Ordered);
            Assert.That(revisions, Is.All.GreaterThan(first.Revision));
            Assert.That(previous[0], Is.LessThanOrEqualTo(first.Revision), "the events chain from the resumed revision (the server may coalesce revisions)");
            Assert.That(previous.Skip(1), Is.EqualTo(revisions.SkipLast(1)), "each event follows the one before");
            Assert.That(tools, Does.Contain("feed-resume-b-00001").And.Contain("feed-resume-c-00001"));
        });
    }

    [Test]
    public async Task A_revision_that_left_the_change_window_gets_410_telling_the_follower_to_reload_the_catalog()
    {
        var old = await CurrentRevisionAsync();
        for (var i = 0; i < 7; i++)
        {
            var written = await _host.Store.CreateAsync(GeneratedTools.Create(i, prefix: "feed-window"));
            await _host.Catalog.WaitForRevisionAsync(written.Revision);
        }

        using var client = _host.ClientAs("viewer");
        using var response = await client.GetAsync($"/api/v1/changes?since={old}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("change-window-passed"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain($"revision {old}").And.Contain("GET /api/v1/catalog"));
    }

    [TestCase("since=abc", "since")]
    [TestCase("since=-1", "since")]
    [TestCase("", "since")]
    public async Task A_since_that_is_not_a_revision_gets_400_naming_it(string query, string field)
    {
        using var client = _host.ClientAs("viewer");

        using var response = await client.GetAsync($"/api/v1/changes?{query}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"'{field}'"));
    }

    [Test]
    public async Task An_idle_follower_gets_keep_alive_comments()
    {
        using var cancel = new CancellationTokenSource(Patience);
        using var client = _host.ClientAs("viewer");
        using var response = await OpenFeedAsync(client, $"/api/v1/changes?since={await CurrentRevisionAsync()}", cancel.Token);
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(cancel.Token));

        SseEvent? block;
        do
        {
            block = await events.NextAsync(cancel.Token, includeComments: true);
        }
        while (block is not null && block.Comment != "keep-alive");

        Assert.That(block?.Comment, Is.EqualTo("keep-alive"));
    }

    [Test]
    public async Task A_follower_without_a_key_is_refused_with_401()
    {
        using var client = _host.Anonymous();

        using var feed = await client.GetAsync("/api/v1/changes?since=0");
        using var catalog = await client.GetAsync("/api/v1/catalog");

        Assert.That(feed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(catalog.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Every_follower_is_handed_the_same_rendered_event_not_a_copy()
    {
        var feed = _host.Services.GetRequiredService<CatalogChangeFeed>();
        var since = _host.Catalog.Revision;
        using var one = feed.Subscribe(since)!;
        using var two = feed.Subscribe(since)!;

        var written = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "feed-shared"));
        await _host.Catalog.WaitForRevisionAsync(written.Revision);
        var a = NextEvent(one);
        var b = NextEvent(two);

        Assert.That(MemoryMarshal.TryGetArray(a.Bytes, out var left) && MemoryMarshal.TryGetArray(b.Bytes, out var right) && ReferenceEquals(left.Array, right.Array), Is.True);
    }

    [Test]
    public async Task A_follower_ahead_of_this_replica_gets_only_the_events_past_its_revision()
    {
        var feed = _host.Services.GetRequiredService<CatalogChangeFeed>();
        var ahead = _host.Catalog.Revision + 1; // as if another replica had already sent it the next revision
        using var follower = feed.Subscribe(ahead)!;

        var caughtUp = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "feed-ahead"));
        await _host.Catalog.WaitForRevisionAsync(caughtUp.Revision);
        var next = await _host.Store.CreateAsync(GeneratedTools.Create(2, prefix: "feed-ahead"));
        await _host.Catalog.WaitForRevisionAsync(next.Revision);

        Assert.That(caughtUp.Revision, Is.EqualTo(ahead));
        Assert.That(NextEvent(follower).Revision, Is.EqualTo(next.Revision));
    }

    [Test]
    public async Task Keep_alives_never_fill_an_idle_followers_queue_so_the_next_change_still_reaches_it()
    {
        var feed = _host.Services.GetRequiredService<CatalogChangeFeed>();
        using var idle = feed.Subscribe(_host.Catalog.Revision)!;
        for (var i = 0; i < 10; i++)
        {
            feed.SendKeepAlive(); // many keep-alive intervals pass while the follower's connection reads nothing
        }

        var written = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "feed-idle"));
        await _host.Catalog.WaitForRevisionAsync(written.Revision);

        Assert.That(NextEvent(idle).Revision, Is.EqualTo(written.Revision));
        Assert.That(idle.MustReload, Is.False);
    }

    [Test]
    public async Task A_follower_that_falls_behind_its_queue_is_told_to_reload()
    {
        var feed = _host.Services.GetRequiredService<CatalogChangeFeed>();
        var options = _host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ToolCatalogServerOptions>>().Value;
        using var slow = feed.Subscribe(_host.Catalog.Revision)!;

        // The runtime releases WaitForRevisionAsync before it raises Changed, so the feed may not have offered the last
        // event yet when the write is awaited. A handler added after the feed's runs after it for each snapshot: once
        // it has seen the last revision, so has the feed.
        long seen = 0;
        var offered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long target = long.MaxValue;
        void OnChanged(object? sender, CatalogChangedEventArgs e)
        {
            InterlockedMax(ref seen, e.Current.Revision);
            if (e.Current.Revision >= Volatile.Read(ref target))
            {
                offered.TrySetResult();
            }
        }

        _host.Catalog.Changed += OnChanged;
        try
        {
            long last = 0;
            for (var i = 0; i <= options.ChangeFeedFollowerQueue; i++)
            {
                var written = await _host.Store.CreateAsync(GeneratedTools.Create(i, prefix: "feed-slow"));
                last = written.Revision;
                await _host.Catalog.WaitForRevisionAsync(written.Revision);
            }

            Volatile.Write(ref target, last);
            if (Volatile.Read(ref seen) >= last)
            {
                offered.TrySetResult();
            }

            await offered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _host.Catalog.Changed -= OnChanged;
        }

        Assert.That(slow.MustReload, Is.True);
    }

    [Test]
    public async Task Several_queued_events_are_written_to_the_response_in_revision_order_before_one_flush()
    {
        using var feed = QuietFeed();
        var since = _host.Catalog.Revision;
        var revisions = new List<long>();
        for (var i = 1; i <= 3; i++)
        {
            var written = await _host.Store.CreateAsync(GeneratedTools.Create(i, prefix: "feed-batch"));
            await _host.Catalog.WaitForRevisionAsync(written.Revision);
            revisions.Add(written.Revision);
        }

        using var follower = feed.Subscribe(since)!; // the three wait in its queue, as while a new stream writes its preamble
        var pipe = new Pipe();
        var writer = new CountingWriter(pipe.Writer);
        _ = follower.AttachAsync(writer, CancellationToken.None);
        await ReadAvailableAsync(pipe.Reader);

        Assert.Multiple(() =>
        {
            Assert.That(writer.Flushes, Is.Not.Empty);
            Assert.That(Ids(writer.Flushes[0]), Is.EqualTo(revisions), "all three, in order, in the first flush");
            Assert.That(follower.Queued.Where(static e => e.Revision > 0), Is.Empty);
        });
        await pipe.Reader.CompleteAsync();
    }

    [Test]
    public async Task While_a_flush_waits_for_a_slow_connection_changes_queue_keep_alives_do_not_and_the_queue_goes_out_in_order_when_it_drains()
    {
        using var feed = QuietFeed();
        using var follower = feed.Subscribe(_host.Catalog.Revision)!;
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1)); // every flush waits for the reader
        var ended = follower.AttachAsync(pipe.Writer, CancellationToken.None);

        var first = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "feed-drain"));
        await _host.Catalog.WaitForRevisionAsync(first.Revision); // written, its flush waiting
        for (var i = 0; i < 5; i++)
        {
            feed.SendKeepAlive();
        }

        var second = await _host.Store.CreateAsync(GeneratedTools.Create(2, prefix: "feed-drain"));
        await _host.Catalog.WaitForRevisionAsync(second.Revision);
        var third = await _host.Store.CreateAsync(GeneratedTools.Create(3, prefix: "feed-drain"));
        await _host.Catalog.WaitForRevisionAsync(third.Revision);
        var queued = follower.Queued;

        var text = await ReadAvailableAsync(pipe.Reader);
        while (Ids(text).LastOrDefault() < third.Revision)
        {
            text += await ReadAvailableAsync(pipe.Reader);
        }

        Assert.Multiple(() =>
        {
            Assert.That(queued.Select(static e => e.Revision), Is.EqualTo(new[] { second.Revision, third.Revision }), "only changes wait in the queue");
            Assert.That(Ids(text), Is.EqualTo(new[] { first.Revision, second.Revision, third.Revision }));
            Assert.That(text, Does.Not.Contain("keep-alive"));
            Assert.That(follower.MustReload, Is.False);
        });
        await pipe.Reader.CompleteAsync();
        feed.SendKeepAlive(); // the next write finds the connection gone (this feed sends no keep-alives of its own, and no token ends it)
        await ended.WaitAsync(Patience); // the follower ends
    }

    [Test]
    public async Task The_catalog_comes_compressed_with_a_strong_etag_on_the_revision_and_304_when_unchanged()
    {
        var written = await _host.Store.CreateAsync(GeneratedTools.Create(1, prefix: "catalog-doc"));
        var snapshot = await _host.Catalog.WaitForRevisionAsync(written.Revision);
        using var client = _host.ClientAs("viewer");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/catalog");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await client.SendAsync(request);
        var etag = response.Headers.ETag;
        using var unzipped = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var body = await JsonDocument.ParseAsync(unzipped);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }));
            Assert.That(etag?.IsWeak, Is.False);
            Assert.That(etag?.Tag, Does.Contain(snapshot.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(body.RootElement.GetProperty("revision").GetInt64(), Is.EqualTo(snapshot.Revision));
            Assert.That(body.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("tool_name").GetString()), Does.Contain("catalog-doc-00001"));
            Assert.That(body.RootElement.GetProperty("tools").GetArrayLength(), Is.EqualTo(snapshot.ToolCount));
        });

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/catalog");
        again.Headers.IfNoneMatch.Add(etag!);
        using var unchanged = await client.SendAsync(again);
        Assert.That(unchanged.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));

        var later = await _host.Store.CreateAsync(GeneratedTools.Create(2, prefix: "catalog-doc"));
        await _host.Catalog.WaitForRevisionAsync(later.Revision);
        using var third = new HttpRequestMessage(HttpMethod.Get, "/api/v1/catalog");
        third.Headers.IfNoneMatch.Add(etag!);
        using var changed = await client.SendAsync(third);
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a new revision is a new catalog");
    }

    private async Task<long> CurrentRevisionAsync()
    {
        using var client = _host.ClientAs("viewer");
        var body = await client.GetFromJsonAsync<JsonElement>("/api/v1/catalog");
        return body.GetProperty("revision").GetInt64();
    }

    private static async Task<HttpResponseMessage> OpenFeedAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Fail($"{response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return response;
    }

    private static async Task<SseEvent> NextChangeAsync(SseReader events, CancellationToken cancellationToken)
    {
        var next = await events.NextAsync(cancellationToken);
        Assert.That(next, Is.Not.Null, "the stream ended");
        Assert.That(next!.Event, Is.EqualTo("change"));
        return next;
    }

    /// <summary>The first change queued for a follower no response drains (the runtime raises <c>Changed</c>, so the feed
    /// offers, before <c>WaitForRevisionAsync</c> returns).</summary>
    private static CatalogChangeFeed.FeedEvent NextEvent(CatalogChangeFeed.Follower follower)
    {
        var changes = follower.Queued.Where(static e => e.Revision > 0).ToArray(); // not the keep-alives
        Assert.That(changes, Is.Not.Empty, "nothing was queued for the follower");
        return changes[0];
    }

    /// <summary>A feed of its own on the host's catalog whose keep-alives come only when the test sends them.</summary>
    private CatalogChangeFeed QuietFeed() =>
        new(_host.Catalog, Microsoft.Extensions.Options.Options.Create(new ToolCatalogServerOptions
        {
            ChangeFeedWindow = 5,
            ChangeFeedFollowerQueue = 3,
            ChangeFeedKeepAliveInterval = TimeSpan.FromHours(1),
        }));

    private static async Task<string> ReadAvailableAsync(PipeReader reader)
    {
        using var cancel = new CancellationTokenSource(Patience);
        var result = await reader.ReadAsync(cancel.Token);
        var text = Encoding.UTF8.GetString(result.Buffer);
        reader.AdvanceTo(result.Buffer.End);
        return text;
    }

    private static long[] Ids(string stream) =>
        [.. stream.Split('\n').Where(static l => l.StartsWith("id: ", StringComparison.Ordinal)).Select(static l => long.Parse(l[4..], System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>A response writer that keeps the text of each flush (what was written since the one before).</summary>
    private sealed class CountingWriter(PipeWriter inner) : PipeWriter
    {
        private readonly Lock _gate = new();
        private readonly List<string> _flushes = [];
        private readonly StringBuilder _pending = new();
        private Memory<byte> _last;

        public string[] Flushes
        {
            get
            {
                lock (_gate)
                {
                    return [.. _flushes];
                }
            }
        }

        public override void Advance(int bytes)
        {
            lock (_gate)
            {
                _pending.Append(Encoding.UTF8.GetString(_last.Span[..bytes]));
            }

            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => _last = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                _flushes.Add(_pending.ToString());
                _pending.Clear();
            }

            return inner.FlushAsync(cancellationToken);
        }
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Volatile.Read(ref location);
        while (value > current)
        {
            var previous = Interlocked.CompareExchange(ref location, value, current);
            if (previous == current)
            {
                return;
            }

            current = previous;
        }
    }
}
