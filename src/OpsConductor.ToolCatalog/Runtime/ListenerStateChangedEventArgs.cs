namespace OpsConductor.ToolCatalog.Runtime;

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
