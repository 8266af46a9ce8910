namespace OpsConductor.ToolCatalog.Selection;

/// <summary>A candidate's normalised features, each in [0, 1], higher is better.</summary>
/// <param name="Time">Normalised estimated time.</param>
/// <param name="Cost">Normalised estimated cost.</param>
/// <param name="Complexity">Simplicity, <c>1 − complexity_score</c>.</param>
/// <param name="Accuracy"><c>preference_match.accuracy</c>.</param>
/// <param name="Completeness"><c>preference_match.completeness</c>.</param>
/// <param name="DeclaredSpeed"><c>preference_match.speed</c> (extended mode).</param>
/// <param name="DeclaredCost"><c>preference_match.cost</c> (extended mode).</param>
/// <param name="DeclaredSimplicity"><c>preference_match.complexity</c> (extended mode).</param>
public readonly record struct ScoreFeatures(
    double Time,
    double Cost,
    double Complexity,
    double Accuracy,
    double Completeness,
    double DeclaredSpeed,
    double DeclaredCost,
    double DeclaredSimplicity)
{
    /// <summary>The weighted sum <c>Σ weightᵢ × featureᵢ</c> (no division by the weights' sum, as the original).</summary>
    public double Score(FeatureWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var total = (weights.Time * Time)
            + (weights.Cost * Cost)
            + (weights.Complexity * Complexity)
            + (weights.Accuracy * Accuracy)
            + (weights.Completeness * Completeness);
        if (weights.UsesDeclaredScores)
        {
            total += (weights.DeclaredSpeed * DeclaredSpeed)
                + (weights.DeclaredCost * DeclaredCost)
                + (weights.DeclaredSimplicity * DeclaredSimplicity);
        }

        return total;
    }

    /// <summary>Each feature with its value, weight and contribution to the score, largest contribution first.</summary>
    public IReadOnlyList<FeatureContribution> Explain(FeatureWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var list = new List<FeatureContribution>(8)
        {
            new("time", Time, weights.Time),
            new("cost", Cost, weights.Cost),
            new("complexity", Complexity, weights.Complexity),
            new("accuracy", Accuracy, weights.Accuracy),
            new("completeness", Completeness, weights.Completeness),
        };
        if (weights.UsesDeclaredScores)
        {
            list.Add(new("declared_speed", DeclaredSpeed, weights.DeclaredSpeed));
            list.Add(new("declared_cost", DeclaredCost, weights.DeclaredCost));
            list.Add(new("declared_simplicity", DeclaredSimplicity, weights.DeclaredSimplicity));
        }

        // Stable sort: equal contributions keep the feature order above.
        return [.. list.OrderByDescending(c => c.Contribution)];
    }
}

/// <summary>One feature's share of a score.</summary>
/// <param name="Feature">The feature's name (<c>time</c>, <c>cost</c>, <c>complexity</c>, <c>accuracy</c>, <c>completeness</c>, or a declared score).</param>
/// <param name="Value">The normalised value in [0, 1].</param>
/// <param name="Weight">The weight of the feature in the mode.</param>
public readonly record struct FeatureContribution(string Feature, double Value, double Weight)
{
    /// <summary><see cref="Value"/> × <see cref="Weight"/>.</summary>
    public double Contribution => Value * Weight;
}
