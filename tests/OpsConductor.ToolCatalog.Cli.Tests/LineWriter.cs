using System.Text;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>A thread-safe writer that keeps whole lines and lets a test await the first line matching a condition.</summary>
/// <param name="patience">How long <see cref="WaitForLineAsync"/> waits before it fails (default 120 s: a guard against a hang, generous because a private server starts under load).</param>
internal sealed class LineWriter(TimeSpan? patience = null) : TextWriter
{
    private readonly TimeSpan _patience = patience ?? TimeSpan.FromSeconds(120);
    private readonly Lock _gate = new();
    private readonly StringBuilder _partial = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                var line = _partial.ToString().TrimEnd('\r');
                _partial.Clear();
                _lines.Add(line);
                foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
                {
                    waiter.Found.TrySetResult(line);
                    _waiters.Remove(waiter);
                }
            }
            else
            {
                _partial.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
        {
            Write(c);
        }
    }

    public Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        lock (_gate)
        {
            if (_lines.FirstOrDefault(match) is { } seen)
            {
                return Task.FromResult(seen);
            }

            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task.WaitAsync(_patience);
        }
    }

    public override string ToString() => string.Join('\n', Lines);
}
