namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// What <see cref="ToolSelector.SelectOrEvaluateAsync"/> gave: the choice (null when nothing is viable), the whole
/// evaluation (ranking and exclusions) and, when nothing was chosen, why.
/// </summary>
/// <param name="Evaluation">The ranking and the exclusions.</param>
/// <param name="Selected">The choice; null when nothing is viable.</param>
/// <param name="Error">Why nothing could be chosen; null when a candidate was.</param>
public sealed record SelectionOutcome(SelectionEvaluation Evaluation, ToolSelectionResult? Selected, string? Error);
