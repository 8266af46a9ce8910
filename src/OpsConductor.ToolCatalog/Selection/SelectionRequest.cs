using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// One selection request: which capabilities, for what context, and for which preference. Immutable once built;
/// the same request may be evaluated against any snapshot.
/// </summary>
public sealed record SelectionRequest
{
    /// <summary>The default permissions of a request (the original's <c>available_permissions</c>).</summary>
    public static IReadOnlySet<string> DefaultPermissions { get; } = new HashSet<string>(["read", "write", "execute", "admin"], StringComparer.Ordinal);

    /// <summary>
    /// The required capabilities (exact names or aliases, see <see cref="CapabilityAliases"/>). Empty (or null) with a
    /// <see cref="Query"/>: the query searches the whole catalog by relevance (decision 1801) and the capabilities it
    /// matches well enough are ranked as usual.
    /// </summary>
    public required IReadOnlyList<string> Capabilities { get; init; }

    /// <summary>
    /// The user's query ("restart nginx on the web tier quickly"): scanned for preference keywords when no
    /// <see cref="ExplicitMode"/> is given, and matched against each candidate's text (the <c>relevance</c> feature,
    /// <see cref="SelectionOptions.RelevanceWeight"/>; not in <see cref="ScoringMode.Compatible"/> for a request that
    /// names capabilities). Without capabilities, it chooses them.
    /// </summary>
    public string? Query { get; init; }

    /// <summary>An explicit preference mode (<c>fast</c>, <c>accurate</c>, <c>thorough</c>, <c>cheap</c>, <c>simple</c>, <c>balanced</c>).</summary>
    public string? ExplicitMode { get; init; }

    /// <summary>
    /// The request's variables by name (<c>N</c>, <c>pages</c>, <c>file_size_kb</c>, …). One rule, whether this is
    /// null, empty or gives only some: a variable not given takes the evaluator's default (<c>N = 0</c>,
    /// <c>pages = 1</c>, <c>p95_latency = 100</c>, <c>cost = 1</c>, <c>time_ms = 1000</c>), as in the original's real
    /// calls (its Stage B never passed <c>N</c>); a pattern's declared input default comes first for its own
    /// variables. (The original's <c>select_tool</c> switched to <c>N = 100</c>, <c>pages = 1</c>,
    /// <c>p95_latency = 1000</c> only when the whole context was missing; pass those to get its no-context
    /// estimates.) Every value must be finite; the five built-in variables are counts, times and costs and must be
    /// ≥ 0; a name must be one an expression can read (not <c>pi</c>, <c>e</c> or a function name).
    /// </summary>
    public IReadOnlyDictionary<string, double>? Variables { get; init; }

    /// <summary>
    /// The request's variables already set by slot on a context over the snapshot's
    /// <see cref="Runtime.CatalogSnapshot.Variables"/> (the fast path: no name lookups). Wins over
    /// <see cref="Variables"/>. Selection does not modify it.
    /// </summary>
    public ExpressionContext? Context { get; init; }

    /// <summary>The request's cost limit (a finite number ≥ 0, or null for none): candidates whose estimated cost is strictly greater are excluded.</summary>
    public double? CostLimit { get; init; }

    /// <summary>
    /// The environment the tool would run in; <c>production</c> by default. Compared trimmed and case-insensitively
    /// (<c>Production</c> is production). Null, empty or blank is refused. Production-only rules
    /// (<c>production_safe</c>) apply in every environment not listed in
    /// <see cref="SelectionOptions.NonProductionEnvironments"/>: an unknown name (<c>prod</c>) fails closed.
    /// </summary>
    public string Environment { get; init; } = "production";

    /// <summary>Whether production (and any environment not known to be non-production) requires production-safe patterns (true by default).</summary>
    public bool RequireProductionSafe { get; init; } = true;

    /// <summary>The permissions available to the request; <see cref="DefaultPermissions"/> when null.</summary>
    public IReadOnlySet<string>? Permissions { get; init; }

    /// <summary>
    /// Whether this request uses the telemetry's calibrated times (<see cref="CalibrationUse"/>); null for the selector's
    /// <see cref="SelectionOptions.Calibration"/>.
    /// </summary>
    public CalibrationUse? Calibration { get; init; }

    /// <summary>
    /// The key that assigns the request an arm of a running experiment (a user id, or a request id): the same key always
    /// gets the same arm. Null (the default) enrols the request in no experiment: every tool serves its latest version.
    /// When given, must not be empty or blank.
    /// </summary>
    public string? AssignmentKey { get; init; }

    /// <summary>
    /// The user (or group) the request is made for, matched against an experiment's target users; null means the
    /// <see cref="AssignmentKey"/> (as <c>toolcatalog experiment assign</c> does). When given, must not be empty or blank.
    /// </summary>
    public string? User { get; init; }

    /// <summary>
    /// The groups the request's user belongs to: an experiment whose target list of users and groups names one of them
    /// enrols the request (as it would for the user). Null or empty: the user alone is matched. No name may be null,
    /// empty or blank.
    /// </summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>
    /// Checks the request against the rules <see cref="ToolSelector"/> applies at its boundary, without a catalog:
    /// at least one capability or a query, and no null or blank capability name; a cost limit, when given, finite and ≥ 0; an environment
    /// that is not null or blank; a known preference mode; an assignment key and a user, when given, not empty or blank; variables finite, named as an expression can read them,
    /// and ≥ 0 for the built-in quantities (<c>N</c>, <c>pages</c>, <c>p95_latency</c>, <c>cost</c>, <c>time_ms</c>).
    /// Returns this request.
    /// </summary>
    /// <exception cref="InvalidSelectionRequestException">A rule is broken; the message names the field, the value and the rule.</exception>
    public SelectionRequest Validate()
    {
        SelectionRequestRules.CheckFields(this);
        if (Context is not null)
        {
            SelectionRequestRules.CheckContext(Context);
        }
        else if (Variables is not null)
        {
            foreach (var (name, value) in Variables)
            {
                SelectionRequestRules.CheckNewName(name, value);
                SelectionRequestRules.CheckValue("Variables", name, value);
            }
        }

        return this;
    }
}
