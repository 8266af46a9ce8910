namespace OpsConductor.ToolCatalog.Runtime;

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
