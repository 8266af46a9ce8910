using OpsConductor.ToolCatalog.Quality;

namespace OpsConductor.ToolCatalog.Validation;

/// <summary>
/// How strictly to validate, and the vocabularies the rules check against. Defaults follow the original
/// validator (<c>validate_tool.py</c>) and seed schema; the extra values the original corpus, migrate script
/// and generators used are tolerated (accepted with a warning). Immutable: derive variants with <c>with</c>.
/// </summary>
public sealed record ValidationOptions
{
    /// <summary>
    /// The default mode: every canonical file of the original corpus is accepted, with warnings; the modelling rules of
    /// <c>docs/catalog-guide.md</c> are checked, as warnings (<see cref="ModellingRules"/>).
    /// </summary>
    public static ValidationOptions Lenient { get; } = new();

    /// <summary>
    /// Reproduces the original <c>validate_tool.py</c>: same verdicts, its messages verbatim, plus this catalog's own rules;
    /// without the modelling rules (<see cref="ModellingRules"/> off), so that its findings are the original's to compare.
    /// </summary>
    public static ValidationOptions StrictOriginal { get; } = new() { Strict = true, ModellingRules = false };

    /// <summary>
    /// Lenient mode with the modelling rules of <c>docs/catalog-guide.md</c> on (<see cref="ModellingRules"/>): what
    /// <c>toolcatalog lint</c> checks files with. Equal to <see cref="Lenient"/> since the rules are on by default; kept
    /// so that callers that want the rules say so.
    /// </summary>
    public static ValidationOptions Modelling { get; } = new() { ModellingRules = true };

    /// <summary>
    /// Whether to also check the modelling rules of <c>docs/catalog-guide.md</c> (<c>TOOL029</c> to <c>TOOL037</c>: generic
    /// or undocumented capability names, unprovided variables, estimates that ignore N, preference scores that contradict
    /// the estimates, missing use cases, limitations or examples), as warnings, once a document has no error. On by default
    /// (issue 18: the rules are enforced by the validator in lenient mode); warnings never refuse a file, so the original
    /// corpus still imports, with these warnings. Off in <see cref="StrictOriginal"/>, whose findings reproduce the
    /// original validator's; set it to false to validate exactly as before the rules existed.
    /// </summary>
    public bool ModellingRules { get; init; } = true;

    /// <summary>The vocabularies the modelling rules check against; <see cref="CatalogConventions.Default"/> (the guide's) unless set.</summary>
    public CatalogConventions Conventions { get; init; } = CatalogConventions.Default;

    /// <summary>Whether to reproduce the original validator (messages verbatim, its required fields as errors).</summary>
    public bool Strict { get; init; }

    /// <summary><c>platform</c>. Allowed: the original validator's list; tolerated: the values migrate accepted and the corpus used.</summary>
    public Vocabulary Platforms { get; init; } = new(
        ["linux", "windows", "network", "scheduler", "custom", "multi-platform"],
        ["database", "cloud", "container", "kubernetes", "monitoring"]);

    /// <summary><c>category</c>. Allowed: the original validator's list (also the database CHECK); tolerated: migrate's and the corpus' extras.</summary>
    public Vocabulary Categories { get; init; } = new(
        ["system", "network", "automation", "monitoring", "security", "database", "cloud", "container"],
        ["asset", "communication", "filesystem", "storage", "text-processing", "logging", "process-management"]);

    /// <summary>Pattern <c>scope</c>. Tolerated: the corpus' <c>multiple_items</c>, <c>continuous</c> and the generator's <c>single</c>, <c>multiple</c>, <c>all</c>.</summary>
    public Vocabulary Scopes { get; init; } = new(
        ["single_item", "batch", "exhaustive"],
        ["multiple_items", "continuous", "single", "multiple", "all"]);

    /// <summary>Pattern <c>completeness</c>. Tolerated: the generator's <c>full</c>.</summary>
    public Vocabulary CompletenessValues { get; init; } = new(["complete", "partial", "summary"], ["full"]);

    /// <summary><c>defaults.accuracy_level</c> (a warning only, as in the original). Tolerated: the generator's high, medium, low.</summary>
    public Vocabulary AccuracyLevels { get; init; } = new(["real-time", "cached", "estimated"], ["high", "medium", "low"]);

    /// <summary><c>defaults.freshness</c> (a warning only, as in the original). Tolerated: the generator's <c>cached</c>.</summary>
    public Vocabulary FreshnessValues { get; init; } = new(["live", "recent", "historical"], ["cached"]);

    /// <summary><c>defaults.data_source</c> (a warning only). Allowed: the template's list; tolerated: the corpus' extras.</summary>
    public Vocabulary DataSources { get; init; } = new(
        ["direct", "database", "api", "filesystem"],
        ["network", "dns", "systemd-journal", "procfs", "windows_system"]);

    /// <summary>Input <c>type</c>. Allowed: the template's list; tolerated: the corpus' <c>float</c> and <c>number</c>.</summary>
    public Vocabulary InputTypes { get; init; } = new(["string", "integer", "boolean", "array", "object"], ["float", "number"]);

    /// <summary>Dependency <c>type</c>. Allowed: the template's list; tolerated: the corpus' and generator's extras.</summary>
    public Vocabulary DependencyTypes { get; init; } = new(
        ["service", "package", "permission", "network"],
        ["filesystem", "platform", "runtime", "binary"]);

    /// <summary>More patterns than this in one capability is a warning (the original ProfileLoader refused the whole load). Default 5.</summary>
    public int MaxPatternsPerCapability { get; init; } = 5;
}
