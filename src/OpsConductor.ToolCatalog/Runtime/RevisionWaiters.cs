namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// The callers of one catalog's <see cref="IToolCatalog.WaitForRevisionAsync"/> (a runtime's, a tenant view's). The
/// catalog releases a snapshot once its <see cref="IToolCatalog.Changed"/> handlers have run, so a wait that returns
/// finds what they derive (a server's change feed, a follower's state) current. Waiters are completed outside the lock,
/// and their continuations run asynchronously, so a release never runs a caller's code in the publishing thread.
/// </summary>
/// <param name="released">The snapshot the catalog serves when it is created.</param>
/// <param name="owner">The catalog's type name, for the <see cref="ObjectDisposedException"/> of a wait after <see cref="Close"/>.</param>
internal sealed class RevisionWaiters(CatalogSnapshot released, string owner)
{
    private readonly Lock _gate = new();
    private readonly List<(long Revision, TaskCompletionSource<CatalogSnapshot> Completion)> _waiters = [];
    private CatalogSnapshot _released = released;
    private bool _closed;

    /// <summary>The released snapshot at or past <paramref name="revision"/>: at once when there is one, else when it comes.</summary>
    /// <exception cref="ObjectDisposedException">The catalog is closed and has no such snapshot.</exception>
    public Task<CatalogSnapshot> WaitAsync(long revision, CancellationToken cancellationToken)
    {
        TaskCompletionSource<CatalogSnapshot> completion;
        lock (_gate)
        {
            if (_released.Revision >= revision)
            {
                return Task.FromResult(_released);
            }

            ObjectDisposedException.ThrowIf(_closed, owner);
            completion = new TaskCompletionSource<CatalogSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((revision, completion));
        }

        return cancellationToken.CanBeCanceled ? WaitCancellableAsync(completion, cancellationToken) : completion.Task;
    }

    /// <summary>Releases <paramref name="next"/> (its handlers have run) to every waiter it satisfies.</summary>
    public void Release(CatalogSnapshot next)
    {
        List<TaskCompletionSource<CatalogSnapshot>>? released = null;
        lock (_gate)
        {
            _released = next;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Revision <= next.Revision)
                {
                    (released ??= []).Add(_waiters[i].Completion);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var completion in released ?? [])
        {
            completion.TrySetResult(next);
        }
    }

    /// <summary>Fails every waiter, and every later wait for a revision not yet released (the catalog is disposed).</summary>
    public void Close()
    {
        List<TaskCompletionSource<CatalogSnapshot>> failed;
        lock (_gate)
        {
            _closed = true;
            failed = [.. _waiters.Select(static w => w.Completion)];
            _waiters.Clear();
        }

        foreach (var completion in failed)
        {
            completion.TrySetException(new ObjectDisposedException(owner));
        }
    }

    private async Task<CatalogSnapshot> WaitCancellableAsync(TaskCompletionSource<CatalogSnapshot> waiter, CancellationToken token)
    {
        try
        {
            return await waiter.Task.WaitAsync(token).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => ReferenceEquals(w.Completion, waiter));
            }
        }
    }
}
