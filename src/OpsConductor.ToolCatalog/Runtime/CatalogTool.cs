using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>A tool's latest version as held by a <see cref="CatalogSnapshot"/>, with its compiled patterns.</summary>
public sealed class CatalogTool
{
    internal CatalogTool(ToolDefinition definition, long order, ExpressionCompiler compiler)
    {
        Definition = definition;
        Order = order;
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

    /// <summary>The tool's latest version.</summary>
    public ToolDefinition Definition { get; }

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
