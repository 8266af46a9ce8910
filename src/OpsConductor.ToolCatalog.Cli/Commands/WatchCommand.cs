using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog watch [--format text|json]</c>: holds the catalog exactly as an orchestrator does (a
/// <see cref="ToolCatalogRuntime"/> listening on its own connection) and prints one line per change it applies: the
/// wall-clock time, the revision, the tool, what changed and how the catalog learned of it (notice, safety poll,
/// resync after reconnect). Also prints the first load and every loss and recovery of the listening connection.
/// Runs until Ctrl+C.
/// </summary>
internal static class WatchCommand
{
    private static readonly JsonSerializerOptions JsonLines = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var format = StoreCommandSupport.FormatOption();
        var poll = new Option<int>("--safety-poll")
        {
            Description = "Seconds between the safety polls that catch changes whose notice was lost (default 30).",
            DefaultValueFactory = _ => 30,
        };
        poll.Validators.Add(r =>
        {
            if (r.TryGetValue<int>(out var n) && n < 1)
            {
                r.AddError("--safety-poll must be at least 1 second.");
            }
        });
        var command = new Command(
            "watch",
            "Hold the catalog as an orchestrator does and print one line per change it applies: time, revision, tool, what changed, and how it learned of it. Ends on Ctrl+C.")
        {
            connection, format, poll,
        };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            // Fail fast (exit 1, with the reason) when the database cannot be used at all: an operator typo should not
            // look like a catalog waiting for its database.
            await store.GetRevisionAsync(cancellationToken);
            var json = result.GetValue(format) == "json";
            var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
            var options = new ToolCatalogOptions { Mode = CatalogMode.Database, SafetyPollInterval = TimeSpan.FromSeconds(result.GetValue(poll)) };
            var catalog = new ToolCatalogRuntime(options, store.DataSource);
            await using (catalog)
            {
                catalog.Changed += (_, e) =>
                {
                    foreach (var line in Describe(e, json))
                    {
                        lines.Writer.TryWrite(line);
                    }
                };
                catalog.ListenerStateChanged += (_, e) =>
                {
                    if (e.State != ListenerState.Stopped)
                    {
                        lines.Writer.TryWrite(Describe(e, catalog.Revision, json));
                    }
                };

                try
                {
                    await catalog.StartAsync(cancellationToken);
                    await foreach (var line in lines.Reader.ReadAllAsync(cancellationToken))
                    {
                        await context.Output.WriteLineAsync(line);
                        await context.Output.FlushAsync(CancellationToken.None);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Ctrl+C: the normal end.
                }
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>The lines for one published snapshot: one per changed tool, or one summary for a first load.</summary>
    internal static IEnumerable<string> Describe(CatalogChangedEventArgs e, bool json)
    {
        var via = Via(e.Origin) + (e.IsFullLoad && e.Origin != CatalogChangeOrigin.Startup ? ", full reload" : "");
        var time = e.Current.LoadedAt;
        if (e.Changes.Count == 0 && e.IsFullLoad)
        {
            var source = e.Current.Source == CatalogSource.Database ? "the database" : e.Current.Source.ToString().ToLowerInvariant();
            yield return json
                ? Json(new { time, @event = "loaded", revision = e.Current.Revision, tools = e.Current.ToolCount, source = e.Current.Source.ToString().ToLowerInvariant(), via })
                : Text(time, e.Current.Revision, "-", $"loaded {e.Current.ToolCount} tools from {source}", via);
            yield break;
        }

        foreach (var change in e.Changes)
        {
            yield return json
                ? Json(new
                {
                    time,
                    @event = "change",
                    revision = e.Current.Revision,
                    tool = change.Name,
                    change = Snake(change.Kind),
                    description = change.Description,
                    from_version = change.Previous?.Definition.Version,
                    to_version = change.Current?.Definition.Version,
                    enabled = change.Current?.Definition.Enabled,
                    via,
                })
                : Text(time, e.Current.Revision, change.Name, change.Description, via);
        }

        // Experiments the snapshot started or stopped applying (a start, a stop, an arm version disabled or enabled).
        foreach (var experiment in e.Current.Experiments)
        {
            if (!e.Previous.Experiments.Any(p => string.Equals(p.Name, experiment.Name, StringComparison.Ordinal)))
            {
                var what = string.Create(CultureInfo.InvariantCulture,
                    $"experiment {experiment.Name} applied: arm a = version {experiment.VersionA.Definition.Version}, arm b = version {experiment.VersionB.Definition.Version}, split {experiment.Experiment.Definition.Split}");
                yield return json
                    ? Json(new { time, @event = "experiment", revision = e.Current.Revision, tool = experiment.ToolName, experiment = experiment.Name, change = "applied", version_a = experiment.VersionA.Definition.Version, version_b = experiment.VersionB.Definition.Version, via })
                    : Text(time, e.Current.Revision, experiment.ToolName, what, via);
            }
        }

        foreach (var experiment in e.Previous.Experiments)
        {
            if (!e.Current.Experiments.Any(c => string.Equals(c.Name, experiment.Name, StringComparison.Ordinal)))
            {
                yield return json
                    ? Json(new { time, @event = "experiment", revision = e.Current.Revision, tool = experiment.ToolName, experiment = experiment.Name, change = "ended", via })
                    : Text(time, e.Current.Revision, experiment.ToolName, $"experiment {experiment.Name} no longer applied: every request gets the latest version", via);
            }
        }
    }

    internal static string Describe(ListenerStateChangedEventArgs e, long revision, bool json)
    {
        var time = TimeProvider.System.GetUtcNow();
        var state = e.State == ListenerState.Connected ? "connected" : "disconnected";
        if (json)
        {
            return Json(new { time, @event = "listener", state, revision, error = e.Error, retry_in_ms = e.RetryIn?.TotalMilliseconds });
        }

        var what = e.State == ListenerState.Connected
            ? "listener connected, listening for changes"
            : $"listener disconnected: {e.Error}; retrying in {e.RetryIn?.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s, serving what it has";
        return Text(time, revision, "-", what, null);
    }

    private static string Via(CatalogChangeOrigin origin) => origin switch
    {
        CatalogChangeOrigin.Startup => "startup",
        CatalogChangeOrigin.Notice => "notice",
        CatalogChangeOrigin.SafetyPoll => "safety poll",
        CatalogChangeOrigin.Reconnect => "resync after reconnect",
        CatalogChangeOrigin.Refresh => "refresh",
        _ => "tool reload",
    };

    private static string Snake(ToolChangeKind kind) => kind switch
    {
        ToolChangeKind.Added => "added",
        ToolChangeKind.Removed => "removed",
        ToolChangeKind.VersionChanged => "version_changed",
        ToolChangeKind.Disabled => "disabled",
        ToolChangeKind.Enabled => "enabled",
        ToolChangeKind.StatusChanged => "status_changed",
        _ => "content_changed",
    };

    private static string Text(DateTimeOffset time, long revision, string tool, string what, string? via) =>
        string.Create(CultureInfo.InvariantCulture, $"{time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}  rev {revision}  {tool}  {what}")
        + (via is null ? "" : $"  ({via})");

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonLines);
}
