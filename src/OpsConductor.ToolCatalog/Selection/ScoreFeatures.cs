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
    /// <summary>
    /// The weighted sum <c>Σ weightᵢ × featureᵢ</c> (no division by the weights' sum, as the original). Relevance is not a
    /// feature held here (a request without a query must not pay for it): a candidate of a request with a query adds
    /// <c>weights.Relevance × relevance</c> (<see cref="RankedCandidate.Relevance"/>).
    /// </summary>
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

    /// <summary>Each feature held here with its value, weight and contribution to the score, largest contribution first (<see cref="RankedCandidate.Explain(FeatureWeights)"/> adds relevance).</summary>
    public IReadOnlyList<FeatureContribution> Explain(FeatureWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var list = new FeatureContribution[FeatureCount(weights)];
        Explain(weights, list);
        return list;
    }

    /// <summary>
    /// Writes what <see cref="Explain(FeatureWeights)"/> returns into <paramref name="destination"/> without allocating
    /// (for writers of many explanations, such as an API answer), and returns how many it wrote: 5, or 8 when the mode
    /// uses the declared scores.
    /// </summary>
    /// <param name="weights">The mode's weights.</param>
    /// <param name="destination">Room for at least 8 (or <see cref="FeatureCount"/>) contributions.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public int Explain(FeatureWeights weights, Span<FeatureContribution> destination) => Explain(weights, null, destination);

    /// <summary>The features, plus <c>relevance</c> at <paramref name="relevance"/> when it is given and <paramref name="weights"/> give it a weight.</summary>
    internal int Explain(FeatureWeights weights, double? relevance, Span<FeatureContribution> destination)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var withRelevance = relevance is not null && weights.Relevance != 0;
        var count = FeatureCount(weights) + (withRelevance ? 1 : 0);
        if (destination.Length < count)
        {
            throw new ArgumentException($"The destination has room for {destination.Length} contributions; the mode has {count}.", nameof(destination));
        }

        destination[0] = new("time", Time, weights.Time);
        destination[1] = new("cost", Cost, weights.Cost);
        destination[2] = new("complexity", Complexity, weights.Complexity);
        destination[3] = new("accuracy", Accuracy, weights.Accuracy);
        destination[4] = new("completeness", Completeness, weights.Completeness);
        if (weights.UsesDeclaredScores)
        {
            destination[5] = new("declared_speed", DeclaredSpeed, weights.DeclaredSpeed);
            destination[6] = new("declared_cost", DeclaredCost, weights.DeclaredCost);
            destination[7] = new("declared_simplicity", DeclaredSimplicity, weights.DeclaredSimplicity);
        }

        if (withRelevance)
        {
            destination[count - 1] = new("relevance", relevance!.Value, weights.Relevance);
        }

        // Stable insertion sort, largest contribution first: equal contributions keep the feature order above.
        for (var i = 1; i < count; i++)
        {
            var current = destination[i];
            var j = i - 1;
            while (j >= 0 && destination[j].Contribution < current.Contribution)
            {
                destination[j + 1] = destination[j];
                j--;
            }

            destination[j + 1] = current;
        }

        return count;
    }

    /// <summary>
    /// How many features held here a score under <paramref name="weights"/> has: 5, or 8 when the mode uses the declared
    /// scores (<see cref="RankedCandidate.FeatureCount"/> counts relevance too).
    /// </summary>
    public static int FeatureCount(FeatureWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return weights.UsesDeclaredScores ? 8 : 5;
    }
}

/// <summary>One feature's share of a score.</summary>
/// <param name="Feature">The feature's name (<c>time</c>, <c>cost</c>, <c>complexity</c>, <c>accuracy</c>, <c>completeness</c>, a declared score, or <c>relevance</c>).</param>
/// <param name="Value">The normalised value in [0, 1].</param>
/// <param name="Weight">The weight of the feature in the mode.</param>
public readonly record struct FeatureContribution(string Feature, double Value, double Weight)
{
    /// <summary><see cref="Value"/> × <see cref="Weight"/>.</summary>
    public double Contribution => Value * Weight;
}
