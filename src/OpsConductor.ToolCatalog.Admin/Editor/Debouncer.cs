namespace OpsConductor.ToolCatalog.Admin.Editor;

/// <summary>
/// Runs the last scheduled action once typing pauses for <see cref="Delay"/> (the editor's validation as it is typed), on
/// the injected <see cref="TimeProvider"/>. A newer schedule cancels the older one; <see cref="FlushAsync"/> runs the
/// pending action now (before a review, so the dry run sees every keystroke).
/// </summary>
internal sealed class Debouncer(TimeProvider time, TimeSpan delay) : IDisposable
{
    private CancellationTokenSource? _pending;
    private Func<Task>? _action;

    public TimeSpan Delay { get; } = delay;

    public void Schedule(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Cancel();
        _action = action;
        var pending = _pending = new CancellationTokenSource();
        _ = RunAfterDelayAsync(action, pending.Token);
    }

    /// <summary>Runs the pending action now, if there is one.</summary>
    public Task FlushAsync()
    {
        var action = _action;
        Cancel();
        return action is null ? Task.CompletedTask : action();
    }

    public void Dispose() => Cancel();

    private void Cancel()
    {
        _action = null;
        _pending?.Cancel();
        _pending?.Dispose();
        _pending = null;
    }

    private async Task RunAfterDelayAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (ReferenceEquals(_action, action))
        {
            _action = null;
            await action();
        }
    }
}
