using Npgsql;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Runtime;

public sealed partial class ToolCatalogRuntime
{
    /// <summary>
    /// The listening loop (database modes), one per catalog: connect and LISTEN, catch up, then wait for notices, the
    /// safety poll or the loss of the connection; on any failure serve what is held, back off with jitter and start
    /// over. LISTEN is issued before the catch-up, so no notice committed after the catch-up's snapshot can be missed.
    /// </summary>
    private async Task RunListenerAsync(CancellationToken stop)
    {
        var failures = 0;
        var unansweredFailures = 0;
        var origin = CatalogChangeOrigin.Startup;
        while (!stop.IsCancellationRequested)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = await OpenListenerAsync(stop).ConfigureAwait(false);
                await SyncOnFreshConnectionsAsync(origin, stop).ConfigureAwait(false);
                if (_options.LoadTenantsAtStart && _options.Tenant is null && Interlocked.Exchange(ref _tenantsLoaded, 1) == 0)
                {
                    await LoadAllTenantsAsync(stop).ConfigureAwait(false);
                }

                failures = 0;
                unansweredFailures = 0;
                UpdateLink(l => l with { Listening = true, LastError = null, ProcessId = connection.ProcessID });
                RuntimeLog.ListenerConnected(_logger, CatalogNotification.Channel, connection.ProcessID, Current.Revision);
                RaiseListenerState(new ListenerStateChangedEventArgs(ListenerState.Connected, null, null, 0));
                _firstAttempt.TrySetResult();
                await ListenAsync(connection, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Whatever broke (connection, server, query, a bad row), the catalog keeps serving its last snapshot, reports the failure in logs, metrics and health, and tries again after a backoff: the listener must not die.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures++;
                var answered = ConnectionFailure.ServerAnswered(e);
                if (!answered)
                {
                    unansweredFailures++;
                }

                if (ConnectionFailure.IsFatal(e))
                {
                    ClearPool();
                }

                var reason = Describe(e);
                var wasListening = _link.Listening;
                var now = _time.GetUtcNow();
                UpdateLink(l => l with
                {
                    Listening = false,
                    ProcessId = null,
                    LastError = reason,
                    CurrentUntil = wasListening ? now : l.CurrentUntil,
                });
                _metrics.Reconnect();

                if (_mode == CatalogMode.DatabaseWithYamlFallback && Current.Source == CatalogSource.None)
                {
                    if (await TryLoadYamlFallbackAsync(stop).ConfigureAwait(false))
                    {
                        RuntimeLog.ServingYamlFallback(_logger, _yaml!.Path, Current.ToolCount);
                    }
                }

                _firstAttempt.TrySetResult();
                var delay = answered
                    ? Backoff(failures, TimeSpan.FromTicks(Math.Min(_options.MaxReconnectDelay.Ticks, MaxDelayWhileServerAnswers.Ticks)))
                    : Backoff(unansweredFailures, _options.MaxReconnectDelay);
                var wait = Task.Delay(delay, _time, stop);
                if (e is NpgsqlException or TimeoutException or IOException)
                {
                    var held = Current;
                    RuntimeLog.DatabaseUnreachable(_logger, reason, delay.TotalMilliseconds, failures, held.Source, held.Revision);
                }
                else
                {
                    RuntimeLog.UnexpectedFailure(_logger, delay.TotalMilliseconds, e);
                }

                RaiseListenerState(new ListenerStateChangedEventArgs(ListenerState.Disconnected, reason, delay, failures));
                try
                {
                    await wait.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }

                origin = Current.Source == CatalogSource.Database ? CatalogChangeOrigin.Reconnect : CatalogChangeOrigin.Startup;
            }
            finally
            {
                if (connection is not null)
                {
                    connection.Notification -= OnNotification;
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// Opens the one listening connection: the host data source's settings and credentials (<c>CloneWithAsync</c> keeps
    /// its password provider and certificate callbacks), but unpooled (a LISTEN must not go back to a pool), never
    /// multiplexed, with keepalive queries and TCP keepalive so a dead peer is noticed while waiting.
    /// </summary>
    private async Task<NpgsqlConnection> OpenListenerAsync(CancellationToken cancellationToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(_dataSource!.ConnectionString)
        {
            Pooling = false,
            Multiplexing = false,
            KeepAlive = (int)_options.ListenerKeepAlive.TotalSeconds,
            TcpKeepAlive = true,
            ApplicationName = _options.ListenerApplicationName,
        };

        NpgsqlConnection connection;
        var template = _dataSource.CreateConnection();
        await using (template.ConfigureAwait(false))
        {
            connection = await template.CloneWithAsync(settings.ConnectionString, cancellationToken).ConfigureAwait(false);
        }

        connection.Notification += OnNotification;
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var listen = new NpgsqlCommand(Sql.Listen, connection);
            await using (listen.ConfigureAwait(false))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            connection.Notification -= OnNotification;
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A catch-up while the listening connection is up, so while the server answers: when the read fails on a pooled
    /// connection that died (the server restarted, or an administrator ended it), <see cref="SyncAsync"/> has cleared
    /// the pool, and the catch-up runs again at once on a fresh connection instead of waiting out a backoff.
    /// </summary>
    private async Task SyncOnFreshConnectionsAsync(CatalogChangeOrigin origin, CancellationToken stop)
    {
        try
        {
            await SyncAsync(origin, stop).ConfigureAwait(false);
        }
        catch (Exception e) when (ConnectionFailure.IsFatal(e) && !stop.IsCancellationRequested)
        {
            await SyncAsync(origin, stop).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for work while connected: notices (coalesced: however many arrived, one catch-up reads everything after
    /// the held revision), the safety poll, or the loss of the connection (thrown, so the loop reconnects).
    /// </summary>
    private async Task ListenAsync(NpgsqlConnection connection, CancellationToken stop)
    {
        using var pumpStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var pump = PumpAsync(connection, pumpStop.Token);
        try
        {
            while (true)
            {
                var due = new DateTimeOffset(Volatile.Read(ref _lastConfirmedTicks), TimeSpan.Zero) + _options.SafetyPollInterval;
                var delay = due - _time.GetUtcNow();
                using var waitStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var timer = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, _time, waitStop.Token);
                var notice = _noticeSignal.Reader.WaitToReadAsync(waitStop.Token).AsTask();
                LoopWaiting?.Invoke();
                var woken = await Task.WhenAny(pump, timer, notice).ConfigureAwait(false);
                await waitStop.CancelAsync().ConfigureAwait(false);
                stop.ThrowIfCancellationRequested();
                if (woken == pump)
                {
                    await pump.ConfigureAwait(false);
                    throw new InvalidOperationException("The listening connection stopped waiting without an error.");
                }

                if (woken == notice)
                {
                    while (_noticeSignal.Reader.TryRead(out _))
                    {
                    }

                    var noticed = Volatile.Read(ref _noticedRevision);
                    var held = Current.Revision;
                    if (noticed <= held)
                    {
                        _metrics.Notice("coalesced");
                        continue;
                    }

                    if (noticed > held + 1)
                    {
                        RuntimeLog.RevisionGap(_logger, noticed, held, noticed - held - 1);
                    }

                    await SyncOnFreshConnectionsAsync(CatalogChangeOrigin.Notice, stop).ConfigureAwait(false);
                }
                else
                {
                    await SyncOnFreshConnectionsAsync(CatalogChangeOrigin.SafetyPoll, stop).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await pumpStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await pump.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The pump's own failure (the lost connection) is the one being handled by the caller already.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>Lets Npgsql read the connection, which raises <see cref="OnNotification"/> for each notice; ends only by an exception.</summary>
    private static async Task PumpAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnNotification(object? sender, NpgsqlNotificationEventArgs e)
    {
        if (!CatalogNotification.TryParse(e.Payload, out var notification))
        {
            _metrics.Notice("unreadable");
            RuntimeLog.UnreadableNotice(_logger, e.Channel, e.Payload.Length > 200 ? e.Payload[..200] + "…" : e.Payload);
            return;
        }

        if (NotificationFilter is { } filter && !filter(notification!))
        {
            _metrics.Notice("dropped");
            return;
        }

        _metrics.Notice("accepted");
        NoteDatabaseRevision(notification!.Revision);
        RouteTenantNotice(notification);
        var known = Volatile.Read(ref _noticedRevision);
        while (notification.Revision > known)
        {
            var seen = Interlocked.CompareExchange(ref _noticedRevision, notification.Revision, known);
            if (seen == known)
            {
                break;
            }

            known = seen;
        }

        NoticeHeard?.Invoke(notification);
        _noticeSignal.Writer.TryWrite(true);
    }

    /// <summary>
    /// The longest wait after a failure where the server or its host answered (connection refused or reset, server
    /// starting or stopping, a connection dead since its restart): such attempts cost nothing, and a short wait is what
    /// lets a change committed after the server returns reach every listener within a few seconds of its commit,
    /// however long the outage was. The wait is jittered like every other (so at most 2.4 s).
    /// </summary>
    internal static readonly TimeSpan MaxDelayWhileServerAnswers = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The wait before attempt <paramref name="failures"/> + 1: doubling from the first delay up to
    /// <paramref name="max"/>, then ±20 % jitter around that (so at the cap too: 24–36 s for a 30 s cap).
    /// </summary>
    private TimeSpan Backoff(int failures, TimeSpan max)
    {
        var first = _options.ReconnectDelay.TotalMilliseconds;
        var exponential = Math.Min(max.TotalMilliseconds, first * Math.Pow(2, Math.Min(Math.Max(failures, 1) - 1, 30)));
#pragma warning disable CA5394 // Jitter spreads reconnects of many processes; it needs no cryptographic strength.
        var jittered = exponential * (0.8 + (0.4 * Random.Shared.NextDouble()));
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(jittered);
    }

    /// <summary>
    /// Drops the pooled connections of the data source (the host's, when it gave one): after a fatal error they most
    /// likely died with the same server, and the pool would hand them out one by one, each failing the next read.
    /// Connections in use are closed when they are returned.
    /// </summary>
    private void ClearPool()
    {
        _dataSource?.Clear();
        _readDataSource?.Clear();
    }
}
