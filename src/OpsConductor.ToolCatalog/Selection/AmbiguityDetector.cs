namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// Says whether the top two candidates are too close to call (the original's <c>AmbiguityDetector</c>), and which
/// question would tell them apart.
/// </summary>
/// <remarks>
/// The original compared raw features it never received, so it always asked "Do you prefer speed or accuracy?".
/// This detector compares the two candidates' real normalised features and asks about the dimension on which
/// they differ most; below <see cref="MinimumDifference"/> it falls back to the original's question.
/// </remarks>
internal static class AmbiguityDetector
{
    /// <summary>Two scores closer than this (strictly) are ambiguous: 0.08.</summary>
    public const double DefaultEpsilon = 0.08;

    /// <summary>The smallest feature difference that picks a specific question: 0.05.</summary>
    public const double MinimumDifference = 0.05;

    /// <summary>The original's question when no dimension stands out.</summary>
    public const string DefaultQuestion = "Do you prefer speed or accuracy?";

    private static readonly (string Dimension, string Question)[] Questions =
    [
        ("speed", "Do you need results immediately, or can you wait a bit longer for more accuracy?"),
        ("accuracy", "Do you need highly accurate real-time data, or is cached data acceptable?"),
        ("cost", "Are you willing to pay more for better results?"),
        ("completeness", "Do you need all details, or is a summary sufficient?"),
        ("complexity", "Do you prefer a simple approach or a more comprehensive one?"),
    ];

    /// <summary>Whether two top scores are ambiguous: <c>|first − second| &lt; epsilon</c>.</summary>
    public static bool IsAmbiguous(double firstScore, double secondScore, double epsilon = DefaultEpsilon) =>
        Math.Abs(firstScore - secondScore) < epsilon;

    /// <summary>
    /// The clarifying question for two close candidates: the dimension (speed, accuracy, cost, completeness,
    /// complexity — ties in that order) with the largest difference of normalised features, or
    /// <see cref="DefaultQuestion"/> when every difference is below <see cref="MinimumDifference"/>.
    /// </summary>
    public static (string? Dimension, string Question) ClarifyingQuestion(in ScoreFeatures first, in ScoreFeatures second)
    {
        ReadOnlySpan<double> differences =
        [
            Math.Abs(first.Time - second.Time),
            Math.Abs(first.Accuracy - second.Accuracy),
            Math.Abs(first.Cost - second.Cost),
            Math.Abs(first.Completeness - second.Completeness),
            Math.Abs(first.Complexity - second.Complexity),
        ];
        var best = 0;
        for (var i = 1; i < differences.Length; i++)
        {
            if (differences[i] > differences[best])
            {
                best = i;
            }
        }

        return differences[best] < MinimumDifference
            ? (null, DefaultQuestion)
            : (Questions[best].Dimension, Questions[best].Question);
    }
}
