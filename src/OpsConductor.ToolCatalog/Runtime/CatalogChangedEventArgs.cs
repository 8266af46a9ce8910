namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>How a <see cref="ToolCatalogRuntime"/> learned that it had to change.</summary>
public enum CatalogChangeOrigin
{
    /// <summary>The first load after start (or the switch from the YAML fallback to the database).</summary>
    Startup,

    /// <summary>A LISTEN/NOTIFY notice from a committed write.</summary>
    Notice,

    /// <summary>The periodic safety poll found the database ahead (a notice was lost).</summary>
    SafetyPoll,

    /// <summary>The catch-up after the listening connection was re-established.</summary>
    Reconnect,

    /// <summary>An explicit <see cref="IToolCatalog.RefreshAsync"/> (or the facade's <c>Load(forceReload: true)</c>).</summary>
    Refresh,

    /// <summary>An explicit reload of one tool (<see cref="IToolCatalog.ReloadToolAsync"/>, the facade's <c>Reload(name)</c>).</summary>
    ToolReload,
}

/// <summary>What happened to one tool between two snapshots.</summary>
public enum ToolChangeKind
{
    /// <summary>A tool the previous snapshot did not have.</summary>
    Added,

    /// <summary>The tool is gone (deleted).</summary>
    Removed,

    /// <summary>Another version became the latest (a publish, or a rollback).</summary>
    VersionChanged,

    /// <summary>The same version was disabled.</summary>
    Disabled,

    /// <summary>The same version was enabled.</summary>
    Enabled,

    /// <summary>The same version's status changed (deprecated, testing, …).</summary>
    StatusChanged,

    /// <summary>The same version and state with other content (a YAML file edited without a version bump).</summary>
    ContentChanged,
}

/// <summary>One tool's change as applied to the catalog.</summary>
/// <param name="Name">The tool.</param>
/// <param name="Kind">The main thing that changed.</param>
/// <param name="Previous">The tool as the previous snapshot held it, or null when added.</param>
/// <param name="Current">The tool as the new snapshot holds it, or null when removed.</param>
public sealed record CatalogToolChange(string Name, ToolChangeKind Kind, CatalogTool? Previous, CatalogTool? Current)
{
    /// <summary>What changed, for people: <c>published version 1.0 → 1.1</c>, <c>disabled</c>, <c>removed</c>, <c>status active → deprecated</c>, ….</summary>
    public string Description => ToolChangeDescriber.Describe(this);
}

/// <summary>A new snapshot was published: what it replaced, what changed, and how the catalog learned of it.</summary>
public sealed class CatalogChangedEventArgs : EventArgs
{
    internal CatalogChangedEventArgs(
        CatalogSnapshot previous,
        CatalogSnapshot current,
        CatalogChangeOrigin origin,
        bool isFullLoad,
        IReadOnlyList<CatalogToolChange> changes)
    {
        Previous = previous;
        Current = current;
        Origin = origin;
        IsFullLoad = isFullLoad;
        Changes = changes;
    }

    /// <summary>The snapshot readers saw before.</summary>
    public CatalogSnapshot Previous { get; }

    /// <summary>The snapshot readers see now.</summary>
    public CatalogSnapshot Current { get; }

    /// <summary>How the catalog learned of the change.</summary>
    public CatalogChangeOrigin Origin { get; }

    /// <summary>
    /// Whether the whole catalog was read (the first load, a switch of source, or a gap in the change feed) rather
    /// than only what changed. <see cref="Changes"/> then lists the differences to the previous snapshot of the same
    /// source, and nothing when the source changed.
    /// </summary>
    public bool IsFullLoad { get; }

    /// <summary>The tools that changed, by name. Empty when a catch-up found changes that cancelled out.</summary>
    public IReadOnlyList<CatalogToolChange> Changes { get; }
}

/// <summary>The state of a catalog's listening connection.</summary>
public enum ListenerState
{
    /// <summary>Connected, listening and caught up.</summary>
    Connected,

    /// <summary>The connection failed or was lost; the catalog keeps serving its last snapshot and retries after <see cref="ListenerStateChangedEventArgs.RetryIn"/>.</summary>
    Disconnected,

    /// <summary>The catalog stopped listening (shut down).</summary>
    Stopped,
}

/// <summary>The listening connection came up, went down or stopped.</summary>
public sealed class ListenerStateChangedEventArgs : EventArgs
{
    internal ListenerStateChangedEventArgs(ListenerState state, string? error, TimeSpan? retryIn, int attempt)
    {
        State = state;
        Error = error;
        RetryIn = retryIn;
        Attempt = attempt;
    }

    /// <summary>The new state.</summary>
    public ListenerState State { get; }

    /// <summary>Why the connection failed (for <see cref="ListenerState.Disconnected"/>).</summary>
    public string? Error { get; }

    /// <summary>How long until the next attempt (for <see cref="ListenerState.Disconnected"/>); the wait has already started.</summary>
    public TimeSpan? RetryIn { get; }

    /// <summary>How many attempts in a row have failed (0 when connected).</summary>
    public int Attempt { get; }
}
