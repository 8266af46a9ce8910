using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// A pattern ready for selection: its definition with the tool's defaults applied, its estimate expressions and
/// background condition compiled once, and its static features precomputed. Immutable and shared by readers.
/// </summary>
public sealed class CompiledPattern
{
    internal CompiledPattern(CatalogTool tool, CapabilityDefinition capability, int capabilityIndex, PatternDefinition pattern, int patternIndex, ExpressionCompiler compiler)
    {
        Tool = tool;
        Capability = capability;
        CapabilityIndex = capabilityIndex;
        PatternIndex = patternIndex;
        Definition = pattern.WithDefaults(tool.Definition.Defaults);

        var problems = new List<string>(0);
        TimeEstimate = compiler.CompileEstimate(Definition.TimeEstimateMs, ToolFields.TimeEstimateMs, problems);
        CostEstimate = compiler.CompileEstimate(Definition.CostEstimate, ToolFields.CostEstimate, problems);
        if (Definition.Policy.RequiresBackgroundIf is { } condition)
        {
            BackgroundCondition = compiler.CompileCondition(condition, "policy.requires_background_if", problems);
        }

        CompileProblems = problems.Count == 0 ? [] : problems.ToEquatableArray();
        DeclaredDefaults = FindDeclaredDefaults(compiler.Variables);

        Simplicity = 1.0 - Math.Clamp(Definition.ComplexityScore, 0.0, 1.0);
        Accuracy = Math.Clamp(Definition.PreferenceMatch.Accuracy, 0.0, 1.0);
        Completeness = Math.Clamp(Definition.PreferenceMatch.Completeness, 0.0, 1.0);
        DeclaredSpeed = Math.Clamp(Definition.PreferenceMatch.Speed, 0.0, 1.0);
        DeclaredCost = Math.Clamp(Definition.PreferenceMatch.Cost, 0.0, 1.0);
        DeclaredSimplicity = Math.Clamp(Definition.PreferenceMatch.Complexity, 0.0, 1.0);
    }

    /// <summary>The tool the pattern belongs to (in the same snapshot).</summary>
    public CatalogTool Tool { get; }

    /// <summary>The capability the pattern serves.</summary>
    public CapabilityDefinition Capability { get; }

    /// <summary>The pattern, with the tool's defaults applied (the original's <c>apply_defaults</c>).</summary>
    public PatternDefinition Definition { get; }

    /// <summary>The tool's name.</summary>
    public string ToolName => Tool.Name;

    /// <summary>The capability's name.</summary>
    public string CapabilityName => Capability.Name;

    /// <summary>The pattern's name.</summary>
    public string PatternName => Definition.Name;

    /// <summary>The compiled <c>time_estimate_ms</c>, or null when it does not compile (see <see cref="CompileProblems"/>).</summary>
    public EstimateExpression? TimeEstimate { get; }

    /// <summary>The compiled <c>cost_estimate</c>, or null when it does not compile.</summary>
    public EstimateExpression? CostEstimate { get; }

    /// <summary>The compiled <c>policy.requires_background_if</c>, or null when absent or not compilable.</summary>
    public ConditionExpression? BackgroundCondition { get; }

    /// <summary>Why an expression of this pattern could not be compiled ("time_estimate_ms: …"); empty when all compiled.</summary>
    public EquatableArray<string> CompileProblems { get; }

    /// <summary>Whether every expression compiled.</summary>
    public bool IsCompiled => CompileProblems.IsEmpty;

    /// <summary>Simplicity, <c>1 − clamp(complexity_score)</c>.</summary>
    public double Simplicity { get; }

    /// <summary>The pattern's text as lexical relevance sees it (terms and frequencies); computed on first use, then kept.</summary>
    internal RelevanceDocument Relevance => LazyInitializer.EnsureInitialized(ref _relevance, () => RelevanceDocument.For(this));

    private RelevanceDocument? _relevance;

    /// <summary><c>preference_match.accuracy</c>, clamped to [0, 1].</summary>
    public double Accuracy { get; }

    /// <summary><c>preference_match.completeness</c>, clamped to [0, 1].</summary>
    public double Completeness { get; }

    /// <summary><c>preference_match.speed</c>, clamped to [0, 1].</summary>
    public double DeclaredSpeed { get; }

    /// <summary><c>preference_match.cost</c>, clamped to [0, 1].</summary>
    public double DeclaredCost { get; }

    /// <summary><c>preference_match.complexity</c> (1 = very simple), clamped to [0, 1].</summary>
    public double DeclaredSimplicity { get; }

    /// <summary>
    /// Defaults the pattern itself declares for variables its expressions use: a required or optional input of that
    /// name with a numeric <c>default</c>. Selection uses them when the request does not give the variable.
    /// </summary>
    internal (int Slot, string Name, double Value)[] DeclaredDefaults { get; }

    /// <summary>Position of the capability within the tool (file order).</summary>
    internal int CapabilityIndex { get; }

    /// <summary>Position of the pattern within the capability (file order).</summary>
    internal int PatternIndex { get; }

    private (int Slot, string Name, double Value)[] FindDeclaredDefaults(VariableTable variables)
    {
        List<(int, string, double)>? found = null;
        foreach (var input in Definition.RequiredInputs.Concat(Definition.OptionalInputs))
        {
            if (input.Default is not { IsNumber: true } value || !UsesVariable(input.Name))
            {
                continue;
            }

            found ??= [];
            if (found.TrueForAll(f => f.Item2 != input.Name))
            {
                found.Add((variables.GetOrAddSlot(input.Name), input.Name, value.AsDouble()));
            }
        }

        return found is null ? [] : [.. found];
    }

    private bool UsesVariable(string name) =>
        (TimeEstimate?.Variables.Contains(name) ?? false)
        || (CostEstimate?.Variables.Contains(name) ?? false)
        || (BackgroundCondition?.Variables.Contains(name) ?? false);

    /// <summary>Enumeration order: tool order, then capability and pattern position (the original's loops).</summary>
    internal static int CompareOrder(CompiledPattern? x, CompiledPattern? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var byTool = CatalogTool.CompareOrder(x.Tool, y.Tool);
        if (byTool != 0)
        {
            return byTool;
        }

        var byCapability = x.CapabilityIndex.CompareTo(y.CapabilityIndex);
        return byCapability != 0 ? byCapability : x.PatternIndex.CompareTo(y.PatternIndex);
    }

    /// <inheritdoc />
    public override string ToString() => $"{ToolName}.{CapabilityName}.{PatternName}";
}
