namespace OpsConductor.ToolCatalog.Model;

/// <summary>
/// One way of using a capability, with its estimates, policy and preference scores.
/// </summary>
public sealed record PatternDefinition
{
    /// <summary>The pattern name: the key under <c>patterns</c> (or <c>pattern_name</c> in list form).</summary>
    public required string Name { get; init; }

    /// <summary>What the pattern does [<c>description</c>].</summary>
    public string Description { get; init; } = "";

    /// <summary>Phrases describing when to use it [<c>typical_use_cases</c>].</summary>
    public EquatableArray<string> TypicalUseCases { get; init; }

    /// <summary>The time estimate in milliseconds, as an expression of the request context [<c>time_estimate_ms</c>], e.g. <c>"500 + 0.1 * file_size_kb"</c>. A YAML number is kept as its text.</summary>
    public required string TimeEstimateMs { get; init; }

    /// <summary>The cost estimate, as an expression of the request context [<c>cost_estimate</c>]; <c>"1"</c> when absent.</summary>
    public string CostEstimate { get; init; } = "1";

    /// <summary>0 (simple) to 1 (complex) [<c>complexity_score</c>]; 0.5 when absent.</summary>
    public double ComplexityScore { get; init; } = 0.5;

    /// <summary><c>single_item</c>, <c>batch</c> or <c>exhaustive</c> [<c>scope</c>]; inherits the tool default when absent.</summary>
    public string? Scope { get; init; }

    /// <summary><c>complete</c>, <c>partial</c> or <c>summary</c> [<c>completeness</c>]; inherits the tool default when absent.</summary>
    public string? Completeness { get; init; }

    /// <summary>Accuracy level [<c>accuracy_level</c>] (profiles format); inherits the tool default when absent.</summary>
    public string? AccuracyLevel { get; init; }

    /// <summary>Freshness [<c>freshness</c>] (profiles format); inherits the tool default when absent.</summary>
    public string? Freshness { get; init; }

    /// <summary>Data source [<c>data_source</c>] (profiles format); inherits the tool default when absent.</summary>
    public string? DataSource { get; init; }

    /// <summary>Known limitations [<c>limitations</c>].</summary>
    public EquatableArray<string> Limitations { get; init; }

    /// <summary>Where and how the pattern may run [<c>policy</c>].</summary>
    public PolicyDefinition Policy { get; init; } = PolicyDefinition.Default;

    /// <summary>How well the pattern suits each preference [<c>preference_match</c>].</summary>
    public PreferenceMatch PreferenceMatch { get; init; } = PreferenceMatch.Neutral;

    /// <summary>Inputs that must be given [<c>required_inputs</c>].</summary>
    public EquatableArray<InputSpec> RequiredInputs { get; init; }

    /// <summary>Inputs that may be given [<c>optional_inputs</c>].</summary>
    public EquatableArray<InputSpec> OptionalInputs { get; init; }

    /// <summary>What the pattern returns [<c>expected_outputs</c>].</summary>
    public EquatableArray<OutputSpec> ExpectedOutputs { get; init; }

    /// <summary>Pattern-level examples, free-form [<c>examples</c>].</summary>
    public EquatableArray<DataValue> Examples { get; init; }

    /// <summary>Keys the catalog does not interpret (<c>api_parameters</c>, <c>example_request</c>, <c>output_schema</c>, …).</summary>
    public DataMap Extensions { get; init; } = DataMap.Empty;

    /// <summary>Returns this pattern with every absent inheritable field filled from <paramref name="defaults"/>
    /// (only non-empty defaults are copied, as the original's <c>apply_defaults</c> did).</summary>
    public PatternDefinition WithDefaults(ToolDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return this with
        {
            AccuracyLevel = AccuracyLevel ?? NullIfEmpty(defaults.AccuracyLevel),
            Freshness = Freshness ?? NullIfEmpty(defaults.Freshness),
            DataSource = DataSource ?? NullIfEmpty(defaults.DataSource),
            Scope = Scope ?? NullIfEmpty(defaults.Scope),
            Completeness = Completeness ?? NullIfEmpty(defaults.Completeness),
        };

        static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
