using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Profiles;

/// <summary>
/// The whole optimisation-profiles configuration, as the original ProfileLoader returned it
/// (<c>OptimizationProfilesConfig</c>): a version and the tools by name, in catalog order (file order for YAML,
/// name order for the database). Building one applies every tool's defaults to its patterns, as the original's
/// after-validator did.
/// </summary>
public sealed class OptimizationProfilesConfig
{
    /// <summary>Creates a configuration; every tool's defaults are applied to its patterns (<see cref="ToolProfile.ApplyDefaults"/>).</summary>
    /// <param name="version">The configuration version; <c>"1.0"</c> (the original's default) when null.</param>
    /// <param name="tools">The tools by name, in order; a name given twice keeps its first place and its last profile.</param>
    public OptimizationProfilesConfig(string? version, IEnumerable<KeyValuePair<string, ToolProfile>> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        Version = version ?? "1.0";
        Tools = new ProfileMap<ToolProfile>(tools.Select(t => KeyValuePair.Create(t.Key, t.Value.ApplyDefaults())));
    }

    /// <summary>The version: the <c>version</c> of a profiles file, else <c>"1.0"</c> as the original's database mode.</summary>
    public string Version { get; }

    /// <summary>The tools by name, enumerated in catalog order.</summary>
    public IReadOnlyDictionary<string, ToolProfile> Tools { get; }
}

/// <summary>One tool's optimisation profile (the original's <c>ToolProfile</c>).</summary>
public sealed record ToolProfile
{
    /// <summary>What the tool does.</summary>
    public required string Description { get; init; }

    /// <summary>The tool's defaults, inherited by patterns that leave the field out (<see cref="ApplyDefaults"/>).</summary>
    public ToolDefaults Defaults { get; init; } = ToolDefaults.Empty;

    /// <summary>The capabilities by name, in file order.</summary>
    public required IReadOnlyDictionary<string, CapabilityProfile> Capabilities { get; init; }

    /// <summary>
    /// The original's <c>apply_defaults</c>: every pattern field among accuracy level, freshness, data source, scope
    /// and completeness that is not set takes the tool's default, when that default is not empty. Returns this
    /// profile when nothing changes.
    /// </summary>
    public ToolProfile ApplyDefaults()
    {
        var changed = false;
        var capabilities = new List<KeyValuePair<string, CapabilityProfile>>(Capabilities.Count);
        foreach (var (name, capability) in Capabilities)
        {
            var patterns = new List<KeyValuePair<string, PatternProfile>>(capability.Patterns.Count);
            var capabilityChanged = false;
            foreach (var (patternName, pattern) in capability.Patterns)
            {
                var applied = pattern.WithDefaults(Defaults);
                capabilityChanged |= !ReferenceEquals(applied, pattern);
                patterns.Add(KeyValuePair.Create(patternName, applied));
            }

            changed |= capabilityChanged;
            capabilities.Add(KeyValuePair.Create(name, capabilityChanged ? new CapabilityProfile { Patterns = new ProfileMap<PatternProfile>(patterns) } : capability));
        }

        return changed ? this with { Capabilities = new ProfileMap<CapabilityProfile>(capabilities) } : this;
    }

    /// <summary>Compares by content: description, defaults and every capability, in order.</summary>
    public bool Equals(ToolProfile? other) =>
        other is not null
        && string.Equals(Description, other.Description, StringComparison.Ordinal)
        && Defaults.Equals(other.Defaults)
        && ProfileMapEquality.Equal(Capabilities, other.Capabilities);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Description, Defaults, ProfileMapEquality.Hash(Capabilities));
}

/// <summary>A capability's patterns (the original's <c>CapabilityProfile</c>).</summary>
public sealed record CapabilityProfile
{
    /// <summary>The patterns by name, in file order.</summary>
    public required IReadOnlyDictionary<string, PatternProfile> Patterns { get; init; }

    /// <summary>Compares by content: every pattern, in order.</summary>
    public bool Equals(CapabilityProfile? other) => other is not null && ProfileMapEquality.Equal(Patterns, other.Patterns);

    /// <inheritdoc />
    public override int GetHashCode() => ProfileMapEquality.Hash(Patterns);
}

/// <summary>One usage pattern (the original's <c>PatternProfile</c>). Estimates are expression texts (a YAML number as its text).</summary>
public sealed record PatternProfile
{
    /// <summary>What the pattern does.</summary>
    public required string Description { get; init; }

    /// <summary>Phrases describing when to use it.</summary>
    public EquatableArray<string> TypicalUseCases { get; init; }

    /// <summary>The time estimate in milliseconds, an expression of the request context (<c>"120 + 0.02 * N"</c>).</summary>
    public required string TimeEstimateMs { get; init; }

    /// <summary>The cost estimate, an expression; <c>"1"</c> by default.</summary>
    public string CostEstimate { get; init; } = "1";

    /// <summary>0 (simple) to 1 (complex); 0.5 by default.</summary>
    public double ComplexityScore { get; init; } = 0.5;

    /// <summary>Accuracy level (inherited from the tool's defaults when not set).</summary>
    public string? AccuracyLevel { get; init; }

    /// <summary>Freshness (inherited from the tool's defaults when not set).</summary>
    public string? Freshness { get; init; }

    /// <summary>Scope (inherited from the tool's defaults when not set).</summary>
    public string? Scope { get; init; }

    /// <summary>Completeness (inherited from the tool's defaults when not set).</summary>
    public string? Completeness { get; init; }

    /// <summary>Data source (inherited from the tool's defaults when not set).</summary>
    public string? DataSource { get; init; }

    /// <summary>Known limitations.</summary>
    public EquatableArray<string> Limitations { get; init; }

    /// <summary>The names of the pattern's required inputs.</summary>
    public EquatableArray<string> RequiresInputs { get; init; }

    /// <summary>The pattern's policy.</summary>
    public PolicyConfig Policy { get; init; } = new();

    /// <summary>How well the pattern suits each preference.</summary>
    public PreferenceMatchScores PreferenceMatch { get; init; } = new();

    /// <summary>This pattern with every unset inheritable field taken from <paramref name="defaults"/> (non-empty defaults only); this pattern when nothing changes.</summary>
    public PatternProfile WithDefaults(ToolDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var applied = this with
        {
            AccuracyLevel = AccuracyLevel ?? NullIfEmpty(defaults.AccuracyLevel),
            Freshness = Freshness ?? NullIfEmpty(defaults.Freshness),
            DataSource = DataSource ?? NullIfEmpty(defaults.DataSource),
            Scope = Scope ?? NullIfEmpty(defaults.Scope),
            Completeness = Completeness ?? NullIfEmpty(defaults.Completeness),
        };
        return applied == this ? this : applied;

        static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>The profile of a catalog pattern (with its tool's defaults already applied by the snapshot).</summary>
    internal static PatternProfile From(PatternDefinition pattern) => new()
    {
        Description = pattern.Description,
        TypicalUseCases = pattern.TypicalUseCases,
        TimeEstimateMs = pattern.TimeEstimateMs,
        CostEstimate = pattern.CostEstimate,
        ComplexityScore = pattern.ComplexityScore,
        AccuracyLevel = pattern.AccuracyLevel,
        Freshness = pattern.Freshness,
        Scope = pattern.Scope,
        Completeness = pattern.Completeness,
        DataSource = pattern.DataSource,
        Limitations = pattern.Limitations,
        RequiresInputs = pattern.RequiredInputs.Select(i => i.Name).ToEquatableArray(),
        Policy = new PolicyConfig
        {
            MaxCost = pattern.Policy.MaxCost,
            MaxNImmediate = pattern.Policy.MaxNImmediate,
            RequiresApproval = pattern.Policy.RequiresApproval,
            RequiresBackgroundIf = pattern.Policy.RequiresBackgroundIf,
            ProductionSafe = pattern.Policy.ProductionSafe,
        },
        PreferenceMatch = new PreferenceMatchScores
        {
            Speed = pattern.PreferenceMatch.Speed,
            Accuracy = pattern.PreferenceMatch.Accuracy,
            Cost = pattern.PreferenceMatch.Cost,
            Complexity = pattern.PreferenceMatch.Complexity,
            Completeness = pattern.PreferenceMatch.Completeness,
        },
    };
}

/// <summary>A pattern's policy (the original's <c>PolicyConfig</c>).</summary>
public sealed record PolicyConfig
{
    /// <summary>The highest estimated cost at which the pattern may run.</summary>
    public double? MaxCost { get; init; }

    /// <summary>The largest <c>N</c> for which the pattern may run immediately.</summary>
    public long? MaxNImmediate { get; init; }

    /// <summary>Whether a person must approve each run; false by default.</summary>
    public bool RequiresApproval { get; init; }

    /// <summary>A condition (<c>"N > 50"</c>) under which the pattern must run in the background.</summary>
    public string? RequiresBackgroundIf { get; init; }

    /// <summary>Whether the pattern may run in production; true by default.</summary>
    public bool ProductionSafe { get; init; } = true;
}

/// <summary>How well a pattern suits each preference, each in [0, 1], 0.5 by default (the original's <c>PreferenceMatchScores</c>).</summary>
public sealed record PreferenceMatchScores
{
    /// <summary>1 = very fast.</summary>
    public double Speed { get; init; } = 0.5;

    /// <summary>1 = perfect accuracy.</summary>
    public double Accuracy { get; init; } = 0.5;

    /// <summary>1 = very cheap.</summary>
    public double Cost { get; init; } = 0.5;

    /// <summary>1 = very simple.</summary>
    public double Complexity { get; init; } = 0.5;

    /// <summary>1 = comprehensive.</summary>
    public double Completeness { get; init; } = 0.5;
}
