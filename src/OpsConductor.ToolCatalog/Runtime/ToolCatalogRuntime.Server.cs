using System.Text;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// The change source over HTTP (<see cref="ToolCatalogOptions.Server"/>): instead of a LISTEN connection, the catalog
/// loads the management server's <c>GET /api/v1/catalog</c> and follows its <c>GET /api/v1/changes</c>. The guarantees
/// are the database modes': an event is applied only on the revision it follows (one already held is skipped, one that
/// follows a revision past the held one is a gap, answered by loading the whole catalog again); a revision older than
/// the server's change window (410) or an <c>event: reload</c> loads the whole catalog; the safety poll asks for the
/// catalog conditionally on the held revision (304 when current); while no server answers, the last good snapshot keeps
/// serving and the servers are tried in turn with the same backoff; a catalog that never loaded serves the YAML fallback.
/// </summary>
public sealed partial class ToolCatalogRuntime
{
    private CatalogServerClient? _serverClient;
    private Uri? _activeServer;
    private CancellationTokenSource? _streamStop;

    /// <summary>Test seam: decides whether a received change event is acted on (false simulates a missed event).</summary>
    internal Func<long, bool>? ServerEventFilter { get; set; }

    /// <summary>Test seam: awaited before each connection to a server (holding it keeps the catalog away from every server).</summary>
    internal Func<Uri, CancellationToken, Task>? BeforeServerConnect { get; set; }

    /// <summary>Test seam: ends the current change stream as a network failure would.</summary>
    internal void AbortServerStream() => Volatile.Read(ref _streamStop)?.Cancel();

    /// <summary>The server being followed now (null when not following a server or before the first attempt).</summary>
    internal Uri? ActiveServer => Volatile.Read(ref _activeServer);

    /// <summary>The follower loop, one per catalog: load, follow, and on any failure back off and try the next server.</summary>
    private async Task RunServerFollowerAsync(CancellationToken stop)
    {
        var client = _serverClient!;
        var failures = 0;
        var unansweredFailures = 0;
        var index = 0;
        var origin = CatalogChangeOrigin.Startup;
        var reload = false;
        while (!stop.IsCancellationRequested)
        {
            var server = client.Servers[index];
            Volatile.Write(ref _activeServer, server);
            using var streamStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
            Volatile.Write(ref _streamStop, streamStop);
            HttpResponseMessage? stream = null;
            try
            {
                if (BeforeServerConnect is { } hook)
                {
                    await hook(server, stop).ConfigureAwait(false);
                }

                if (reload || Current.Source != CatalogSource.Database)
                {
                    await LoadFromServerAsync(server, origin, streamStop.Token).ConfigureAwait(false);
                    reload = false;
                }

                stream = await client.OpenChangesAsync(server, Current.Revision, streamStop.Token).ConfigureAwait(false);
                if (stream is null)
                {
                    ScaleOutLog.ReloadAsked(_logger, server, "the held revision left the server's change window", Current.Revision);
                    await LoadFromServerAsync(server, origin, streamStop.Token).ConfigureAwait(false);
                    stream = await client.OpenChangesAsync(server, Current.Revision, streamStop.Token).ConfigureAwait(false)
                        ?? throw new CatalogServerException(server, 410, "GET /api/v1/changes answered 410 for the revision GET /api/v1/catalog had just given.");
                }

                failures = 0;
                unansweredFailures = 0;
                UpdateLink(l => l with { Listening = true, LastError = null, ProcessId = null });
                Confirmed();
                ScaleOutLog.Following(_logger, server, Current.Revision);
                RaiseListenerState(new ListenerStateChangedEventArgs(ListenerState.Connected, null, null, 0));
                _firstAttempt.TrySetResult();
                reload = await FollowServerAsync(client, server, stream, streamStop.Token).ConfigureAwait(false);
                origin = CatalogChangeOrigin.Reconnect;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Whatever broke (network, server, a bad event), the catalog keeps serving its last snapshot, reports the failure in logs, metrics and health, and tries the next server after a backoff: the follower must not die.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures++;
                var answered = CatalogServerClient.ServerAnswered(e);
                if (!answered)
                {
                    unansweredFailures++;
                }

                var reason = e is OperationCanceledException ? "the change stream was cut" : Describe(e);
                var wasListening = _link.Listening;
                var now = _time.GetUtcNow();
                UpdateLink(l => l with { Listening = false, LastError = reason, CurrentUntil = wasListening ? now : l.CurrentUntil });
                _metrics.Reconnect();
                if (_mode == CatalogMode.DatabaseWithYamlFallback && Current.Source == CatalogSource.None
                    && await TryLoadYamlFallbackAsync(stop).ConfigureAwait(false))
                {
                    RuntimeLog.ServingYamlFallback(_logger, _yaml!.Path, Current.ToolCount);
                }

                _firstAttempt.TrySetResult();

                // Another server right away when there is one and this is the first failure in a row; else the backoff.
                index = (index + 1) % client.Servers.Count;
                var delay = client.Servers.Count > 1 && failures == 1 ? TimeSpan.Zero
                    : answered ? Backoff(failures, TimeSpan.FromTicks(Math.Min(_options.MaxReconnectDelay.Ticks, MaxDelayWhileServerAnswers.Ticks)))
                    : Backoff(unansweredFailures, _options.MaxReconnectDelay);
                if (e is CatalogServerException { Status: 401 or 403 })
                {
                    ScaleOutLog.ServerRefused(_logger, server, reason, delay.TotalMilliseconds);
                }
                else
                {
                    ScaleOutLog.ServerUnavailable(_logger, server, reason, delay.TotalMilliseconds, failures, Current.Source, Current.Revision);
                }

                RaiseListenerState(new ListenerStateChangedEventArgs(ListenerState.Disconnected, reason, delay, failures));
                try
                {
                    await Task.Delay(delay, _time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }

                origin = Current.Source == CatalogSource.Database ? CatalogChangeOrigin.Reconnect : CatalogChangeOrigin.Startup;
            }
            finally
            {
                stream?.Dispose();
                Volatile.Write(ref _streamStop, null);
            }
        }
    }

    /// <summary>
    /// Reads the change stream: applies each event in revision order and runs the safety poll when it is due. Returns
    /// true when the server asked for a reload (<c>event: reload</c>); throws when the stream ends or fails.
    /// </summary>
    private async Task<bool> FollowServerAsync(CatalogServerClient client, Uri server, HttpResponseMessage response, CancellationToken stop)
    {
        var body = await response.Content.ReadAsStreamAsync(stop).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
            var parser = new ServerSentEventParser();
            Task<string?>? pending = null;
            while (true)
            {
                pending ??= reader.ReadLineAsync(stop).AsTask();
                var due = new DateTimeOffset(Volatile.Read(ref _lastConfirmedTicks), TimeSpan.Zero) + _options.SafetyPollInterval;
                var delay = due - _time.GetUtcNow();
                using var waitStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var timer = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, _time, waitStop.Token);
                LoopWaiting?.Invoke();
                var woken = await Task.WhenAny(pending, timer).ConfigureAwait(false);
                await waitStop.CancelAsync().ConfigureAwait(false);
                stop.ThrowIfCancellationRequested();
                if (woken != pending)
                {
                    if (await SafetyPollServerAsync(client, server, stop).ConfigureAwait(false) is { } ahead)
                    {
                        // The poll found a revision the stream never brought: the stream is dead without an error
                        // (a proxy dropped it silently). The catalog has the revision now; open the stream again.
                        throw new CatalogServerException(server, null, $"the change stream brought nothing while the server reached revision {ahead} (the safety poll loaded it); reconnecting.");
                    }

                    continue;
                }

                var line = await pending.ConfigureAwait(false);
                pending = null;
                if (line is null)
                {
                    throw new CatalogServerException(server, null, "the change stream ended (the server is stopping, or a proxy closed the stream).");
                }

                switch (parser.Feed(line))
                {
                    case { Type: "change" } e:
                        var change = client.ReadChange(server, e.Data);
                        await ApplyServerChangeAsync(client, server, change, stop).ConfigureAwait(false);
                        break;
                    case { Type: "reload" } e:
                        ScaleOutLog.ReloadAsked(_logger, server, e.Data, Current.Revision);
                        return true;
                }
            }
        }
    }

    /// <summary>
    /// Applies one change event if it follows the held revision: an event at or before it is skipped (a replica that is
    /// behind, or one already covered by a reload); an event after a revision the catalog never had is a gap, answered
    /// by loading the whole catalog. Never applies a revision out of order.
    /// </summary>
    private async Task ApplyServerChangeAsync(CatalogServerClient client, Uri server, ServerChange change, CancellationToken stop)
    {
        await _gate.WaitAsync(stop).ConfigureAwait(false);
        try
        {
            var held = Current;
            NoteDatabaseRevision(change.Revision);
            if (ServerEventFilter is { } filter && !filter(change.Revision))
            {
                _metrics.Notice("dropped");
                return;
            }

            if (change.Revision <= held.Revision && held.Source == CatalogSource.Database)
            {
                _metrics.Notice("coalesced");
                Confirmed();
                return;
            }

            _metrics.Notice("accepted");
            var started = _time.GetTimestamp();
            if (held.Source != CatalogSource.Database || change.Previous > held.Revision || !HoldsArmsOf(held, change.Experiments))
            {
                ScaleOutLog.FeedGap(_logger, server, change.Revision, change.Previous, held.Revision);
                await LoadFromServerLockedAsync(client, server, held, CatalogChangeOrigin.Notice, started, stop).ConfigureAwait(false);
                return;
            }

            // The event lists every tool changed after its previous revision (at or before the held one), so applied to
            // the held snapshot it gives the event's revision exactly.
            // The event carries the running experiments at its revision (decision 1602's "whole running set"); an
            // experiment read exactly as held stays the same object.
            var experiments = change.Experiments is { } set ? held.ResolveExperiments(set) : null;
            var next = held.Apply(change.Changes, change.Revision, _time.GetUtcNow(), experiments);
            var applied = new List<CatalogToolChange>(change.Changes.Count);
            foreach (var state in change.Changes)
            {
                if (ToolChangeDescriber.Classify(state.Name, held.FindTool(state.Name), next.FindTool(state.Name), compareContent: false) is { } c)
                {
                    applied.Add(c);
                }
            }

            var milliseconds = _time.GetElapsedTime(started).TotalMilliseconds;
            RuntimeLog.ChangesApplied(_logger, held.Revision, next.Revision, applied.Count, CatalogChangeOrigin.Notice, milliseconds);
            Publish(next, CatalogChangeOrigin.Notice, isFullLoad: false, applied);
            Confirmed();
            _metrics.Reload("incremental", CatalogChangeOrigin.Notice, CatalogSource.Database, true, _time.GetElapsedTime(started));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The safety poll over HTTP: the catalog, conditional on the held revision (304: still current). Returns the
    /// server's revision when it was ahead of the held one (then loaded), else null.
    /// </summary>
    private async Task<long?> SafetyPollServerAsync(CatalogServerClient client, Uri server, CancellationToken stop)
    {
        await _gate.WaitAsync(stop).ConfigureAwait(false);
        try
        {
            var held = Current;
            var started = _time.GetTimestamp();
            var catalog = await client.GetCatalogAsync(server, held.Revision, stop).ConfigureAwait(false);
            if (catalog is null || catalog.Revision <= held.Revision)
            {
                Confirmed();
                return null;
            }

            NoteDatabaseRevision(catalog.Revision);
            PublishServerCatalog(held, catalog, CatalogChangeOrigin.SafetyPoll, started);
            return catalog.Revision;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Loads the whole catalog from <paramref name="server"/> (start, gap, reload, refresh).</summary>
    private async Task<CatalogSnapshot> LoadFromServerAsync(Uri server, CatalogChangeOrigin origin, CancellationToken stop)
    {
        await _gate.WaitAsync(stop).ConfigureAwait(false);
        try
        {
            await LoadFromServerLockedAsync(_serverClient!, server, Current, origin, _time.GetTimestamp(), stop).ConfigureAwait(false);
            return Current;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task LoadFromServerLockedAsync(CatalogServerClient client, Uri server, CatalogSnapshot held, CatalogChangeOrigin origin, long started, CancellationToken stop)
    {
        ServerCatalog catalog;
        try
        {
            catalog = (await client.GetCatalogAsync(server, null, stop).ConfigureAwait(false))!;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _metrics.Reload("full", origin, CatalogSource.Database, false, _time.GetElapsedTime(started));
            UpdateLink(l => l with { LastError = Describe(e) });
            throw;
        }

        NoteDatabaseRevision(catalog.Revision);
        if (held.Source == CatalogSource.Database && catalog.Revision < held.Revision)
        {
            // A replica behind the one that served the held revision: never go back; its events catch up.
            return;
        }

        PublishServerCatalog(held, catalog, origin, started);
    }

    /// <summary>
    /// Whether <paramref name="held"/> can resolve <paramref name="experiments"/>: every arm version the event does not
    /// carry is one the snapshot holds compiled (an event leaves out the arms of an experiment the server's previous
    /// snapshot held; a follower that came to its revision another way may lack them, and then reloads).
    /// </summary>
    private static bool HoldsArmsOf(CatalogSnapshot held, RunningExperimentSet? experiments)
    {
        if (experiments is null)
        {
            return true;
        }

        var known = held.KnownArmVersionIds();
        foreach (var row in experiments.Experiments)
        {
            if ((!experiments.Versions.ContainsKey(row.VersionAId) && Array.IndexOf(known, row.VersionAId) < 0)
                || (!experiments.Versions.ContainsKey(row.VersionBId) && Array.IndexOf(known, row.VersionBId) < 0))
            {
                return false;
            }
        }

        return true;
    }

    private void PublishServerCatalog(CatalogSnapshot held, ServerCatalog catalog, CatalogChangeOrigin origin, long started)
    {
        var experiments = catalog.Experiments is { } set ? held.ResolveExperiments(set) : null;
        var next = held.Rebuild(catalog.Tools, catalog.Revision, CatalogSource.Database, _time.GetUtcNow(), keepFileOrder: false, experiments);
        List<CatalogToolChange> changes = held.Source == CatalogSource.Database ? ToolChangeDescriber.Diff(held, next, compareContent: false) : [];
        var milliseconds = _time.GetElapsedTime(started).TotalMilliseconds;
        RuntimeLog.FullReload(_logger, CatalogSource.Database, next.ToolCount, next.Revision, changes.Count, origin, milliseconds);
        Publish(next, origin, isFullLoad: true, changes);
        Confirmed();
        _metrics.Reload("full", origin, CatalogSource.Database, true, _time.GetElapsedTime(started));
    }

    /// <summary>The health of a catalog that follows a server (same states as the database modes, naming the server).</summary>
    private CatalogHealth ServerHealth(CatalogSnapshot snapshot, LinkState link, TimeSpan? staleness)
    {
        var error = link.LastError is null ? "" : $" (last error: {link.LastError})";
        var server = ActiveServer?.ToString() ?? _serverClient!.Servers[0].ToString();
        return snapshot.Source switch
        {
            CatalogSource.None => new CatalogHealth(
                CatalogHealthStatus.Unhealthy, $"No catalog loaded: no catalog server has answered since start ({server}){error}.",
                snapshot.Source, 0, 0, false, null, link.LastError),
            CatalogSource.Yaml => new CatalogHealth(
                CatalogHealthStatus.Degraded, $"Serving the YAML fallback ({snapshot.ToolCount} tools from {_yaml!.Path}): no catalog server has answered since start ({server}){error}.",
                snapshot.Source, 0, snapshot.ToolCount, false, null, link.LastError),
            _ when link.Listening => new CatalogHealth(
                CatalogHealthStatus.Healthy, $"Serving revision {snapshot.Revision} ({snapshot.ToolCount} tools) from the catalog server {server} and following its changes.",
                snapshot.Source, snapshot.Revision, snapshot.ToolCount, true, staleness, link.LastError),
            _ => new CatalogHealth(
                CatalogHealthStatus.Degraded,
                $"Serving revision {snapshot.Revision} ({snapshot.ToolCount} tools) from the catalog server, which is unreachable: possibly stale for {staleness?.TotalSeconds ?? 0:0.0} s{error}.",
                snapshot.Source, snapshot.Revision, snapshot.ToolCount, false, staleness, link.LastError),
        };
    }
}
