namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// The ranges features are normalised over (the original's <c>NormalizationConfig</c>): time on a log scale
/// between <see cref="TimeMinMs"/> and <see cref="TimeMaxMs"/>, cost linearly between <see cref="CostMin"/> and
/// <see cref="CostMax"/>.
/// </summary>
public sealed record NormalizationConfig
{
    /// <summary>The original's ranges: 50 ms .. 60 s, cost 0 .. 10.</summary>
    public static NormalizationConfig Default { get; } = new();

    /// <summary>A time at or below this scores 1 (50 ms).</summary>
    public double TimeMinMs { get; init; } = 50;

    /// <summary>A time at or above this scores 0 (60,000 ms).</summary>
    public double TimeMaxMs { get; init; } = 60_000;

    /// <summary>A cost at or below this scores 1 (0).</summary>
    public double CostMin { get; init; }

    /// <summary>A cost at or above this scores 0 (10).</summary>
    public double CostMax { get; init; } = 10;

    /// <summary>Throws <see cref="ArgumentException"/> unless 0 &lt; min &lt; max for time and min &lt; max for cost.</summary>
    public NormalizationConfig Validate()
    {
        if (!(TimeMinMs > 0 && TimeMaxMs > TimeMinMs && double.IsFinite(TimeMaxMs)))
        {
            throw new ArgumentException($"Time normalisation needs 0 < TimeMinMs < TimeMaxMs, got {TimeMinMs} and {TimeMaxMs}.");
        }

        if (!(CostMax > CostMin && double.IsFinite(CostMin) && double.IsFinite(CostMax)))
        {
            throw new ArgumentException($"Cost normalisation needs CostMin < CostMax, got {CostMin} and {CostMax}.");
        }

        return this;
    }
}

/// <summary>
/// Maps raw features to [0, 1] where higher is always better, exactly as the original's <c>FeatureNormalizer</c>.
/// </summary>
internal sealed class FeatureNormalizer
{
    private readonly double _timeMin;
    private readonly double _timeMax;
    private readonly double _logTimeMin;
    private readonly double _logTimeSpan;
    private readonly double _costMin;
    private readonly double _costMax;

    /// <summary>Creates a normaliser over <paramref name="config"/> (the original's ranges when null).</summary>
    public FeatureNormalizer(NormalizationConfig? config = null)
    {
        Config = (config ?? NormalizationConfig.Default).Validate();
        _timeMin = Config.TimeMinMs;
        _timeMax = Config.TimeMaxMs;
        _logTimeMin = Math.Log(_timeMin);
        _logTimeSpan = Math.Log(_timeMax) - _logTimeMin;
        _costMin = Config.CostMin;
        _costMax = Config.CostMax;
    }

    /// <summary>The original's normaliser.</summary>
    public static FeatureNormalizer Default { get; } = new();

    /// <summary>The ranges in use.</summary>
    public NormalizationConfig Config { get; }

    /// <summary><c>clamp(1 − (ln(clamp(t, min, max)) − ln min) / (ln max − ln min), 0, 1)</c>.</summary>
    public double NormalizeTime(double timeMs)
    {
        var t = Math.Clamp(timeMs, _timeMin, _timeMax);
        return Math.Clamp(1.0 - ((Math.Log(t) - _logTimeMin) / _logTimeSpan), 0.0, 1.0);
    }

    /// <summary><c>clamp(1 − (clamp(c, min, max) − min) / (max − min), 0, 1)</c>.</summary>
    public double NormalizeCost(double cost)
    {
        var c = Math.Clamp(cost, _costMin, _costMax);
        return Math.Clamp(1.0 - ((c - _costMin) / (_costMax - _costMin)), 0.0, 1.0);
    }

    /// <summary>Simplicity: <c>1 − clamp(complexity, 0, 1)</c>.</summary>
    public static double NormalizeComplexity(double complexity) => 1.0 - Math.Clamp(complexity, 0.0, 1.0);

    /// <summary>A score already in [0, 1], clamped.</summary>
    public static double NormalizeUnit(double score) => Math.Clamp(score, 0.0, 1.0);
}
