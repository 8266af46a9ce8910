namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// Chooses between the top two candidates when their scores are within epsilon (the orchestrator's LLM in the
/// original). Supplied by the host; without one, or when it fails or times out, the deterministic winner stands.
/// </summary>
public interface ITieBreaker
{
    /// <summary>Chooses between <see cref="TieBreakRequest.First"/> and <see cref="TieBreakRequest.Second"/>, or returns null to abstain.</summary>
    ValueTask<TieBreakDecision?> BreakTieAsync(TieBreakRequest request, CancellationToken cancellationToken);
}

/// <summary>What a tie-breaker sees: the query, the mode and the two candidates with their real figures.</summary>
/// <param name="Query">The user's query.</param>
/// <param name="Mode">The preference mode.</param>
/// <param name="First">The deterministic winner (option A).</param>
/// <param name="Second">The runner-up (option B).</param>
/// <param name="ScoreDifference">The absolute difference of their scores.</param>
public sealed record TieBreakRequest(string? Query, PreferenceMode Mode, RankedCandidate First, RankedCandidate Second, double ScoreDifference);

/// <summary>The tie-breaker's choice.</summary>
/// <param name="ChooseSecond">True to choose <see cref="TieBreakRequest.Second"/> (option B), false for the first (option A).</param>
/// <param name="Justification">Why, in words; shown to the user.</param>
public sealed record TieBreakDecision(bool ChooseSecond, string Justification);
