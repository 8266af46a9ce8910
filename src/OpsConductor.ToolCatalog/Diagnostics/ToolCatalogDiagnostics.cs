namespace OpsConductor.ToolCatalog.Diagnostics;

/// <summary>
/// The names under which the tool catalog reports: one <see cref="System.Diagnostics.Metrics.Meter"/> and one
/// <see cref="System.Diagnostics.ActivitySource"/>, both named <see cref="MeterName"/>. Subscribe to them with
/// OpenTelemetry (<c>AddMeter(ToolCatalogDiagnostics.MeterName)</c>, <c>AddSource(ToolCatalogDiagnostics.ActivitySourceName)</c>)
/// or any <see cref="System.Diagnostics.Metrics.MeterListener"/>. Every tag has a handful of values at most (no tool
/// names, no revisions): safe for any metrics back end.
/// </summary>
/// <remarks>
/// <para>Instruments (tags in brackets):</para>
/// <list type="bullet">
/// <item><c>toolcatalog.lookups</c> (counter): profile lookups through the ProfileLoader facade [<c>result</c> = hit|miss, <c>source</c>].</item>
/// <item><c>toolcatalog.reloads</c> (counter): snapshots built [<c>kind</c> = full|incremental|tool, <c>origin</c> = startup|notice|safety_poll|reconnect|refresh|tool_reload, <c>source</c> = database|yaml, <c>outcome</c> = success|failure].</item>
/// <item><c>toolcatalog.reload.duration</c> (histogram, s): time to read and build a snapshot [<c>kind</c>, <c>source</c>].</item>
/// <item><c>toolcatalog.notifications</c> (counter): LISTEN notices received [<c>outcome</c> = accepted|unreadable|dropped].</item>
/// <item><c>toolcatalog.listener.reconnects</c> (counter): times the listening connection was lost and retried.</item>
/// <item><c>toolcatalog.tools</c> (gauge): tools in the current snapshot [<c>source</c>].</item>
/// <item><c>toolcatalog.revision</c> (gauge): the revision the current snapshot reflects [<c>source</c>].</item>
/// <item><c>toolcatalog.revision.lag</c> (gauge): the newest revision the catalog has heard of (notice or poll) minus the one it serves.</item>
/// <item><c>toolcatalog.staleness</c> (gauge, s): how long the catalog has not been sure it is current (0 while listening).</item>
/// </list>
/// <para>Activities: <c>toolcatalog.sync</c> (a catch-up or full load; tags <c>toolcatalog.origin</c>,
/// <c>toolcatalog.kind</c>, <c>toolcatalog.revision</c>) and <c>toolcatalog.tool_reload</c>.</para>
/// </remarks>
public static class ToolCatalogDiagnostics
{
    /// <summary>The meter's name: <c>OpsConductor.ToolCatalog</c>.</summary>
    public const string MeterName = "OpsConductor.ToolCatalog";

    /// <summary>The activity source's name: <c>OpsConductor.ToolCatalog</c>.</summary>
    public const string ActivitySourceName = "OpsConductor.ToolCatalog";

    /// <summary>The log category of the runtime (hot reload, listener, fallback): event ids 5000–5099.</summary>
    public const string RuntimeLogCategory = "OpsConductor.ToolCatalog.Runtime";

    /// <summary>The log category of the ProfileLoader facade: event ids 5100–5149.</summary>
    public const string ProfilesLogCategory = "OpsConductor.ToolCatalog.Profiles";
}
