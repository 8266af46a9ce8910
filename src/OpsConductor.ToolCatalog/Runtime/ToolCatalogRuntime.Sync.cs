using System.Diagnostics;
using System.Globalization;
using OpsConductor.ToolCatalog.Diagnostics;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Runtime;

public sealed partial class ToolCatalogRuntime
{
    /// <inheritdoc />
    public async Task<CatalogSnapshot> RefreshAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_mode == CatalogMode.Yaml)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await LoadYamlLockedAsync(CatalogChangeOrigin.Refresh, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }

            return Current;
        }

        return _serverClient is not null
            ? await LoadFromServerAsync(ActiveServer ?? _serverClient.Servers[0], CatalogChangeOrigin.Refresh, cancellationToken).ConfigureAwait(false)
            : await SyncAsync(CatalogChangeOrigin.Refresh, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<CatalogSnapshot> ReloadToolAsync(string toolName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var held = Current;
        var fromYaml = held.Source == CatalogSource.Yaml;
        if (held.Source == CatalogSource.None || (fromYaml && !_yamlFiles.ContainsKey(toolName)) || (_serverClient is not null && !fromYaml))
        {
            // Nothing to patch, or a YAML tool whose file is unknown (perhaps a new file): read the whole source.
            return await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            held = Current;
            using var activity = CatalogMetrics.ActivitySource.StartActivity("toolcatalog.tool_reload");
            activity?.SetTag("toolcatalog.source", CatalogMetrics.SourceName(held.Source));
            var started = _time.GetTimestamp();
            ToolDefinition? latest;
            try
            {
                latest = held.Source == CatalogSource.Yaml
                    ? _yaml!.LoadTool(_yamlFiles[toolName], toolName)
                    : (await _store!.GetAsync(toolName, cancellationToken: cancellationToken).ConfigureAwait(false))?.Definition;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _metrics.Reload("tool", CatalogChangeOrigin.ToolReload, held.Source, false, _time.GetElapsedTime(started));
                if (ConnectionFailure.IsFatal(e))
                {
                    ClearPool();
                }

                var operation = $"reload of tool '{toolName}'";
                var reason = Describe(e);
                RuntimeLog.OperationFailed(_logger, operation, reason, held.Source, held.Revision);
                throw;
            }

            // The held revision stays: the next catch-up reads this tool again if it changed after that revision (harmless).
            var next = held.Apply([new ToolState(toolName, latest)], held.Revision, _time.GetUtcNow());
            var change = ToolChangeDescriber.Classify(toolName, held.FindTool(toolName), next.FindTool(toolName), compareContent: true);
            _metrics.Reload("tool", CatalogChangeOrigin.ToolReload, held.Source, true, _time.GetElapsedTime(started));
            if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
            {
                RuntimeLog.ToolReloaded(_logger, toolName, held.Source, change?.Description ?? "unchanged");
            }
            Publish(next, CatalogChangeOrigin.ToolReload, isFullLoad: false, change is null ? [] : [change]);
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Brings the catalog up to the database: a full load when the catalog does not hold a database snapshot yet (first
    /// load, or the switch from the YAML fallback) or when the change feed cannot answer for the held revision;
    /// otherwise the tools changed since the held revision, applied to it. A safety poll first compares revisions.
    /// Throws on failure (the caller decides: the listener reconnects, a refresh reports it); nothing is published then.
    /// </summary>
    private async Task<CatalogSnapshot> SyncAsync(CatalogChangeOrigin origin, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (BeforeSync is { } hook)
            {
                await hook(origin, cancellationToken).ConfigureAwait(false);
            }

            var held = Current;
            using var activity = CatalogMetrics.ActivitySource.StartActivity("toolcatalog.sync");
            activity?.SetTag("toolcatalog.origin", CatalogMetrics.OriginName(origin));
            var started = _time.GetTimestamp();
            var kind = "incremental";
            try
            {
                if (held.Source != CatalogSource.Database)
                {
                    kind = "full";
                    await FullLoadLockedAsync(held, origin, started, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    if (origin == CatalogChangeOrigin.SafetyPoll)
                    {
                        var revision = await _readStore!.GetRevisionAsync(cancellationToken).ConfigureAwait(false);
                        NoteDatabaseRevision(revision);
                        if (revision == held.Revision)
                        {
                            Confirmed();
                            activity?.SetTag("toolcatalog.kind", "none");
                            return held;
                        }
                    }

                    var changes = await ReadChangesSinceAsync(held, cancellationToken).ConfigureAwait(false);
                    NoteDatabaseRevision(changes.Revision);
                    if (changes.IsGap)
                    {
                        kind = "full";
                        RuntimeLog.FeedGap(_logger, held.Revision, changes.Revision);
                        await FullLoadLockedAsync(held, origin, started, cancellationToken).ConfigureAwait(false);
                    }
                    else if (changes.Revision != held.Revision || changes.Changes.Count > 0)
                    {
                        var toApply = new ToolState[changes.Changes.Count];
                        for (var i = 0; i < toApply.Length; i++)
                        {
                            toApply[i] = new ToolState(changes.Changes[i].Name, changes.Changes[i].Current?.Definition);
                        }

                        var next = held.Apply(toApply, changes.Revision, _time.GetUtcNow(), held.ResolveExperiments(changes.Experiments));
                        var applied = new List<CatalogToolChange>(toApply.Length);
                        foreach (var change in toApply)
                        {
                            if (ToolChangeDescriber.Classify(change.Name, held.FindTool(change.Name), next.FindTool(change.Name), compareContent: false) is { } c)
                            {
                                applied.Add(c);
                            }
                        }

                        var milliseconds = _time.GetElapsedTime(started).TotalMilliseconds;
                        RuntimeLog.ChangesApplied(_logger, held.Revision, next.Revision, applied.Count, origin, milliseconds);
                        Publish(next, origin, isFullLoad: false, applied, changes.ChangedTenants);
                    }
                }

                Confirmed();
                activity?.SetTag("toolcatalog.kind", kind);
                activity?.SetTag("toolcatalog.revision", Current.Revision);
                _metrics.Reload(kind, origin, CatalogSource.Database, true, _time.GetElapsedTime(started));
                return Current;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                _metrics.Reload(kind, origin, CatalogSource.Database, false, _time.GetElapsedTime(started));
                UpdateLink(l => l with { LastError = Describe(e) });
                if (ConnectionFailure.IsFatal(e))
                {
                    ClearPool();
                }

                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the whole database catalog and publishes it, listing what differs from a previous database snapshot.</summary>
    private async Task FullLoadLockedAsync(CatalogSnapshot held, CatalogChangeOrigin origin, long started, CancellationToken cancellationToken)
    {
        var (state, experiments) = await ReadCatalogAsync(held, cancellationToken).ConfigureAwait(false);
        NoteDatabaseRevision(state.Revision);
        var definitions = new ToolDefinition[state.Tools.Count];
        for (var i = 0; i < definitions.Length; i++)
        {
            definitions[i] = state.Tools[i].Definition;
        }

        var next = held.Rebuild(definitions, state.Revision, CatalogSource.Database, _time.GetUtcNow(), keepFileOrder: false, held.ResolveExperiments(experiments));
        List<CatalogToolChange> changes = held.Source == CatalogSource.Database
            ? ToolChangeDescriber.Diff(held, next, compareContent: false)
            : [];
        var milliseconds = _time.GetElapsedTime(started).TotalMilliseconds;
        RuntimeLog.FullReload(_logger, CatalogSource.Database, next.ToolCount, next.Revision, changes.Count, origin, milliseconds);
        Publish(next, origin, isFullLoad: true, changes);
    }

    /// <summary>Reads the YAML source and publishes it (under the gate). Throws when it cannot be read at all.</summary>
    private async Task LoadYamlLockedAsync(CatalogChangeOrigin origin, CancellationToken cancellationToken)
    {
        var held = Current;
        var started = _time.GetTimestamp();
        YamlCatalog yaml;
        try
        {
            yaml = await Task.Run(() => _yaml!.Load(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _metrics.Reload("full", origin, CatalogSource.Yaml, false, _time.GetElapsedTime(started));
            UpdateLink(l => l with { LastError = Describe(e) });
            var reason = Describe(e);
            RuntimeLog.OperationFailed(_logger, "YAML load", reason, held.Source, held.Revision);
            throw;
        }

        foreach (var problem in yaml.Problems)
        {
            RuntimeLog.YamlProblem(_logger, problem);
        }

        var next = held.Rebuild(yaml.Tools, 0, CatalogSource.Yaml, _time.GetUtcNow(), keepFileOrder: true);
        _yamlFiles = yaml.FileOf;
        _profilesVersion = yaml.ProfilesVersion;
        List<CatalogToolChange> changes = held.Source == CatalogSource.Yaml
            ? ToolChangeDescriber.Diff(held, next, compareContent: true)
            : [];
        var elapsed = _time.GetElapsedTime(started);
        _metrics.Reload("full", origin, CatalogSource.Yaml, true, elapsed);
        RuntimeLog.FullReload(_logger, CatalogSource.Yaml, next.ToolCount, 0, changes.Count, origin, elapsed.TotalMilliseconds);
        Publish(next, origin, isFullLoad: true, changes);
    }

    /// <summary>
    /// The YAML fallback a loop loads after a failure (the listener's, the server follower's) while nothing was ever
    /// loaded. That load runs inside the loop's failure handler, where a cancellation would escape the loop instead of
    /// ending it: a stop during a slow load (the loop's own token) ends the load quietly, and the loop then sees the
    /// stop at its next wait.
    /// </summary>
    private async Task<bool> TryLoadYamlFallbackAsync(CancellationToken stop)
    {
        try
        {
            return await TryLoadYamlAsync(CatalogChangeOrigin.Startup, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Loads the YAML (start of YAML mode, or the fallback); a failure is logged and shows in <see cref="Health"/>.</summary>
    private async Task<bool> TryLoadYamlAsync(CatalogChangeOrigin origin, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadYamlLockedAsync(origin, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException or CatalogLoadException)
        {
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Records that the catalog has just been confirmed current with the database.</summary>
    private void Confirmed()
    {
        var now = _time.GetUtcNow();
        Volatile.Write(ref _lastConfirmedTicks, now.UtcTicks);
        UpdateLink(l => l with { CurrentUntil = now });
    }

    /// <summary>A failure in one line: the server's code and message, or the exception's message.</summary>
    internal static string Describe(Exception e) => e switch
    {
        Npgsql.PostgresException p => string.Create(CultureInfo.InvariantCulture, $"{p.SqlState}: {p.MessageText}"),
        _ when e.InnerException is { } inner && e.Message.Length < 40 => $"{e.Message} ({inner.Message})",
        _ => e.Message,
    };
}
