using OpsConductor.ToolCatalog.Compatibility;
using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// Lists the patterns that can serve the required capabilities, each with its time and cost evaluated for the
/// request (the original's <c>CandidateEnumerator</c>), reading only the snapshot's capability index and compiled
/// expressions. Unlike the original, a pattern that cannot be evaluated is not dropped silently: it is reported
/// with the reason (the missing variable, the expression error).
/// </summary>
internal sealed class CandidateEnumerator
{
    private readonly CapabilityAliases _aliases;

    /// <summary>Creates an enumerator using <paramref name="aliases"/> (the original's table when null).</summary>
    public CandidateEnumerator(CapabilityAliases? aliases = null) => _aliases = aliases ?? CapabilityAliases.Original;

    /// <summary>
    /// The original's <c>enumerate_candidates(required_capabilities, context)</c>: candidates in enumeration order.
    /// As in the original, a null <paramref name="context"/> means its no-context defaults (N = 100, pages = 1,
    /// p95_latency = 1000) and an empty one the evaluator's defaults (N = 0, …). <see cref="ToolSelector"/> does not
    /// keep this quirk: a <see cref="SelectionRequest"/> has one rule (<see cref="SelectionRequest.Variables"/>).
    /// </summary>
    /// <exception cref="InvalidSelectionRequestException">A variable is not finite, a built-in quantity is negative, or a name is not one an expression can read.</exception>
    public IReadOnlyList<ToolCandidate> EnumerateCandidates(CatalogSnapshot snapshot, IReadOnlyList<string> requiredCapabilities, IReadOnlyDictionary<string, double>? context = null)
    {
        var candidates = new List<ToolCandidate>();
        var arms = default(ArmChooser);
        Enumerate(snapshot, requiredCapabilities, CreateContext(snapshot, context, null, originalNoContextDefaults: true), candidates, excluded: null, ref arms);
        return candidates;
    }

    /// <summary>As <see cref="EnumerateCandidates"/>, also returning the patterns that could not be evaluated, and why.</summary>
    public (IReadOnlyList<ToolCandidate> Candidates, IReadOnlyList<ExcludedCandidate> Excluded) EnumerateWithExclusions(
        CatalogSnapshot snapshot, IReadOnlyList<string> requiredCapabilities, IReadOnlyDictionary<string, double>? context = null)
    {
        var candidates = new List<ToolCandidate>();
        var excluded = new List<ExcludedCandidate>();
        var arms = default(ArmChooser);
        Enumerate(snapshot, requiredCapabilities, CreateContext(snapshot, context, null, originalNoContextDefaults: true), candidates, excluded, ref arms);
        return (candidates, excluded);
    }

    /// <summary>
    /// The working context of one request: a copy of <paramref name="prepared"/> when given (never modified), else
    /// the named variables over the evaluator's defaults (also when <paramref name="variables"/> is null, unless
    /// <paramref name="originalNoContextDefaults"/> asks for the original enumerator's N = 100, pages = 1,
    /// p95_latency = 1000). Every value is checked (<see cref="SelectionRequestRules"/>) as it is set.
    /// </summary>
    internal static ExpressionContext CreateContext(CatalogSnapshot snapshot, IReadOnlyDictionary<string, double>? variables, ExpressionContext? prepared, bool originalNoContextDefaults = false)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var context = new ExpressionContext(snapshot.Variables);
        if (prepared is not null)
        {
            if (!ReferenceEquals(prepared.Variables, snapshot.Variables))
            {
                throw new ArgumentException("The request's expression context was made for another catalog's variable table; create it from CatalogSnapshot.Variables.", nameof(prepared));
            }

            prepared.Values.AsSpan().CopyTo(context.Values);
            SelectionRequestRules.CheckContext(context);
        }
        else if (variables is null)
        {
            if (originalNoContextDefaults)
            {
                context.Set(0, 100);
                context.Set(1, 1);
                context.Set(2, 1000);
            }
        }
        else
        {
            var table = snapshot.Variables;
            foreach (var (name, value) in variables)
            {
                if (!table.TryGetSlot(name, out var slot))
                {
                    // No expression of this catalog reads it, so it can change no estimate: checked, then left out.
                    // Adding it would grow the snapshot's shared table with every name a caller makes up.
                    SelectionRequestRules.CheckNewName(name, value);
                    SelectionRequestRules.CheckValue("Variables", name, value);
                    continue;
                }

                SelectionRequestRules.CheckValue("Variables", table, slot, value);
                context.Set(slot, value);
            }
        }

        return context;
    }

    /// <summary>
    /// Enumerates the candidates of <paramref name="requiredCapabilities"/>. For a tool under a running experiment,
    /// <paramref name="arms"/> keeps the variant the request is assigned: the arm's version for an enrolled request, the
    /// latest version otherwise (one field read per pattern; one hash per tool under test).
    /// </summary>
    internal void Enumerate(CatalogSnapshot snapshot, IReadOnlyList<string> requiredCapabilities, ExpressionContext context, List<ToolCandidate> candidates, List<ExcludedCandidate>? excluded, ref ArmChooser arms)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(requiredCapabilities);

        // Fast path: one capability with no alias (the common request) reads the index bucket in place.
        if (requiredCapabilities.Count == 1)
        {
            var name = requiredCapabilities[0];
            var canonical = _aliases.Canonicalize(name);
            var literal = snapshot.SelectionPatternsFor(name);
            if (string.Equals(canonical, name, StringComparison.Ordinal) || literal.IsEmpty)
            {
                EvaluateBucket(snapshot.SelectionPatternsFor(canonical), context, candidates, excluded, ref arms);
                return;
            }

            // An alias that the catalog also uses as a literal name (an old catalog with `service_control` beside the
            // alias table that maps it to `service_restart`): when the new name has no patterns, the old one's bucket
            // is the whole answer, read in place as well.
            if (snapshot.SelectionPatternsFor(canonical).IsEmpty)
            {
                EvaluateBucket(literal, context, candidates, excluded, ref arms);
                return;
            }
        }

        // Several names (or an alias whose literal name also has patterns): merge the buckets in enumeration order.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var patterns = new List<CompiledPattern>();
        foreach (var requested in requiredCapabilities)
        {
            foreach (var name in (ReadOnlySpan<string>)[requested, _aliases.Canonicalize(requested)])
            {
                if (seen.Add(name))
                {
                    patterns.AddRange(snapshot.SelectionPatternsFor(name));
                }
            }
        }

        patterns.Sort(CompiledPattern.CompareOrder);
        foreach (var pattern in patterns)
        {
            if (arms.Serves(pattern.Tool))
            {
                Evaluate(pattern, context, candidates, excluded);
            }
        }
    }

    private static void EvaluateBucket(ReadOnlySpan<CompiledPattern> bucket, ExpressionContext context, List<ToolCandidate> candidates, List<ExcludedCandidate>? excluded, ref ArmChooser arms)
    {
        foreach (var pattern in bucket)
        {
            if (arms.Serves(pattern.Tool))
            {
                Evaluate(pattern, context, candidates, excluded);
            }
        }
    }

    internal static void Evaluate(CompiledPattern pattern, ExpressionContext context, List<ToolCandidate> candidates, List<ExcludedCandidate>? excluded)
    {
        if (!pattern.IsCompiled)
        {
            excluded?.Add(new ExcludedCandidate(pattern.ToolName, pattern.CapabilityName, pattern.PatternName, ExclusionRule.InvalidExpression,
                "expression does not compile: " + string.Join("; ", pattern.CompileProblems)));
            return;
        }

        var defaults = pattern.DeclaredDefaults;
        var applied = defaults.Length == 0 ? 0 : ApplyDeclaredDefaults(defaults, context);
        try
        {
            if (!pattern.TimeEstimate!.TryEvaluate(context, out var time, out var timeError))
            {
                excluded?.Add(Failure(pattern, ToolFields.TimeEstimateMs, pattern.TimeEstimate.Text, timeError));
                return;
            }

            if (!pattern.CostEstimate!.TryEvaluate(context, out var cost, out var costError))
            {
                excluded?.Add(Failure(pattern, ToolFields.CostEstimate, pattern.CostEstimate.Text, costError));
                return;
            }

            if (!(time >= 0 && double.IsFinite(time)))
            {
                excluded?.Add(Impossible(pattern, ToolFields.TimeEstimateMs, pattern.TimeEstimate.Text, time));
                return;
            }

            if (!(cost >= 0 && double.IsFinite(cost)))
            {
                excluded?.Add(Impossible(pattern, ToolFields.CostEstimate, pattern.CostEstimate.Text, cost));
                return;
            }

            candidates.Add(new ToolCandidate(pattern, time, cost));
        }
        finally
        {
            if (applied != 0)
            {
                ClearDeclaredDefaults(defaults, applied, context);
            }
        }
    }

    /// <summary>Sets each declared default the request does not give; returns a bit mask of the slots it set.</summary>
    private static ulong ApplyDeclaredDefaults((int Slot, string Name, double Value)[] defaults, ExpressionContext context)
    {
        ulong applied = 0;
        for (var i = 0; i < defaults.Length && i < 64; i++)
        {
            if (!context.TryGet(defaults[i].Slot, out _))
            {
                context.Set(defaults[i].Slot, defaults[i].Value);
                applied |= 1UL << i;
            }
        }

        return applied;
    }

    private static void ClearDeclaredDefaults((int Slot, string Name, double Value)[] defaults, ulong applied, ExpressionContext context)
    {
        var values = context.Values;
        for (var i = 0; i < defaults.Length && i < 64; i++)
        {
            if ((applied & (1UL << i)) != 0)
            {
                values[defaults[i].Slot] = ExpressionContext.Undefined;
            }
        }
    }

    private static ExcludedCandidate Impossible(CompiledPattern pattern, string field, string text, double value) =>
        new(pattern.ToolName, pattern.CapabilityName, pattern.PatternName, ExclusionRule.ImpossibleEstimate,
            $"{field} '{text}' evaluates to {PythonRepr.Float(value)} for this request; an estimate must be a finite number ≥ 0");

    private static ExcludedCandidate Failure(CompiledPattern pattern, string field, string text, ExpressionError error) =>
        error.MissingVariable is { } variable
            ? new ExcludedCandidate(pattern.ToolName, pattern.CapabilityName, pattern.PatternName, ExclusionRule.MissingVariable,
                $"{field} '{text}' needs variable '{variable}', which the request does not give and the pattern does not default", variable)
            : new ExcludedCandidate(pattern.ToolName, pattern.CapabilityName, pattern.PatternName, ExclusionRule.EvaluationError,
                $"{field} '{text}' cannot be evaluated: {error.Message}");
}
