namespace OpsConductor.ToolCatalog.Selection;

/// <summary>What the user cares about most; decides the scoring weights (the original's <c>PreferenceMode</c>).</summary>
public enum PreferenceMode
{
    /// <summary>Fastest answer: time weighs 0.40.</summary>
    Fast,

    /// <summary>Most accurate answer: accuracy weighs 0.40.</summary>
    Accurate,

    /// <summary>Most complete answer: completeness weighs 0.40.</summary>
    Thorough,

    /// <summary>Cheapest answer: cost weighs 0.40.</summary>
    Cheap,

    /// <summary>Simplest approach: simplicity weighs 0.40.</summary>
    Simple,

    /// <summary>Everything weighs 0.20 (the default).</summary>
    Balanced,
}

/// <summary>Converts <see cref="PreferenceMode"/> to and from its lower-case wire form.</summary>
public static class PreferenceModeNames
{
    /// <summary>The wire forms in the original's order.</summary>
    public static IReadOnlyList<string> All { get; } = ["fast", "accurate", "thorough", "cheap", "simple", "balanced"];

    /// <summary>The wire form (<c>fast</c>, <c>accurate</c>, …).</summary>
    public static string ToWire(this PreferenceMode mode) => All[(int)mode];

    /// <summary>Parses a wire form after lower-casing and trimming, as the original did.</summary>
    public static bool TryParse(string? text, out PreferenceMode mode)
    {
        var normalized = text?.Trim().ToLowerInvariant();
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i] == normalized)
            {
                mode = (PreferenceMode)i;
                return true;
            }
        }

        mode = PreferenceMode.Balanced;
        return false;
    }
}
