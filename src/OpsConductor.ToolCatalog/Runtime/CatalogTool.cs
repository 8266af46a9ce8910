using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// A tool's version as held by a <see cref="CatalogSnapshot"/>, with its compiled patterns: the tool's latest version,
/// or an arm's version of a <see cref="RunningExperiment"/> (<see cref="Arm"/> says which).
/// </summary>
public sealed class CatalogTool
{
    internal CatalogTool(ToolDefinition definition, long order, ExpressionCompiler compiler, RunningExperiment? experiment = null, ExperimentArm? arm = null)
    {
        Definition = definition;
        Order = order;
        Experiment = experiment;
        Arm = arm;
        IsSelectable = definition.Enabled && definition.Status == ToolStatus.Active;

        var patterns = new List<CompiledPattern>();
        for (var c = 0; c < definition.Capabilities.Count; c++)
        {
            var capability = definition.Capabilities[c];
            for (var p = 0; p < capability.Patterns.Count; p++)
            {
                patterns.Add(new CompiledPattern(this, capability, c, capability.Patterns[p], p, compiler));
            }
        }

        Patterns = patterns.ToEquatableArray();
    }

    /// <summary>The version held: the tool's latest, or the arm's version when <see cref="Arm"/> is set.</summary>
    public ToolDefinition Definition { get; }

    /// <summary>
    /// The running experiment on this tool, if any: on the latest version, that the tool is under test (an enrolled
    /// request gets an arm's version instead); on an arm's version, the experiment it belongs to.
    /// </summary>
    public RunningExperiment? Experiment { get; }

    /// <summary>The arm this version serves in <see cref="Experiment"/>; null for the tool's latest version.</summary>
    public ExperimentArm? Arm { get; }

    /// <summary>The tool's name.</summary>
    public string Name => Definition.Name;

    /// <summary>Whether selection may choose it: enabled and <see cref="ToolStatus.Active"/> (as the original's query).</summary>
    public bool IsSelectable { get; }

    /// <summary>Every pattern of every capability, compiled, in file order.</summary>
    public EquatableArray<CompiledPattern> Patterns { get; }

    /// <summary>Load order in file-based catalogs; 0 in name-ordered (database) catalogs.</summary>
    internal long Order { get; }

    /// <summary>Catalog order: <see cref="Order"/>, then name (ordinal), as the original's YAML and database modes.</summary>
    internal static int CompareOrder(CatalogTool x, CatalogTool y)
    {
        var byOrder = x.Order.CompareTo(y.Order);
        return byOrder != 0 ? byOrder : string.CompareOrdinal(x.Name, y.Name);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Definition.Version}";
}
