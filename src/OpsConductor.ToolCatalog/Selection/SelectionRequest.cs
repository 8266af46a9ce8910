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

    /// <summary>The required capabilities (exact names or aliases, see <see cref="CapabilityAliases"/>).</summary>
    public required IReadOnlyList<string> Capabilities { get; init; }

    /// <summary>The user's query, scanned for preference keywords when no <see cref="ExplicitMode"/> is given.</summary>
    public string? Query { get; init; }

    /// <summary>An explicit preference mode (<c>fast</c>, <c>accurate</c>, <c>thorough</c>, <c>cheap</c>, <c>simple</c>, <c>balanced</c>).</summary>
    public string? ExplicitMode { get; init; }

    /// <summary>
    /// The request's variables by name (<c>N</c>, <c>pages</c>, <c>file_size_kb</c>, …). Variables not given take the
    /// evaluator's defaults (<c>N = 0</c>, <c>pages = 1</c>, <c>p95_latency = 100</c>, <c>cost = 1</c>,
    /// <c>time_ms = 1000</c>). When both this and <see cref="Context"/> are null, the original's no-context defaults
    /// apply instead: <c>N = 100</c>, <c>pages = 1</c>, <c>p95_latency = 1000</c>.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Variables { get; init; }

    /// <summary>
    /// The request's variables already set by slot on a context over the snapshot's
    /// <see cref="Runtime.CatalogSnapshot.Variables"/> (the fast path: no name lookups). Wins over
    /// <see cref="Variables"/>. Selection does not modify it.
    /// </summary>
    public ExpressionContext? Context { get; init; }

    /// <summary>The request's cost limit: candidates whose estimated cost is strictly greater are excluded.</summary>
    public double? CostLimit { get; init; }

    /// <summary>The environment the tool would run in; <c>production</c> by default.</summary>
    public string Environment { get; init; } = "production";

    /// <summary>Whether production requires production-safe patterns (true by default).</summary>
    public bool RequireProductionSafe { get; init; } = true;

    /// <summary>The permissions available to the request; <see cref="DefaultPermissions"/> when null.</summary>
    public IReadOnlySet<string>? Permissions { get; init; }
}
