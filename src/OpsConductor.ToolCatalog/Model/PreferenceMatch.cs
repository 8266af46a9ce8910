namespace OpsConductor.ToolCatalog.Model;

/// <summary>
/// How well a pattern suits each user preference, each in [0, 1] [<c>preference_match</c>].
/// An absent score is 0.5, as in the original.
/// </summary>
public sealed record PreferenceMatch
{
    /// <summary>All five scores at 0.5.</summary>
    public static PreferenceMatch Neutral { get; } = new();

    /// <summary>1 = very fast [<c>speed</c>].</summary>
    public double Speed { get; init; } = 0.5;

    /// <summary>1 = perfect accuracy [<c>accuracy</c>].</summary>
    public double Accuracy { get; init; } = 0.5;

    /// <summary>1 = very cheap [<c>cost</c>].</summary>
    public double Cost { get; init; } = 0.5;

    /// <summary>1 = very simple [<c>complexity</c>].</summary>
    public double Complexity { get; init; } = 0.5;

    /// <summary>1 = comprehensive [<c>completeness</c>].</summary>
    public double Completeness { get; init; } = 0.5;

    /// <summary>Keys the catalog does not interpret.</summary>
    public DataMap Extensions { get; init; } = DataMap.Empty;
}
