namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>
/// A recalibrated estimate expression recommended from a pattern's recorded executions (decision 1503), as stored by
/// <c>ToolCatalogStore.RecommendAsync</c>; <c>ToolCatalogStore.ApplyRecommendationAsync</c> publishes it as a new version.
/// </summary>
/// <param name="Id">The recommendation's number (what <c>toolcatalog telemetry apply ID</c> takes).</param>
/// <param name="Tool">The tool.</param>
/// <param name="Version">The tool version it was made for: its records, and the expression it replaces.</param>
/// <param name="Capability">The capability.</param>
/// <param name="Pattern">The pattern.</param>
/// <param name="Field">The tool file's field of the estimate: <c>time_estimate_ms</c> or <c>cost_estimate</c>.</param>
/// <param name="Current">The expression of that version.</param>
/// <param name="Recommended">The recalibrated expression.</param>
/// <param name="Samples">Usable records the recommendation rests on (fit and held-out together).</param>
/// <param name="CurrentError">The current expression's median absolute percentage error on the held-out records, in percent.</param>
/// <param name="RecommendedError">The recommended expression's, on the same records, in percent.</param>
/// <param name="Evidence">The evidence as a JSON object: window, method, coefficients, held-out split, sign test.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="AppliedAt">When it was applied, or null.</param>
/// <param name="AppliedVersion">The version its apply published, or null.</param>
/// <param name="Superseded">Whether a later <c>recommend</c> for the same version, pattern and field replaced it (it can no longer be applied).</param>
public sealed record EstimateRecommendation(
    long Id,
    string Tool,
    string Version,
    string Capability,
    string Pattern,
    string Field,
    string Current,
    string Recommended,
    int Samples,
    double CurrentError,
    double RecommendedError,
    string Evidence,
    DateTimeOffset CreatedAt,
    DateTimeOffset? AppliedAt,
    string? AppliedVersion,
    bool Superseded);

/// <summary>A pattern's estimate that was examined and not recommended for a change, with why.</summary>
/// <param name="Tool">The tool.</param>
/// <param name="Version">The tool version.</param>
/// <param name="Capability">The capability.</param>
/// <param name="Pattern">The pattern.</param>
/// <param name="Field"><c>time_estimate_ms</c> or <c>cost_estimate</c>.</param>
/// <param name="Current">The current expression.</param>
/// <param name="Samples">Usable records.</param>
/// <param name="Reason">Why nothing is recommended (too thin, not clearly better, already right), with the figures.</param>
public sealed record NotRecommended(string Tool, string Version, string Capability, string Pattern, string Field, string Current, int Samples, string Reason);

/// <summary>What one <c>ToolCatalogStore.RecommendAsync</c> run found.</summary>
/// <param name="Since">The start of the window the records were read from.</param>
/// <param name="Recommendations">The recommendations made and stored by this run.</param>
/// <param name="NotRecommended">The estimates examined (with at least one record) and left alone, with why.</param>
public sealed record RecommendationRun(DateTimeOffset Since, IReadOnlyList<EstimateRecommendation> Recommendations, IReadOnlyList<NotRecommended> NotRecommended);

/// <summary>Which records <c>ToolCatalogStore.RecommendAsync</c> reads.</summary>
public sealed record RecommendationOptions
{
    /// <summary>The most records read per pattern, the most recent first: bounds the work and memory per pattern.</summary>
    public const int DefaultMaxRecordsPerPattern = 5000;

    /// <summary>How far back the records go; default 30 days.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Only this tool (default: every tool).</summary>
    public string? Tool { get; init; }

    /// <summary>This version of <see cref="Tool"/> (default: the latest version of each tool).</summary>
    public string? Version { get; init; }

    /// <summary>The most records read per pattern, most recent first; default <see cref="DefaultMaxRecordsPerPattern"/>.</summary>
    public int MaxRecordsPerPattern { get; init; } = DefaultMaxRecordsPerPattern;
}

/// <summary>What applying a recommendation published.</summary>
/// <param name="Recommendation">The recommendation, now marked applied.</param>
/// <param name="PreviousVersion">The version it was made for.</param>
/// <param name="NewVersion">The version published with the recommended expression.</param>
/// <param name="Revision">The catalog revision of the publish.</param>
/// <param name="Reason">The audit reason recorded with the publish (the evidence in one sentence).</param>
public sealed record RecommendationApplied(EstimateRecommendation Recommendation, string PreviousVersion, string NewVersion, long Revision, string Reason);

/// <summary>Why a recommendation cannot be applied.</summary>
public enum RecommendationProblem
{
    /// <summary>No recommendation has that id.</summary>
    NotFound,

    /// <summary>It was applied already.</summary>
    AlreadyApplied,

    /// <summary>A later <c>recommend</c> replaced it.</summary>
    Superseded,

    /// <summary>The tool has a newer version than the one it was made for (or none any more).</summary>
    Stale,

    /// <summary>The tool version with the recommended expression does not pass validation.</summary>
    Invalid,
}

/// <summary>A recommendation cannot be applied; <see cref="Problem"/> says why, the message what to do. Nothing was written.</summary>
public sealed class RecommendationException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public RecommendationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RecommendationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RecommendationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="problem"/>.</summary>
    public RecommendationException(RecommendationProblem problem, string message)
        : base(message) => Problem = problem;

    /// <summary>Why the recommendation cannot be applied.</summary>
    public RecommendationProblem Problem { get; }
}
