namespace OpsConductor.ToolCatalog.Decisions;

/// <summary>
/// Whether and how selection decisions are sampled into the decision log (<c>AddToolCatalog(...).ConfigureDecisionLog(...)</c>).
/// The log is off by default: a logged decision holds the request's variables and query.
/// </summary>
public sealed class DecisionLogOptions
{
    /// <summary>Whether <see cref="IDecisionLog.Record(Selection.SelectionRequest, Selection.ToolSelectionResult, string?)"/> logs anything (false). When false it returns at once.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The share of decisions logged, from 0 (none) to 1 (all); 0.01 by default. With a selection id the choice is
    /// deterministic (a hash of the id: the same decision is always in or always out at a given rate); without one it is random.
    /// </summary>
    public double SampleRate { get; set; } = 0.01;

    /// <summary>The most decisions buffered in memory (10,000); more are dropped and counted.</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>The most decisions written in one batch (1,000).</summary>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>How many batches are written at once, each on a connection of its own (1).</summary>
    public int Writers { get; set; } = 1;

    /// <summary>How long a decision waits for its batch to fill before it is written anyway (1 s).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first wait before a failed batch is tried again (0.5 s), doubling up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between tries of a failed batch (30 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    /// <returns>These options.</returns>
    public DecisionLogOptions Validate()
    {
        if (!(SampleRate is >= 0 and <= 1))
        {
            throw new ArgumentException($"Decision log SampleRate must be from 0 to 1, got {SampleRate}.");
        }

        if (Capacity < 1)
        {
            throw new ArgumentException($"Decision log Capacity must be at least 1, got {Capacity}.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentException($"Decision log BatchSize must be at least 1, got {BatchSize}.");
        }

        if (Writers is < 1 or > 16)
        {
            throw new ArgumentException($"Decision log Writers must be from 1 to 16, got {Writers}.");
        }

        if (FlushInterval <= TimeSpan.Zero || RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            throw new ArgumentException($"Decision log FlushInterval ({FlushInterval}) and RetryDelay ({RetryDelay}) must be positive and MaxRetryDelay ({MaxRetryDelay}) at least RetryDelay.");
        }

        return this;
    }
}
