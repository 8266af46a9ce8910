namespace OpsConductor.ToolCatalog.Model;

/// <summary>A pattern's policy [<c>policy</c>]: what it may cost and where and how it may run.</summary>
public sealed record PolicyDefinition
{
    /// <summary>The policy of a pattern that states none: production-safe, no approval, no limits.</summary>
    public static PolicyDefinition Default { get; } = new();

    /// <summary>The highest estimated cost at which the pattern may run [<c>max_cost</c>].</summary>
    public double? MaxCost { get; init; }

    /// <summary>Whether a person must approve each run [<c>requires_approval</c>]; false when absent.</summary>
    public bool RequiresApproval { get; init; }

    /// <summary>Whether the pattern may run in production [<c>production_safe</c>]; true when absent.</summary>
    public bool ProductionSafe { get; init; } = true;

    /// <summary>The longest a run may take, in seconds [<c>max_execution_time</c>].</summary>
    public double? MaxExecutionTimeSeconds { get; init; }

    /// <summary>A condition over the request context under which the pattern must run in the background [<c>requires_background_if</c>], e.g. <c>"N > 50"</c>.</summary>
    public string? RequiresBackgroundIf { get; init; }

    /// <summary>The largest <c>N</c> for which the pattern may run immediately [<c>max_N_immediate</c>].</summary>
    public long? MaxNImmediate { get; init; }

    /// <summary>Environments the pattern may run in [<c>allowed_environments</c>]; empty means any.</summary>
    public EquatableArray<string> AllowedEnvironments { get; init; }

    /// <summary>Keys the catalog does not interpret.</summary>
    public DataMap Extensions { get; init; } = DataMap.Empty;
}
