namespace OpsConductor.ToolCatalog.Model;

/// <summary>
/// One version of one tool, with everything the original per-tool YAML carries. Immutable; compares by content.
/// </summary>
/// <remarks>
/// YAML keys are given in brackets. Keys the catalog does not know are kept in <see cref="Extensions"/>
/// so that nothing an original file carries is dropped.
/// </remarks>
public sealed record ToolDefinition
{
    /// <summary>The tool's name, unique together with <see cref="Version"/> [<c>tool_name</c>].</summary>
    public required string Name { get; init; }

    /// <summary>The version, a quoted string such as <c>"1.0"</c> [<c>version</c>].</summary>
    public required string Version { get; init; }

    /// <summary>What the tool does [<c>description</c>].</summary>
    public string Description { get; init; } = "";

    /// <summary>Where it runs: <c>linux</c>, <c>windows</c>, <c>network</c>, … [<c>platform</c>].</summary>
    public string Platform { get; init; } = "";

    /// <summary>What kind of tool it is: <c>system</c>, <c>network</c>, … [<c>category</c>].</summary>
    public string Category { get; init; } = "";

    /// <summary>Lifecycle status [<c>status</c>]; <see cref="ToolStatus.Active"/> when absent.</summary>
    public ToolStatus Status { get; init; } = ToolStatus.Active;

    /// <summary>Whether the tool may be selected [<c>enabled</c>]; true when absent.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Defaults inherited by every pattern [<c>defaults</c>].</summary>
    public ToolDefaults Defaults { get; init; } = ToolDefaults.Empty;

    /// <summary>Capabilities in file order [<c>capabilities</c>].</summary>
    public EquatableArray<CapabilityDefinition> Capabilities { get; init; }

    /// <summary>What the tool needs to run [<c>dependencies</c>].</summary>
    public EquatableArray<DependencySpec> Dependencies { get; init; }

    /// <summary>Free-form metadata: author, created, updated, tags, documentation_url, … [<c>metadata</c>].</summary>
    public DataMap Metadata { get; init; } = DataMap.Empty;

    /// <summary>The service that executes the tool [<c>execution_location</c>], such as <c>automation-service</c>.</summary>
    public string? ExecutionLocation { get; init; }

    /// <summary>Worked examples of whole-tool use [<c>examples</c>].</summary>
    public EquatableArray<ToolExample> Examples { get; init; }

    /// <summary>Top-level keys the catalog does not interpret, kept as they were.</summary>
    public DataMap Extensions { get; init; } = DataMap.Empty;

    /// <summary>The service that executes the tool: <see cref="ExecutionLocation"/>, else <c>metadata.execution_location</c>, else <c>automation-service</c> (as the original's routing did).</summary>
    public string EffectiveExecutionLocation =>
        ExecutionLocation ?? Metadata.GetText("execution_location") ?? "automation-service";

    /// <summary>The tags in <c>metadata.tags</c> (scalars only).</summary>
    public IEnumerable<string> Tags =>
        Metadata.TryGetValue("tags", out var tags) && tags.Kind == DataKind.List
            ? tags.AsList().Select(t => t.ScalarText()).OfType<string>()
            : [];

    /// <summary>Finds a capability by exact name.</summary>
    public CapabilityDefinition? FindCapability(string name)
    {
        foreach (var capability in Capabilities)
        {
            if (string.Equals(capability.Name, name, StringComparison.Ordinal))
            {
                return capability;
            }
        }

        return null;
    }

    /// <summary>This tool with every sealed secret opened with <paramref name="protector"/> (plaintext secrets, which the YAML
    /// writer writes as <c>!secret "value"</c>); for administrators' exports only. The same instance when it holds no secret.</summary>
    /// <exception cref="Secrets.SecretKeyException">A secret is sealed under a key the protector does not have.</exception>
    public ToolDefinition RevealSecrets(Secrets.ISecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(protector);
        return SecretSealer.Reveal(this, protector);
    }
}
