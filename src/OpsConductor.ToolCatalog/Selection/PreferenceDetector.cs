using System.Text.RegularExpressions;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// Decides the <see cref="PreferenceMode"/> of a request from an explicit mode or from keywords in the user's
/// query, exactly as the original's <c>PreferenceDetector</c>: each mode's keywords are matched as whole words
/// (case-insensitive); the mode with the most matches wins; ties go to the first of Fast, Accurate, Thorough,
/// Cheap, Simple; no match means <see cref="PreferenceMode.Balanced"/>. Note that "all" and "every" count for
/// Thorough, as in the original.
/// </summary>
internal static partial class PreferenceDetector
{
    /// <summary>The keywords of each mode, in the original's order (Fast, Accurate, Thorough, Cheap, Simple).</summary>
    public static IReadOnlyDictionary<PreferenceMode, IReadOnlyList<string>> Keywords { get; } = new Dictionary<PreferenceMode, IReadOnlyList<string>>
    {
        [PreferenceMode.Fast] = ["quick", "quickly", "fast", "rapid", "rapidly", "immediate", "immediately", "asap", "hurry", "urgent", "urgently", "speed", "speedy", "swift", "swiftly"],
        [PreferenceMode.Accurate] = ["accurate", "accurately", "precise", "precisely", "exact", "exactly", "verify", "verified", "double-check", "double check", "confirm", "validated", "reliable", "reliably", "correct", "correctly"],
        [PreferenceMode.Thorough] = ["thorough", "thoroughly", "complete", "completely", "comprehensive", "comprehensively", "detailed", "in detail", "all", "every", "exhaustive", "exhaustively", "full", "fully", "entire", "entirely"],
        [PreferenceMode.Cheap] = ["cheap", "cheaply", "free", "cost-effective", "economical", "economically", "inexpensive", "inexpensively", "low cost", "low-cost", "budget", "affordable"],
        [PreferenceMode.Simple] = ["simple", "simply", "basic", "basically", "straightforward", "easy", "easily", "minimal", "minimally", "lightweight"],
    };

    // The same alternations as the original's \b(kw1|kw2|...)\b, in the same keyword order.
    [GeneratedRegex(@"\b(quick|quickly|fast|rapid|rapidly|immediate|immediately|asap|hurry|urgent|urgently|speed|speedy|swift|swiftly)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FastRegex();

    [GeneratedRegex(@"\b(accurate|accurately|precise|precisely|exact|exactly|verify|verified|double\-check|double\ check|confirm|validated|reliable|reliably|correct|correctly)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AccurateRegex();

    [GeneratedRegex(@"\b(thorough|thoroughly|complete|completely|comprehensive|comprehensively|detailed|in\ detail|all|every|exhaustive|exhaustively|full|fully|entire|entirely)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ThoroughRegex();

    [GeneratedRegex(@"\b(cheap|cheaply|free|cost\-effective|economical|economically|inexpensive|inexpensively|low\ cost|low\-cost|budget|affordable)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CheapRegex();

    [GeneratedRegex(@"\b(simple|simply|basic|basically|straightforward|easy|easily|minimal|minimally|lightweight)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SimpleRegex();

    /// <summary>
    /// The mode for a request: <paramref name="explicitMode"/> when given (lower-cased and trimmed; an unknown
    /// value throws <see cref="ArgumentException"/> listing the allowed modes), else the query's keywords.
    /// </summary>
    public static PreferenceMode Detect(string? query, string? explicitMode = null) => DetectWithConfidence(query, explicitMode).Mode;

    /// <summary>
    /// The mode and the original's confidence: 1.0 for an explicit mode, <c>min(1, 0.7 + 0.1 × matches)</c> for a
    /// keyword match, 0.5 for the default.
    /// </summary>
    public static (PreferenceMode Mode, double Confidence) DetectWithConfidence(string? query, string? explicitMode = null)
    {
        if (!string.IsNullOrEmpty(explicitMode))
        {
            if (!PreferenceModeNames.TryParse(explicitMode, out var mode))
            {
                throw new ArgumentException(
                    $"Invalid preference mode: '{explicitMode}'. Must be one of: [{string.Join(", ", PreferenceModeNames.All.Select(m => $"'{m}'"))}]",
                    nameof(explicitMode));
            }

            return (mode, 1.0);
        }

        if (string.IsNullOrEmpty(query))
        {
            return (PreferenceMode.Balanced, 0.5);
        }

        var text = query.ToLowerInvariant();
        Span<int> counts =
        [
            FastRegex().Count(text),
            AccurateRegex().Count(text),
            ThoroughRegex().Count(text),
            CheapRegex().Count(text),
            SimpleRegex().Count(text),
        ];

        var best = 0;
        for (var i = 1; i < counts.Length; i++)
        {
            if (counts[i] > counts[best])
            {
                best = i;
            }
        }

        return counts[best] == 0
            ? (PreferenceMode.Balanced, 0.5)
            : ((PreferenceMode)best, Math.Min(1.0, 0.7 + (0.1 * counts[best])));
    }
}
