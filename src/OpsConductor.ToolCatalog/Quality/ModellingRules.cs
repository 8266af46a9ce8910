using System.Globalization;
using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Quality;

/// <summary>One finding of a modelling rule: the tool it is about, the rule's code, the field path inside the tool and the message.</summary>
internal sealed record ModellingFinding(string ToolName, string Code, string Path, string Message, ModellingLevel Level, string? Capability, string? Pattern);

/// <summary>What a modelling rule is about, which decides how its points are shared (see <see cref="CatalogQuality"/>).</summary>
internal enum ModellingLevel
{
    Tool,
    Capability,
    Pattern,
}

/// <summary>
/// The modelling rules of <c>docs/catalog-guide.md</c> (codes <c>TOOL029</c> to <c>TOOL037</c>), checked on tools as
/// read. One implementation serves the validator (<c>ValidationOptions.ModellingRules</c>), the quality score
/// (<see cref="CatalogQuality"/>) and <c>toolcatalog lint</c>. Estimates are evaluated with the variable rules of
/// selection (the request's variables, else the pattern's numeric input defaults, else the evaluator's defaults) at the
/// guide's reference request, without the runtime (this namespace sits below Validation, which Runtime uses).
/// </summary>
internal static class ModellingRules
{
    /// <summary>Scopes that say the pattern acts on one target, so a request for N targets repeats it N times.</summary>
    /// <remarks>Batch scopes are left out: a batch query of a central system (a log search, the firing alerts) does not grow with N.</remarks>
    private static readonly HashSet<string> TargetScopes = new(StringComparer.Ordinal) { "single_item", "single" };

    /// <summary>Input names that are the target host of the pattern.</summary>
    private static readonly HashSet<string> TargetInputs = new(StringComparer.Ordinal) { "host", "hosts", "computer", "computers" };

    /// <summary>The two request sizes the scaling rule compares.</summary>
    internal const double SmallN = 1;

    /// <summary>The larger request size of the scaling rule.</summary>
    internal const double LargeN = 100;

    /// <summary>Checks <paramref name="tools"/> (a name given twice keeps its last definition, as in a snapshot), in their order.</summary>
    public static IReadOnlyList<ModellingFinding> Check(IEnumerable<ToolDefinition> tools, CatalogConventions conventions)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(conventions);
        var latest = new Dictionary<string, ToolDefinition>(StringComparer.Ordinal);
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(tools));
            latest[tool.Name] = tool;
            order.TryAdd(tool.Name, order.Count);
        }

        var findings = new List<ModellingFinding>();
        foreach (var tool in latest.Values)
        {
            Names(tool, conventions, findings);
            Content(tool, conventions, findings);
        }

        Estimates(latest.Values, conventions, findings);
        return [.. findings.OrderBy(f => order[f.ToolName]).ThenBy(f => f.Code, StringComparer.Ordinal).ThenBy(f => f.Path, StringComparer.Ordinal)];
    }

    private static void Names(ToolDefinition tool, CatalogConventions conventions, List<ModellingFinding> findings)
    {
        foreach (var capability in tool.Capabilities)
        {
            var path = $"capabilities.{capability.Name}";
            var generic = capability.Name.Split('_').Where(conventions.GenericWords.Contains).Distinct(StringComparer.Ordinal).ToList();
            if (generic.Count > 0)
            {
                findings.Add(new(tool.Name, ValidationCodes.CapabilityGenericName, path,
                    $"the capability '{capability.Name}' of tool '{tool.Name}' contains the generic word{(generic.Count == 1 ? "" : "s")} {string.Join(", ", generic.Select(g => $"'{g}'"))}, which say that something happens but not what; name the one operation an orchestrator asks for (object_verb, e.g. service_restart, log_search): see docs/catalog-guide.md, rule 2",
                    ModellingLevel.Capability, capability.Name, null));
            }

            if (!conventions.Capabilities.ContainsKey(capability.Name))
            {
                findings.Add(new(tool.Name, ValidationCodes.CapabilityNotInVocabulary, path,
                    $"the capability '{capability.Name}' of tool '{tool.Name}' is not in the documented capability vocabulary; use the vocabulary's name for the operation so tools that do the same thing share it, or add a row to the vocabulary (docs/catalog-guide.md, rule 1; CatalogConventions.Capabilities)",
                    ModellingLevel.Capability, capability.Name, null));
            }
        }
    }

    private static void Content(ToolDefinition tool, CatalogConventions conventions, List<ModellingFinding> findings)
    {
        if (tool.Examples.IsEmpty)
        {
            findings.Add(new(tool.Name, ValidationCodes.ToolMissingExamples, "examples", $"tool '{tool.Name}' has no examples; give at least one request with its inputs and expected time and cost (docs/catalog-guide.md)",
                ModellingLevel.Tool, null, null));
        }

        foreach (var capability in tool.Capabilities)
        {
            foreach (var pattern in capability.Patterns)
            {
                var path = $"capabilities.{capability.Name}.patterns.{pattern.Name}";
                var where = $"pattern '{pattern.Name}' of capability '{capability.Name}' of tool '{tool.Name}'";
                if (pattern.TypicalUseCases.IsEmpty)
                {
                    findings.Add(new(tool.Name, ValidationCodes.PatternMissingUseCases, $"{path}.typical_use_cases",
                        $"{where} lists no typical_use_cases; say in an operator's words when this pattern is the right answer (selection matches requests against them)",
                        ModellingLevel.Pattern, capability.Name, pattern.Name));
                }

                if (pattern.Limitations.IsEmpty)
                {
                    findings.Add(new(tool.Name, ValidationCodes.PatternMissingLimitations, $"{path}.limitations",
                        $"{where} lists no limitations; say what the command really does not do (docs/catalog-guide.md, rule 8)",
                        ModellingLevel.Pattern, capability.Name, pattern.Name));
                }

                Variables(tool, capability, pattern, path, where, conventions, findings);
            }
        }
    }

    /// <summary>TOOL031: every variable an expression reads is a built-in, a common request variable, or an input of the pattern with a numeric default.</summary>
    private static void Variables(ToolDefinition tool, CapabilityDefinition capability, PatternDefinition pattern, string path, string where,
        CatalogConventions conventions, List<ModellingFinding> findings)
    {
        var defaulted = pattern.RequiredInputs.Concat(pattern.OptionalInputs)
            .Where(i => i.Default is { IsNumber: true })
            .Select(i => i.Name)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (field, text, language) in new[]
                 {
                     ("time_estimate_ms", (string?)pattern.TimeEstimateMs, ExpressionLanguage.Estimate),
                     ("cost_estimate", pattern.CostEstimate, ExpressionLanguage.Estimate),
                     ("policy.requires_background_if", pattern.Policy.RequiresBackgroundIf, ExpressionLanguage.Condition),
                 })
        {
            if (string.IsNullOrWhiteSpace(text) || ExpressionAnalysis.Analyze(text, language) is not { Error: null } facts)
            {
                continue;
            }

            foreach (var variable in facts.VariablesWithoutDefaults.Distinct(StringComparer.Ordinal))
            {
                if (conventions.CommonVariables.ContainsKey(variable) || defaulted.Contains(variable))
                {
                    continue;
                }

                var kind = conventions.PatternVariables.Contains(variable) ? "a pattern-specific request variable" : "not a request variable of the guide";
                findings.Add(new(tool.Name, ValidationCodes.PatternVariableNotProvided, $"{path}.{field}",
                    $"{field} of {where} (\"{text}\") uses '{variable}', which is {kind} and has no numeric default among the pattern's inputs; a request that does not give '{variable}' excludes the pattern. Use a common request variable ({string.Join(", ", conventions.CommonVariables.Keys)}) or declare '{variable}' as an optional input with a numeric default (docs/catalog-guide.md, rule 5)",
                    ModellingLevel.Pattern, capability.Name, pattern.Name));
            }
        }
    }

    /// <summary>Whether the pattern's work grows with the number of targets: see docs/catalog-guide.md, "Rules the validator enforces".</summary>
    internal static bool TakesTargets(PatternDefinition pattern) =>
        (pattern.Scope is { } scope && TargetScopes.Contains(scope))
        || pattern.RequiredInputs.Concat(pattern.OptionalInputs).Any(i =>
            TargetInputs.Contains(i.Name) || i.Description?.Contains("N is", StringComparison.Ordinal) == true);

    /// <summary>A pattern with its place, and its estimate for one request (null when it cannot be evaluated).</summary>
    private sealed record Estimate(string ToolName, string CapabilityName, PatternDefinition Pattern, double? TimeMs, double? Cost)
    {
        public override string ToString() => $"{ToolName}.{CapabilityName}.{Pattern.Name}";
    }

    /// <summary>TOOL032 (estimates that ignore N), TOOL033 and TOOL034 (preference scores against the estimates).</summary>
    private static void Estimates(IEnumerable<ToolDefinition> tools, CatalogConventions conventions, List<ModellingFinding> findings)
    {
        var patterns = tools.SelectMany(t => t.Capabilities.SelectMany(c => c.Patterns.Select(p => (Tool: t.Name, Capability: c.Name, Pattern: p)))).ToList();
        var reference = conventions.CommonVariables;
        var table = VariableTable.CreateDefault();
        foreach (var (tool, capability, p) in patterns.Where(x => TakesTargets(x.Pattern)))
        {
            var one = Evaluate(table, tool, capability, p, WithN(reference, SmallN));
            var many = Evaluate(table, tool, capability, p, WithN(reference, LargeN));
            if (one.TimeMs is null || many.TimeMs is null || one.Cost is null || many.Cost is null || many.TimeMs > one.TimeMs || many.Cost > one.Cost)
            {
                continue;
            }

            findings.Add(new(tool, ValidationCodes.PatternEstimateIgnoresN, $"capabilities.{capability}.patterns.{p.Name}.time_estimate_ms",
                string.Create(CultureInfo.InvariantCulture,
                    $"pattern '{p.Name}' of capability '{capability}' of tool '{tool}' acts on targets (scope single_item, a host or computer input, or an input whose description says \"N is\") but its estimates do not grow with N: {Format(one.TimeMs)} ms and cost {Format(one.Cost)} for N = {SmallN}, {Format(many.TimeMs)} ms and cost {Format(many.Cost)} for N = {LargeN}; multiply the per-target work by max(N, 1) (docs/catalog-guide.md, rule 4)"),
                ModellingLevel.Pattern, capability, p.Name));
        }

        var atReference = patterns.Select(x => Evaluate(table, x.Tool, x.Capability, x.Pattern, reference)).Where(e => e.TimeMs is not null && e.Cost is not null).ToList();
        foreach (var group in atReference.GroupBy(e => e.CapabilityName, StringComparer.Ordinal))
        {
            var list = group.ToList();
            foreach (var a in list)
            {
                Inconsistent(a, list, e => e.TimeMs!.Value, e => Math.Clamp(e.Pattern.PreferenceMatch.Speed, 0, 1), ValidationCodes.PatternSpeedScoreInconsistent, "speed", "ms", findings);
                Inconsistent(a, list, e => e.Cost!.Value, e => Math.Clamp(e.Pattern.PreferenceMatch.Cost, 0, 1), ValidationCodes.PatternCostScoreInconsistent, "cost", "cost units", findings);
            }
        }
    }

    /// <summary>Time and cost for <paramref name="request"/>: its variables, else the pattern's numeric input defaults, else the evaluator's defaults.</summary>
    private static Estimate Evaluate(VariableTable table, string tool, string capability, PatternDefinition pattern, IReadOnlyDictionary<string, double> request)
    {
        var context = new ExpressionContext(table);
        foreach (var input in pattern.RequiredInputs.Concat(pattern.OptionalInputs))
        {
            if (input.Default is { IsNumber: true } value && !request.ContainsKey(input.Name))
            {
                context.Set(input.Name, value.AsDouble());
            }
        }

        foreach (var (name, value) in request)
        {
            context.Set(name, value);
        }

        return new Estimate(tool, capability, pattern, Value(pattern.TimeEstimateMs), Value(pattern.CostEstimate));

        double? Value(string text) =>
            EstimateExpression.TryCompile(text, table, out var expression, out _) && expression.TryEvaluate(context, out var result, out _) ? result : null;
    }

    /// <summary>
    /// <paramref name="a"/> is cheaper by <paramref name="measure"/> than another pattern of its capability yet declares
    /// the lower score: reported once, against the other pattern with the highest score.
    /// </summary>
    private static void Inconsistent(Estimate a, List<Estimate> group, Func<Estimate, double> measure, Func<Estimate, double> score,
        string code, string what, string unit, List<ModellingFinding> findings)
    {
        var worse = group.Where(b => measure(a) < measure(b) && score(a) < score(b)).MaxBy(score);
        if (worse is null)
        {
            return;
        }

        var p = a.Pattern;
        findings.Add(new(a.ToolName, code, $"capabilities.{a.CapabilityName}.patterns.{p.Name}.preference_match.{what}",
            string.Create(CultureInfo.InvariantCulture,
                $"pattern '{p.Name}' of capability '{a.CapabilityName}' of tool '{a.ToolName}' estimates {Format(measure(a))} {unit} at the reference request but declares {what} {Format(score(a))}, lower than {worse} ({Format(measure(worse))} {unit}, {what} {Format(score(worse))}); the {(what == "speed" ? "faster" : "cheaper")} pattern of a capability declares the higher {what} score (docs/catalog-guide.md, rule 6)"),
            ModellingLevel.Pattern, a.CapabilityName, p.Name));
    }

    private static Dictionary<string, double> WithN(IReadOnlyDictionary<string, double> reference, double n) =>
        new(reference, StringComparer.Ordinal) { ["N"] = n };

    private static string Format(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "?";
}
