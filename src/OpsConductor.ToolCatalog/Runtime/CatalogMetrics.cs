using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpsConductor.ToolCatalog.Diagnostics;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>What the catalog's observable gauges read, sampled when a listener collects.</summary>
internal readonly record struct CatalogObservation(CatalogSource Source, long Revision, int ToolCount, long RevisionLag, double StalenessSeconds);

/// <summary>
/// The catalog's instruments on the one <see cref="Meter"/> named <see cref="ToolCatalogDiagnostics.MeterName"/>, and its
/// <see cref="ActivitySource"/>. The meter comes from the host's <see cref="IMeterFactory"/> when there is one (so it is
/// scoped to the host and disposed with it), else it is created and disposed here. Tags are low-cardinality only.
/// </summary>
internal sealed class CatalogMetrics : IDisposable
{
    private static readonly string? Version = typeof(CatalogMetrics).Assembly.GetName().Version?.ToString();

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _lookups;
    private readonly Counter<long> _reloads;
    private readonly Histogram<double> _reloadDuration;
    private readonly Counter<long> _notifications;
    private readonly Counter<long> _reconnects;
    private Func<CatalogObservation>? _observe;

    public CatalogMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is not null)
        {
            _meter = meterFactory.Create(new MeterOptions(ToolCatalogDiagnostics.MeterName) { Version = Version });
        }
        else
        {
            _meter = new Meter(ToolCatalogDiagnostics.MeterName, Version);
            _ownsMeter = true;
        }

        _lookups = _meter.CreateCounter<long>("toolcatalog.lookups", "{lookup}", "Profile lookups through the ProfileLoader facade.");
        _reloads = _meter.CreateCounter<long>("toolcatalog.reloads", "{reload}", "Snapshots built: full loads, incremental catch-ups and single-tool reloads.");
        _reloadDuration = _meter.CreateHistogram<double>("toolcatalog.reload.duration", "s", "Time to read the changes and build the next snapshot.");
        _notifications = _meter.CreateCounter<long>("toolcatalog.notifications", "{notice}", "LISTEN/NOTIFY notices received.");
        _reconnects = _meter.CreateCounter<long>("toolcatalog.listener.reconnects", "{reconnect}", "Times the listening connection was lost or could not be opened.");
        _meter.CreateObservableGauge("toolcatalog.tools", () => Observe(o => new Measurement<int>(o.ToolCount, Tag("source", SourceName(o.Source)))), "{tool}", "Tools in the snapshot being served.");
        _meter.CreateObservableGauge("toolcatalog.revision", () => Observe(o => new Measurement<long>(o.Revision, Tag("source", SourceName(o.Source)))), "{revision}", "The catalog revision being served.");
        _meter.CreateObservableGauge("toolcatalog.revision.lag", () => Observe(o => new Measurement<long>(o.RevisionLag)), "{revision}", "Newest revision heard of minus the revision served.");
        _meter.CreateObservableGauge("toolcatalog.staleness", () => Observe(o => new Measurement<double>(o.StalenessSeconds)), "s", "How long the catalog has not been sure it is current (0 while listening).");
    }

    /// <summary>The activity source named <see cref="ToolCatalogDiagnostics.ActivitySourceName"/>.</summary>
    public static ActivitySource ActivitySource { get; } = new(ToolCatalogDiagnostics.ActivitySourceName, Version);

    /// <summary>The meter (tests attach collectors to it).</summary>
    public Meter Meter => _meter;

    /// <summary>Sets what the observable gauges read (the catalog's state).</summary>
    public void Observe(Func<CatalogObservation> observe) => _observe = observe;

    public void Lookup(bool hit, CatalogSource source)
    {
        if (_lookups.Enabled)
        {
            _lookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"), new KeyValuePair<string, object?>("source", SourceName(source)));
        }
    }

    public void Reload(string kind, CatalogChangeOrigin origin, CatalogSource source, bool success, TimeSpan duration)
    {
        var tags = new TagList
        {
            { "kind", kind },
            { "origin", OriginName(origin) },
            { "source", SourceName(source) },
            { "outcome", success ? "success" : "failure" },
        };
        _reloads.Add(1, tags);
        if (success)
        {
            _reloadDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("source", SourceName(source)));
        }
    }

    public void Notice(string outcome) => _notifications.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Reconnect() => _reconnects.Add(1);

    public static string SourceName(CatalogSource source) => source switch
    {
        CatalogSource.Database => "database",
        CatalogSource.Yaml => "yaml",
        CatalogSource.Memory => "memory",
        _ => "none",
    };

    public static string OriginName(CatalogChangeOrigin origin) => origin switch
    {
        CatalogChangeOrigin.Startup => "startup",
        CatalogChangeOrigin.Notice => "notice",
        CatalogChangeOrigin.SafetyPoll => "safety_poll",
        CatalogChangeOrigin.Reconnect => "reconnect",
        CatalogChangeOrigin.Refresh => "refresh",
        _ => "tool_reload",
    };

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private IEnumerable<Measurement<T>> Observe<T>(Func<CatalogObservation, Measurement<T>> measure)
        where T : struct =>
        _observe is { } observe ? [measure(observe())] : [];

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
