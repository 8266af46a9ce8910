namespace OpsConductor.ToolCatalog.Selection;

/// <summary>How policies are applied.</summary>
public enum PolicyMode
{
    /// <summary>
    /// Every rule (the default): the request's cost limit, the pattern's <c>max_cost</c>, <c>production_safe</c> in
    /// production, permissions, allowed environments; <c>requires_approval</c>, <c>requires_background_if</c> and
    /// <c>max_N_immediate</c> as soft rules.
    /// </summary>
    Enforced,

    /// <summary>
    /// Only what the original's orchestrator enforced: the request's cost limit (hard) and <c>requires_approval</c>
    /// (the approval hint). For comparisons with OpsConductor-NG.
    /// </summary>
    Original,
}

/// <summary>How candidates are scored.</summary>
public enum ScoringMode
{
    /// <summary>The original's five features and weights per mode: scores equal OpsConductor-NG's to four decimals.</summary>
    Compatible,

    /// <summary>
    /// The declared <c>preference_match.speed</c>, <c>.cost</c> and <c>.complexity</c> also take part
    /// (<see cref="FeatureWeights.ExtendedForMode"/>); not the original's numbers.
    /// </summary>
    Extended,
}

/// <summary>Options of <see cref="ToolSelector"/>. Every property has a documented default.</summary>
public sealed class SelectionOptions
{
    /// <summary><see cref="PolicyMode.Enforced"/> by default.</summary>
    public PolicyMode PolicyMode { get; set; } = PolicyMode.Enforced;

    /// <summary><see cref="ScoringMode.Compatible"/> by default.</summary>
    public ScoringMode ScoringMode { get; set; } = ScoringMode.Compatible;

    /// <summary>Custom weights per mode (each validated to sum to 1); modes not listed use <see cref="ScoringMode"/>'s preset.</summary>
    public IDictionary<PreferenceMode, FeatureWeights> CustomWeights { get; } = new Dictionary<PreferenceMode, FeatureWeights>();

    /// <summary>The normalisation ranges; the original's (50 ms .. 60 s, cost 0 .. 10) by default.</summary>
    public NormalizationConfig Normalization { get; set; } = NormalizationConfig.Default;

    /// <summary>
    /// Whether requests use the telemetry's calibrated times (<see cref="CalibrationUse.Off"/> by default); a request's own
    /// <see cref="SelectionRequest.Calibration"/> wins. The calibrations come from the selector's
    /// <see cref="Telemetry.ITimeCalibrationSource"/> (with <c>AddToolCatalog</c>, turn on <c>TelemetryOptions.Calibration</c>).
    /// </summary>
    public CalibrationUse Calibration { get; set; } = CalibrationUse.Off;

    /// <summary>
    /// The weight of the <c>relevance</c> feature (how well a pattern's text matches the request's query, BM25 over the
    /// snapshot; decision 1801) for a request that names capabilities and carries a query: 0.25 by default, the mode's
    /// other weights scaled by 0.75 (<see cref="FeatureWeights.WithRelevance"/>). Not in <see cref="ScoringMode.Compatible"/>
    /// (the default), whose numbers stay the original's: choose <see cref="ScoringMode.Extended"/> to use it. A request
    /// without a query is scored without it. Custom weights that give relevance a weight of their own keep it. 0 turns
    /// it off.
    /// </summary>
    public double RelevanceWeight { get; set; } = 0.25;

    /// <summary>
    /// The weight of the <c>relevance</c> feature for a query-only request (no capability; the query is then the only
    /// statement of what is wanted), in every scoring mode: 0.5 by default. 0 ranks the matched capabilities' patterns
    /// on the mode's features alone.
    /// </summary>
    public double QueryOnlyRelevanceWeight { get; set; } = 0.5;

    /// <summary>
    /// For a query-only request, a capability is searched when its best pattern's BM25 score is at least this share of
    /// the best pattern's in the whole catalog: 0.7 by default (and at least <see cref="QueryMatchFloor"/>).
    /// </summary>
    public double QueryMatchRatio { get; set; } = 0.7;

    /// <summary>
    /// For a query-only request, the least BM25 score a pattern needs for its capability to be searched: 2.0 by default,
    /// about one match of a term that fewer than one pattern in five contains, so a query of common words alone
    /// ("server", "check") matches nothing rather than everything.
    /// </summary>
    public double QueryMatchFloor { get; set; } = 2.0;

    /// <summary>Scores closer than this are ambiguous; 0.08 by default.</summary>
    public double AmbiguityEpsilon { get; set; } = AmbiguityDetector.DefaultEpsilon;

    /// <summary>
    /// The capability alias table; <see cref="CapabilityAliases.Catalog"/> (the shipped catalog's, which maps the
    /// original's and the earlier samples' names to its operations) by default. <see cref="CapabilityAliases.Original"/>
    /// is the original's own table.
    /// </summary>
    public CapabilityAliases Aliases { get; set; } = CapabilityAliases.Catalog;

    /// <summary>How long a tie-breaker may take before the deterministic winner stands; 3 s by default (the original's).</summary>
    public TimeSpan TieBreakTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Whether elevated permissions (<c>admin</c>, <c>root</c>, <c>sudo</c>) require approval; true by default.</summary>
    public bool RequireApprovalForElevated { get; set; } = true;

    /// <summary>
    /// The environments known not to be production, compared trimmed and case-insensitively: <c>development</c>,
    /// <c>dev</c>, <c>test</c>, <c>testing</c>, <c>qa</c>, <c>staging</c>, <c>stage</c>, <c>sandbox</c> and <c>local</c>
    /// by default. The production-only rule (<c>production_safe</c>) applies in every other environment — in
    /// <c>production</c>, <c>Production</c>, and in names it does not know (<c>prod</c>, <c>live</c>): an unknown
    /// environment fails closed. A <see cref="ToolSelector"/> copies the set when it is created.
    /// </summary>
    public ISet<string> NonProductionEnvironments { get; } = new HashSet<string>(
        ["development", "dev", "test", "testing", "qa", "staging", "stage", "sandbox", "local"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Checks the options, throwing <see cref="ArgumentException"/> with the offending setting named.</summary>
    public SelectionOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(NonProductionEnvironments);
        foreach (var environment in NonProductionEnvironments)
        {
            if (string.IsNullOrWhiteSpace(environment) || string.Equals(environment.Trim(), "production", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"NonProductionEnvironments must name environments other than production, got '{environment}'.");
            }
        }

        Normalization.Validate();
        foreach (var (mode, weights) in CustomWeights)
        {
            try
            {
                weights.Validate();
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Custom weights for mode '{mode.ToWire()}': {e.Message}", e);
            }
        }

        if (!(AmbiguityEpsilon >= 0 && double.IsFinite(AmbiguityEpsilon)))
        {
            throw new ArgumentException($"AmbiguityEpsilon must be a finite number ≥ 0, got {AmbiguityEpsilon}.");
        }

        if (!(RelevanceWeight >= 0 && RelevanceWeight < 1))
        {
            throw new ArgumentException($"RelevanceWeight must be in [0, 1), got {RelevanceWeight}.");
        }

        if (!(QueryOnlyRelevanceWeight >= 0 && QueryOnlyRelevanceWeight < 1))
        {
            throw new ArgumentException($"QueryOnlyRelevanceWeight must be in [0, 1), got {QueryOnlyRelevanceWeight}.");
        }

        if (!(QueryMatchRatio >= 0 && QueryMatchRatio <= 1))
        {
            throw new ArgumentException($"QueryMatchRatio must be in [0, 1], got {QueryMatchRatio}.");
        }

        if (!(QueryMatchFloor > 0 && double.IsFinite(QueryMatchFloor)))
        {
            throw new ArgumentException($"QueryMatchFloor must be a finite number > 0, got {QueryMatchFloor}.");
        }

        if (TieBreakTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"TieBreakTimeout must be positive, got {TieBreakTimeout}.");
        }

        if (!Enum.IsDefined(Calibration))
        {
            throw new ArgumentException($"Calibration must be Off, Report or Rank, got {Calibration}.");
        }

        ArgumentNullException.ThrowIfNull(Aliases);
        return this;
    }

    /// <summary>The weights used for <paramref name="mode"/>.</summary>
    public FeatureWeights WeightsFor(PreferenceMode mode) =>
        CustomWeights.TryGetValue(mode, out var custom) ? custom
        : ScoringMode == ScoringMode.Extended ? FeatureWeights.ExtendedForMode(mode)
        : FeatureWeights.ForMode(mode);
}
