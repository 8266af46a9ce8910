namespace OpsConductor.ToolCatalog.Storage;

/// <summary>The outcome for one input tool.</summary>
/// <param name="Index">Its position in the input list.</param>
/// <param name="Name">The tool name.</param>
/// <param name="Version">The version.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Message">Why, for refused and failed tools.</param>
public sealed record ImportItemResult(int Index, string Name, string Version, ImportOutcome Outcome, string? Message = null);
