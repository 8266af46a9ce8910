namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>How the telemetry recorder buffers and writes (<c>AddToolCatalog(...).ConfigureTelemetry(...)</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Whether executions are recorded at all (true). When false, <see cref="ITelemetryRecorder.Record"/> drops every record and counts it.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The most records buffered in memory (100,000, about 20 MB at most); more are dropped and counted.</summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>The most records written in one batch (5,000).</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>
    /// How many batches are written at once, each on a connection of its own (2): the database works on one while the
    /// other is being sent, and uses a second core. Records of different writers may be committed out of order.
    /// </summary>
    public int Writers { get; set; } = 2;

    /// <summary>How long a record waits for its batch to fill before it is written anyway (1 s).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first wait before a failed batch is tried again (0.5 s), doubling up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between tries of a failed batch (30 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Automatic apply of estimate recommendations for chosen tools (off by default).</summary>
    public TelemetryAutoApplyOptions AutoApply { get; } = new();

    /// <summary>The experiment monitor: periodic evaluation of running A/B experiments, with automatic rollback and promotion (off by default).</summary>
    public Experiments.ExperimentMonitorOptions ExperimentMonitor { get; } = new();

    // ---- Calibrated estimates for selection ----

    /// <summary>
    /// Whether this process reads time calibrations from the telemetry for selection (false): every
    /// <see cref="CalibrationRefreshInterval"/>, the median and 90th percentile of actual ÷ estimated time of each
    /// pattern with at least <see cref="CalibrationMinSamples"/> executions in the last <see cref="CalibrationWindow"/>
    /// (<see cref="ITimeCalibrationSource"/>). Off by default because each load aggregates the window's telemetry: turn it on
    /// where selections use calibrated estimates (<c>SelectionOptions.Calibration</c> or a request's own).
    /// </summary>
    public bool Calibration { get; set; }

    /// <summary>How far back the calibrations look (7 days).</summary>
    public TimeSpan CalibrationWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The fewest executions with an estimate for a pattern to be calibrated (30).</summary>
    public int CalibrationMinSamples { get; set; } = 30;

    /// <summary>How often the calibrations are read again (5 minutes).</summary>
    public TimeSpan CalibrationRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    /// <returns>These options.</returns>
    public TelemetryOptions Validate()
    {
        AutoApply.Validate();
        ExperimentMonitor.Validate();
        if (Capacity < 1)
        {
            throw new ArgumentException($"Telemetry Capacity must be at least 1, got {Capacity}.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentException($"Telemetry BatchSize must be at least 1, got {BatchSize}.");
        }

        if (Writers is < 1 or > 16)
        {
            throw new ArgumentException($"Telemetry Writers must be from 1 to 16, got {Writers}.");
        }

        if (FlushInterval <= TimeSpan.Zero || RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            throw new ArgumentException($"Telemetry FlushInterval ({FlushInterval}) and RetryDelay ({RetryDelay}) must be positive and MaxRetryDelay ({MaxRetryDelay}) at least RetryDelay.");
        }

        if (CalibrationWindow <= TimeSpan.Zero || CalibrationRefreshInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Telemetry CalibrationWindow ({CalibrationWindow}) and CalibrationRefreshInterval ({CalibrationRefreshInterval}) must be positive.");
        }

        if (CalibrationMinSamples < 1)
        {
            throw new ArgumentException($"Telemetry CalibrationMinSamples must be at least 1, got {CalibrationMinSamples}.");
        }

        return this;
    }
}
