using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.IO.Pipelines;
using Microsoft.Extensions.Options;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.AspNetCore.ChangeFeed;

/// <summary>
/// The server's change feed: every new database snapshot the server's own runtime publishes (fed by its one LISTEN
/// connection) becomes one Server-Sent Event, rendered to bytes ONCE and written from that one array into every
/// follower's response (queued by reference only while a follower's previous write is still flushing). The last
/// <see cref="ToolCatalogServerOptions.ChangeFeedWindow"/> events are kept in a ring so a follower resumes from the revision it holds; one older than the window is told to reload. A follower that does not
/// keep up (its queue full) is told to reload and disconnected instead of slowing the others or growing memory.
/// </summary>
internal sealed class CatalogChangeFeed : IDisposable
{
    private static readonly ReadOnlyMemory<byte> KeepAliveBytes = ": keep-alive\n\n"u8.ToArray();
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default };

    private readonly IToolCatalog _catalog;
    private readonly ToolCatalogServerOptions _options;
    private readonly Lock _lock = new();
    private readonly FeedEvent[] _ring;
    private readonly ITimer _keepAlive;
    private int _ringStart;
    private int _ringCount;
    private long _floor = -1;
    private long _lastRevision = -1;
    private Dictionary<string, CatalogToolChange>? _held;
    private Follower[] _followers = [];

    public CatalogChangeFeed(IToolCatalog catalog, IOptions<ToolCatalogServerOptions> options, TimeProvider? time = null)
    {
        _catalog = catalog;
        _options = options.Value;
        _ring = new FeedEvent[Math.Max(1, _options.ChangeFeedWindow)];
        catalog.Changed += OnChanged;
        lock (_lock)
        {
            var current = catalog.Current;
            if (_floor < 0 && current.Source == CatalogSource.Database)
            {
                _floor = _lastRevision = current.Revision;
            }
        }

        var interval = _options.ChangeFeedKeepAliveInterval;
        _keepAlive = (time ?? TimeProvider.System).CreateTimer(static s => ((CatalogChangeFeed)s!).SendKeepAlive(), this, interval, interval);
    }

    /// <summary>How many followers are connected now.</summary>
    public int FollowerCount => Volatile.Read(ref _followers).Length;

    /// <summary>The oldest revision a follower may resume from, or -1 while the server holds no database snapshot.</summary>
    public long Floor
    {
        get
        {
            lock (_lock)
            {
                return _floor;
            }
        }
    }

    /// <summary>
    /// Subscribes a follower holding <paramref name="since"/>: the events after it still in the window come first (in
    /// revision order), then the live ones. Null when <paramref name="since"/> is older than the window (reload).
    /// A follower ahead of this server (another replica answered it before) gets the events after its revision as this
    /// server reaches them.
    /// </summary>
    /// <param name="since">The revision the follower holds.</param>
    /// <param name="sealedSecrets">Whether the follower is sent the events' sealed secrets (<see cref="FollowerSecrets"/>).</param>
    public Follower? Subscribe(long since, bool sealedSecrets = false)
    {
        lock (_lock)
        {
            if (_floor < 0 || since < _floor)
            {
                return null;
            }

            var first = 0;
            while (first < _ringCount && _ring[(_ringStart + first) % _ring.Length].Revision <= since)
            {
                first++;
            }

            var follower = new Follower(this, Math.Max(1, _options.ChangeFeedFollowerQueue) + (_ringCount - first), since) { SealedSecrets = sealedSecrets };
            for (var i = first; i < _ringCount; i++)
            {
                follower.Offer(_ring[(_ringStart + i) % _ring.Length]);
            }

            _followers = [.. _followers, follower];
            return follower;
        }
    }

    public void Dispose()
    {
        _catalog.Changed -= OnChanged;
        _keepAlive.Dispose();
        lock (_lock)
        {
            foreach (var follower in _followers)
            {
                follower.Complete(reload: false);
            }

            _followers = [];
        }
    }

    private void Remove(Follower follower)
    {
        lock (_lock)
        {
            _followers = [.. _followers.Where(f => !ReferenceEquals(f, follower))];
        }
    }

    internal void SendKeepAlive()
    {
        var keepAlive = new FeedEvent(0, 0, KeepAliveBytes);
        foreach (var follower in Volatile.Read(ref _followers))
        {
            follower.Offer(keepAlive, keepAlive: true);
        }
    }

    /// <summary>
    /// A new snapshot of the server's runtime (raised on its sync thread, one at a time): a database snapshot past the
    /// last event becomes the next event. The first database snapshot (a start, or the switch from a fallback) only
    /// opens the window: there is nothing before it to describe.
    /// </summary>
    private void OnChanged(object? sender, CatalogChangedEventArgs e)
    {
        var next = e.Current;
        if (next.Source != CatalogSource.Database)
        {
            return;
        }

        lock (_lock)
        {
            if (_floor < 0 || e.Previous.Source != CatalogSource.Database)
            {
                _floor = _lastRevision = Math.Max(_lastRevision, next.Revision);
                _held = null;
                return;
            }

            if (next.Revision <= _lastRevision)
            {
                // The snapshot changed but its revision did not advance: a reload of one tool at the same revision, or a
                // tenant's view holding its revision while a change of its tenant is pending (decision 1901), which then
                // advances with the tenant's changes only. An event must advance the revision, so these changes are held
                // and go out with the next event that does.
                Hold(e.Changes);
                return;
            }

            var changes = TakeHeld(e.Changes);
            var feedEvent = new FeedEvent(next.Revision, _lastRevision, Render(_lastRevision, next.Revision, changes, next.Experiments, e.Previous.Experiments),
                FollowerSecrets.AnySealed(changes, next.Experiments) ? Render(_lastRevision, next.Revision, changes, next.Experiments, e.Previous.Experiments, sealedSecrets: true) : default);
            _lastRevision = next.Revision;
            if (_ringCount == _ring.Length)
            {
                _floor = _ring[_ringStart].Revision;
                _ringStart = (_ringStart + 1) % _ring.Length;
                _ringCount--;
            }

            _ring[(_ringStart + _ringCount) % _ring.Length] = feedEvent;
            _ringCount++;
            foreach (var follower in _followers)
            {
                follower.Offer(feedEvent);
            }
        }
    }

    /// <summary>Keeps <paramref name="changes"/> for the next event, each folded into what is already held for its tool.</summary>
    private void Hold(IReadOnlyList<CatalogToolChange> changes)
    {
        foreach (var change in changes)
        {
            _held ??= new(StringComparer.Ordinal);
            if (!_held.TryGetValue(change.Name, out var earlier))
            {
                _held[change.Name] = change;
            }
            else if (Fold(earlier, change) is { } folded)
            {
                _held[change.Name] = folded;
            }
            else
            {
                _held.Remove(change.Name);
            }
        }
    }

    /// <summary><paramref name="changes"/> with the held ones folded in (by tool name, ordinal order), and nothing held any more.</summary>
    private IReadOnlyList<CatalogToolChange> TakeHeld(IReadOnlyList<CatalogToolChange> changes)
    {
        if (_held is null)
        {
            return changes;
        }

        Hold(changes);
        var all = _held.Values.OrderBy(static c => c.Name, StringComparer.Ordinal).ToArray();
        _held = null;
        return all;
    }

    /// <summary>Two changes of one tool in a row as one (from the first's previous to the second's current); null when the tool
    /// was added and removed again in between.</summary>
    private static CatalogToolChange? Fold(CatalogToolChange first, CatalogToolChange second) =>
        (first.Previous, second.Current) switch
        {
            (null, null) => null,
            (null, _) => second with { Kind = ToolChangeKind.Added, Previous = null },
            (_, null) => second with { Kind = ToolChangeKind.Removed, Previous = first.Previous },
            _ => second with { Previous = first.Previous },
        };

    /// <summary>
    /// The event's bytes: <c>id: 43</c>, <c>event: change</c>, and one <c>data:</c> line of JSON
    /// <c>{"revision":43,"previous_revision":42,"changes":[{"tool":…,"kind":…,"document":{…}|null}]}</c>.
    /// </summary>
    /// <remarks>The event also carries the running experiments at its revision (<see cref="FollowerDocuments"/>; arm
    /// documents only for experiments <paramref name="previousExperiments"/> does not hold), and with
    /// <paramref name="sealedSecrets"/> each document's sealed secrets.</remarks>
    internal static byte[] Render(
        long previous, long revision, IReadOnlyList<CatalogToolChange> changes,
        IReadOnlyList<RunningExperiment>? experiments = null, IReadOnlyList<RunningExperiment>? previousExperiments = null, bool sealedSecrets = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"id: {revision}\nevent: change\ndata: ")));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("revision", revision);
            writer.WriteNumber("previous_revision", previous);
            writer.WriteStartArray("changes");
            foreach (var change in changes)
            {
                writer.WriteStartObject();
                writer.WriteString("tool", change.Name);
                writer.WriteString("kind", JsonNamingPolicy.SnakeCaseLower.ConvertName(change.Kind.ToString()));
                writer.WritePropertyName("document");
                if (change.Current is { } tool)
                {
                    writer.WriteRawValue(ToolRepresentation.Utf8(tool.Definition), skipInputValidation: true);
                    if (sealedSecrets)
                    {
                        FollowerDocuments.WriteSealedSecrets(writer, tool.Definition);
                    }
                }
                else
                {
                    writer.WriteNullValue();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            FollowerDocuments.WriteExperiments(writer, experiments ?? [], previousExperiments, ToolRepresentation.Utf8, sealedSecrets);
            writer.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One event as sent: its revision, the revision it follows, and its bytes (shared by every follower), and
    /// when a document in it holds secrets, its bytes with the sealed secrets (for the followers allowed them).</summary>
    internal readonly record struct FeedEvent(long Revision, long Previous, ReadOnlyMemory<byte> Bytes, ReadOnlyMemory<byte> SealedBytes = default)
    {
        /// <summary>The bytes a follower gets.</summary>
        public ReadOnlyMemory<byte> BytesFor(bool sealedSecrets) => sealedSecrets && !SealedBytes.IsEmpty ? SealedBytes : Bytes;
    }

    /// <summary>
    /// One connected follower: a bounded FIFO of shared events, written straight into its response's
    /// <see cref="PipeWriter"/> by whichever thread offers an event when nothing is being written (the feed's own thread
    /// for a change: no per-follower wake-up, task or closure), all queued events before one flush. Only while a flush
    /// waits for a slow connection do events queue up; the flush's completion writes them all, again with one flush.
    /// </summary>
    internal sealed class Follower : IDisposable
    {
        private readonly CatalogChangeFeed _feed;
        private readonly Lock _gate = new();
        private readonly Queue<FeedEvent> _queue = new();
        private readonly int _capacity;
        private readonly long _since;
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private PipeWriter? _writer;
        private CancellationToken _stop;
        private CancellationTokenRegistration _stopRegistration;
        private bool _writing;
        private bool _closed;
        private int _overflowed;

        public Follower(CatalogChangeFeed feed, int capacity, long since)
        {
            _feed = feed;
            _capacity = capacity;
            _since = since;
        }

        /// <summary>Whether the follower is sent sealed secrets (<see cref="FeedEvent.BytesFor"/>).</summary>
        public bool SealedSecrets { get; init; }

        /// <summary>True when the follower fell behind by more than its queue: it must reload the catalog.</summary>
        public bool MustReload => Volatile.Read(ref _overflowed) != 0;

        /// <summary>The events queued and not yet written (a copy; for tests and diagnostics).</summary>
        internal FeedEvent[] Queued
        {
            get
            {
                lock (_gate)
                {
                    return [.. _queue];
                }
            }
        }

        /// <summary>
        /// Starts writing into <paramref name="writer"/> (the response's body, its headers and preamble already written):
        /// the events queued since <see cref="Subscribe"/> at once, then each as it is offered. The task completes when the
        /// follower must reload (<see cref="MustReload"/>), the feed stops, the connection ends or
        /// <paramref name="stop"/> fires, and nothing is being written any more: the caller may then use the writer.
        /// </summary>
        public Task AttachAsync(PipeWriter writer, CancellationToken stop)
        {
            var write = false;
            lock (_gate)
            {
                _writer = writer;
                _stop = stop;
                if (_closed)
                {
                    _ended.TrySetResult();
                }
                else if (_queue.Count > 0)
                {
                    _writing = write = true; // the replay from the window, and whatever came while the preamble was written
                }
            }

            _stopRegistration = stop.UnsafeRegister(static s => ((Follower)s!).Complete(reload: false), this);
            if (write)
            {
                _ = WriteQueuedAsync();
            }

            return _ended.Task;
        }

        /// <summary>Queues <paramref name="e"/> and, when nothing is being written, writes it (with anything queued) and
        /// flushes on the calling thread. An event at or before the follower's revision (it came from a replica ahead of
        /// this one) is skipped; a keep-alive is skipped while anything is queued or being written (keep-alives never
        /// fill a queue: a follower is told to reload for events it missed, never for comments); a full queue ends the
        /// follower with a reload.</summary>
        public void Offer(FeedEvent e, bool keepAlive = false)
        {
            lock (_gate)
            {
                if (_closed || (!keepAlive && e.Revision <= _since))
                {
                    return;
                }

                if (keepAlive && (_queue.Count > 0 || _writing))
                {
                    return; // the stream is not idle: something is written anyway, so a keep-alive would only take a slot an event needs
                }

                if (_queue.Count >= _capacity)
                {
                    if (!keepAlive)
                    {
                        Volatile.Write(ref _overflowed, 1);
                        CloseLocked();
                    }

                    return;
                }

                _queue.Enqueue(e);
                if (_writing || _writer is null)
                {
                    return; // the writer in progress (or the endpoint's attach) writes it
                }

                _writing = true;
            }

            _ = WriteQueuedAsync();
        }

        /// <summary>Ends the follower: with <paramref name="reload"/>, it is told to reload the catalog.</summary>
        public void Complete(bool reload)
        {
            lock (_gate)
            {
                if (reload)
                {
                    Volatile.Write(ref _overflowed, 1);
                }

                CloseLocked();
            }
        }

        public void Dispose()
        {
            _stopRegistration.Dispose();
            Complete(reload: false);
            _feed.Remove(this);
        }

        private void CloseLocked()
        {
            _closed = true;
            _queue.Clear();
            if (!_writing)
            {
                _ended.TrySetResult();
            }
        }

        /// <summary>Writes every queued event, flushes once, and repeats while more came; the caller set <c>_writing</c>.
        /// It runs on the calling thread as long as each flush completes at once (no task is allocated then); a flush that
        /// cannot (the connection is slow to drain) continues on its completion. It never faults: a failed write ends the
        /// follower.</summary>
        private async Task WriteQueuedAsync()
        {
            try
            {
                while (true)
                {
                    var writer = _writer!;
                    lock (_gate)
                    {
                        if (_closed || _queue.Count == 0)
                        {
                            StopWritingLocked();
                            return;
                        }

                        while (_queue.TryDequeue(out var e))
                        {
                            writer.Write(e.BytesFor(SealedSecrets).Span);
                        }
                    }

                    if (!Flushed(await writer.FlushAsync(_stop).ConfigureAwait(false)))
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
            {
                Fail(ex);
            }
        }

        /// <summary>False (and the follower ended) when the connection is gone.</summary>
        private bool Flushed(FlushResult result)
        {
            if (!result.IsCompleted && !result.IsCanceled)
            {
                return true;
            }

            lock (_gate)
            {
                _closed = true;
                _queue.Clear();
                StopWritingLocked();
            }

            return false;
        }

        private void StopWritingLocked()
        {
            _writing = false;
            if (_closed)
            {
                _ended.TrySetResult();
            }
        }

        /// <summary>The connection failed under a write: the follower ends, and the endpoint's await sees why (a
        /// cancellation because the client left is an ordinary end).</summary>
        private void Fail(Exception ex)
        {
            lock (_gate)
            {
                _closed = true;
                _writing = false;
                _queue.Clear();
                if (ex is OperationCanceledException)
                {
                    _ended.TrySetResult();
                }
                else
                {
                    _ended.TrySetException(ex);
                }
            }
        }
    }
}
