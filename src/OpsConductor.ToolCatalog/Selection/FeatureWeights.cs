using System.Globalization;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// How much each normalised feature counts in a candidate's score. The five compatible features are the
/// original's: time and cost (evaluated from the pattern's expressions), complexity (<c>complexity_score</c>),
/// accuracy and completeness (<c>preference_match</c>). The three declared features
/// (<c>preference_match.speed</c>, <c>.cost</c>, <c>.complexity</c>) were ignored by the original; they take part
/// only in the documented extended mode (<see cref="ExtendedForMode"/>) or in custom weights.
/// </summary>
/// <remarks>Weights must be non-negative and sum to 1 (± 0.01), as the original required.</remarks>
public sealed record FeatureWeights
{
    /// <summary>Weight of the normalised estimated time (faster is better).</summary>
    public double Time { get; init; }

    /// <summary>Weight of the normalised estimated cost (cheaper is better).</summary>
    public double Cost { get; init; }

    /// <summary>Weight of simplicity, <c>1 − complexity_score</c>.</summary>
    public double Complexity { get; init; }

    /// <summary>Weight of <c>preference_match.accuracy</c>.</summary>
    public double Accuracy { get; init; }

    /// <summary>Weight of <c>preference_match.completeness</c>.</summary>
    public double Completeness { get; init; }

    /// <summary>Weight of the declared <c>preference_match.speed</c> (extended mode only).</summary>
    public double DeclaredSpeed { get; init; }

    /// <summary>Weight of the declared <c>preference_match.cost</c> (extended mode only).</summary>
    public double DeclaredCost { get; init; }

    /// <summary>Weight of the declared <c>preference_match.complexity</c> (1 = very simple; extended mode only).</summary>
    public double DeclaredSimplicity { get; init; }

    /// <summary>
    /// Weight of <c>relevance</c>: how well the pattern's text matches the request's query (BM25, normalised so the
    /// best-matching candidate scores 1). 0 in every preset; a selector gives it <see cref="SelectionOptions.RelevanceWeight"/>
    /// for requests that carry a query (<see cref="WithRelevance"/>), except in <see cref="ScoringMode.Compatible"/> for
    /// requests that name capabilities.
    /// </summary>
    public double Relevance { get; init; }

    /// <summary>Whether any declared preference score takes part (not the original's behaviour).</summary>
    public bool UsesDeclaredScores => DeclaredSpeed != 0 || DeclaredCost != 0 || DeclaredSimplicity != 0;

    private static readonly FeatureWeights[] Compatible =
    [
        Of(0.40, 0.15, 0.15, 0.15, 0.15),
        Of(0.15, 0.15, 0.15, 0.40, 0.15),
        Of(0.15, 0.15, 0.15, 0.15, 0.40),
        Of(0.15, 0.40, 0.15, 0.15, 0.15),
        Of(0.15, 0.15, 0.40, 0.15, 0.15),
        Of(0.20, 0.20, 0.20, 0.20, 0.20),
    ];

    /// <summary>The original's weights for <paramref name="mode"/> (<c>FeatureWeights.from_mode</c>).</summary>
    public static FeatureWeights ForMode(PreferenceMode mode) => Compatible[(int)mode];

    /// <summary>
    /// The extended weights for <paramref name="mode"/>: the compatible weights scaled by 0.8, with the remaining
    /// 0.2 shared by the declared speed, cost and simplicity scores in proportion to the mode's time, cost and
    /// complexity weights. Scores in this mode are not the original's.
    /// </summary>
    public static FeatureWeights ExtendedForMode(PreferenceMode mode)
    {
        var c = ForMode(mode);
        var declared = c.Time + c.Cost + c.Complexity;
        return new FeatureWeights
        {
            Time = c.Time * 0.8,
            Cost = c.Cost * 0.8,
            Complexity = c.Complexity * 0.8,
            Accuracy = c.Accuracy * 0.8,
            Completeness = c.Completeness * 0.8,
            DeclaredSpeed = 0.2 * c.Time / declared,
            DeclaredCost = 0.2 * c.Cost / declared,
            DeclaredSimplicity = 0.2 * c.Complexity / declared,
        };
    }

    /// <summary>The sum of all weights.</summary>
    public double Total => Time + Cost + Complexity + Accuracy + Completeness + DeclaredSpeed + DeclaredCost + DeclaredSimplicity + Relevance;

    /// <summary>
    /// These weights with <c>relevance</c> at <paramref name="weight"/> and every other weight scaled by
    /// <c>(1 − weight) / (1 − Relevance)</c>, so they still sum to 1. <c>WithRelevance(0)</c> removes relevance.
    /// </summary>
    /// <param name="weight">The relevance weight, in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is not in [0, 1).</exception>
    public FeatureWeights WithRelevance(double weight)
    {
        if (!(weight >= 0 && weight < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The relevance weight must be in [0, 1).");
        }

        if (weight == Relevance)
        {
            return this;
        }

        var scale = (1 - weight) / (1 - Relevance);
        return new FeatureWeights
        {
            Time = Time * scale,
            Cost = Cost * scale,
            Complexity = Complexity * scale,
            Accuracy = Accuracy * scale,
            Completeness = Completeness * scale,
            DeclaredSpeed = DeclaredSpeed * scale,
            DeclaredCost = DeclaredCost * scale,
            DeclaredSimplicity = DeclaredSimplicity * scale,
            Relevance = weight,
        };
    }

    /// <summary>
    /// Checks the weights: each non-negative and finite, and together summing to 1 ± 0.01; otherwise throws
    /// <see cref="ArgumentException"/> with the original's message "Feature weights must sum to 1.0, got {total}".
    /// </summary>
    public FeatureWeights Validate()
    {
        ReadOnlySpan<(string Name, double Value)> all =
        [
            ("time", Time), ("cost", Cost), ("complexity", Complexity), ("accuracy", Accuracy), ("completeness", Completeness),
            ("declared_speed", DeclaredSpeed), ("declared_cost", DeclaredCost), ("declared_simplicity", DeclaredSimplicity), ("relevance", Relevance),
        ];
        foreach (var (name, value) in all)
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentException($"Feature weight '{name}' must be a finite number ≥ 0, got {value.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        var total = Total;
        if (Math.Abs(total - 1.0) > 0.01)
        {
            throw new ArgumentException($"Feature weights must sum to 1.0, got {total.ToString(CultureInfo.InvariantCulture)}");
        }

        return this;
    }

    /// <summary>
    /// Every weight by its feature's snake_case name (<c>time</c>, <c>cost</c>, <c>complexity</c>, <c>accuracy</c>,
    /// <c>completeness</c>, <c>declared_speed</c>, <c>declared_cost</c>, <c>declared_simplicity</c>, and <c>relevance</c>
    /// when it is not 0), as JSON output names them.
    /// </summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var named = new Dictionary<string, double>(8, StringComparer.Ordinal);
        foreach (var (name, value) in Named())
        {
            named[name] = value;
        }

        return named;
    }

    /// <summary>The non-zero weights as <c>name value</c> pairs, e.g. <c>time 0.40</c>.</summary>
    public IEnumerable<string> Explain()
    {
        var list = new List<string>(8);
        foreach (var (name, value) in Named())
        {
            if (value != 0)
            {
                list.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {value:0.00}"));
            }
        }

        return list;
    }

    private static FeatureWeights Of(double time, double cost, double complexity, double accuracy, double completeness) =>
        new() { Time = time, Cost = cost, Complexity = complexity, Accuracy = accuracy, Completeness = completeness };

    /// <summary>The weights with their features' names, in the fixed order every output uses.</summary>
    private (string Name, double Value)[] Named() => Relevance == 0
        ? [
            ("time", Time), ("cost", Cost), ("complexity", Complexity), ("accuracy", Accuracy), ("completeness", Completeness),
            ("declared_speed", DeclaredSpeed), ("declared_cost", DeclaredCost), ("declared_simplicity", DeclaredSimplicity),
        ]
        : [
            ("time", Time), ("cost", Cost), ("complexity", Complexity), ("accuracy", Accuracy), ("completeness", Completeness),
            ("declared_speed", DeclaredSpeed), ("declared_cost", DeclaredCost), ("declared_simplicity", DeclaredSimplicity), ("relevance", Relevance),
        ];
}
