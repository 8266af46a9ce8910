using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>
/// What the database can hold, checked before writing so that the error names the exact place: column lengths
/// (the seed schema's), unique capability and pattern names, and text without NUL characters (PostgreSQL text and
/// JSONB cannot hold U+0000). Everything else is the validator's business; the database's own constraints are the
/// last line of defence.
/// </summary>
internal static class StorageRules
{
    public const int NameLength = 100;
    public const int VersionLength = 20;
    public const int PlatformLength = 50;
    public const int CategoryLength = 50;
    public const int VocabularyLength = 50;
    public const int DataSourceLength = 100;
    public const int ExecutionLocationLength = 100;
    public const int ActorLength = 100;

    /// <summary>The first problem that would stop <paramref name="tool"/> from being stored, or null.</summary>
    /// <remarks>Bulk imports check every tool, so the common case allocates nothing: the place (<see cref="Where"/>)
    /// and the field path are put into words only when there is a problem to report.</remarks>
    public static string? FindProblem(ToolDefinition tool)
    {
        var at = new Where(tool, null, null);
        var problem =
            Length(at, "tool_name", tool.Name, NameLength, required: true)
            ?? Length(at, "version", tool.Version, VersionLength, required: true)
            ?? Length(at, "platform", tool.Platform, PlatformLength)
            ?? Length(at, "category", tool.Category, CategoryLength)
            ?? Length(at, "execution_location", tool.ExecutionLocation, ExecutionLocationLength)
            ?? Text(at, "description", tool.Description)
            ?? Map(at, "metadata", tool.Metadata)
            ?? Map(at, "extensions", tool.Extensions)
            ?? Map(at, "defaults.extensions", tool.Defaults.Extensions);
        if (problem is not null)
        {
            return problem;
        }

        var capabilities = tool.Capabilities;
        for (var c = 0; c < capabilities.Count; c++)
        {
            var capability = capabilities[c];
            var capabilityAt = new Where(tool, capability, null);
            problem = Length(capabilityAt, "name", capability.Name, NameLength, required: true)
                ?? (AppearsBefore(capabilities, c, static x => x.Name) ? $"{at}: the capability name '{capability.Name}' appears twice; capability names must be unique within a tool." : null)
                ?? Text(capabilityAt, "description", capability.Description)
                ?? Map(capabilityAt, "extensions", capability.Extensions);
            if (problem is not null)
            {
                return problem;
            }

            var patterns = capability.Patterns;
            for (var p = 0; p < patterns.Count; p++)
            {
                var pattern = patterns[p];
                var patternAt = new Where(tool, capability, pattern);
                problem = Length(patternAt, "name", pattern.Name, NameLength, required: true)
                    ?? (AppearsBefore(patterns, p, static x => x.Name) ? $"{capabilityAt}: the pattern name '{pattern.Name}' appears twice; pattern names must be unique within a capability." : null)
                    ?? Length(patternAt, "scope", pattern.Scope, VocabularyLength)
                    ?? Length(patternAt, "completeness", pattern.Completeness, VocabularyLength)
                    ?? Length(patternAt, "accuracy_level", pattern.AccuracyLevel, VocabularyLength)
                    ?? Length(patternAt, "freshness", pattern.Freshness, VocabularyLength)
                    ?? Length(patternAt, "data_source", pattern.DataSource, DataSourceLength)
                    ?? Text(patternAt, "description", pattern.Description)
                    ?? Text(patternAt, "time_estimate_ms", pattern.TimeEstimateMs)
                    ?? Text(patternAt, "cost_estimate", pattern.CostEstimate)
                    ?? Map(patternAt, "extensions", pattern.Extensions)
                    ?? Map(patternAt, "policy.extensions", pattern.Policy.Extensions)
                    ?? Texts(patternAt, "typical_use_cases", pattern.TypicalUseCases)
                    ?? Texts(patternAt, "limitations", pattern.Limitations)
                    ?? Values(patternAt, "examples", pattern.Examples);
                if (problem is not null)
                {
                    return problem;
                }
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="CatalogOperationException"/> when <paramref name="tool"/> cannot be stored.</summary>
    public static void Check(ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        if (FindProblem(tool) is { } problem)
        {
            throw new CatalogOperationException(problem);
        }
    }

    public static void CheckActor(ChangeContext change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (string.IsNullOrWhiteSpace(change.Actor) || change.Actor.Length > ActorLength)
        {
            throw new CatalogOperationException($"The actor of a change must be 1 to {ActorLength} characters; got '{change.Actor}'.");
        }
    }

    /// <summary>The first pattern whose complexity score is outside [0, 1], as "capability 'c' pattern 'p' (value)".</summary>
    public static string? FindComplexityOutOfRange(ToolDefinition tool)
    {
        foreach (var capability in tool.Capabilities)
        {
            foreach (var pattern in capability.Patterns)
            {
                if (!(pattern.ComplexityScore is >= 0 and <= 1))
                {
                    return $"capability '{capability.Name}' pattern '{pattern.Name}' has complexity_score {pattern.ComplexityScore}";
                }
            }
        }

        return null;
    }

    /// <summary>Whether the name of item <paramref name="index"/> was used by an earlier item (a scan: tools have few
    /// capabilities and capabilities few patterns).</summary>
    private static bool AppearsBefore<T>(EquatableArray<T> items, int index, Func<T, string> name)
    {
        var wanted = name(items[index]);
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(name(items[i]), wanted, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string? Length(Where at, string field, string? value, int max, bool required = false)
    {
        if (value is null)
        {
            return null;
        }

        if (required && value.Length == 0)
        {
            return $"{at}: {field} is empty; it must be 1 to {max} characters.";
        }

        if (value.Length > max)
        {
            return $"{at}: {field} is {value.Length} characters long; the catalog stores at most {max}.";
        }

        return Text(at, field, value);
    }

    private static string? Text(Where at, string field, string? value) =>
        HasNul(value) ? NulProblem(at, field) : null;

    private static string NulProblem(Where at, string field) =>
        $"{at}: {field} contains a NUL character (U+0000), which PostgreSQL cannot store; remove it.";

    private static bool HasNul(string? value) => value is not null && value.Contains('\0', StringComparison.Ordinal);

    private static string? Texts(Where at, string field, EquatableArray<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (HasNul(values[i]))
            {
                return NulProblem(at, $"{field}[{i}]");
            }
        }

        return null;
    }

    private static string? Map(Where at, string field, DataMap map)
    {
        if (!HasNul(map))
        {
            return null;
        }

        foreach (var (key, value) in map)
        {
            if (HasNul(key))
            {
                return NulProblem(at, $"{field} key");
            }

            if (HasNul(value))
            {
                return Value(at, $"{field}.{key}", value);
            }
        }

        return null;
    }

    private static string? Values(Where at, string field, EquatableArray<DataValue> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (HasNul(values[i]))
            {
                return Value(at, $"{field}[{i}]", values[i]);
            }
        }

        return null;
    }

    private static string? Value(Where at, string field, DataValue value) => value.Kind switch
    {
        DataKind.String => Text(at, field, value.AsString()),
        DataKind.List => Values(at, field, value.AsList()),
        DataKind.Map => Map(at, field, value.AsMap()),
        _ => null,
    };

    private static bool HasNul(DataValue value) => value.Kind switch
    {
        DataKind.String => HasNul(value.AsString()),
        DataKind.List => value.AsList().Any(HasNul),
        DataKind.Map => HasNul(value.AsMap()),
        _ => false,
    };

    private static bool HasNul(DataMap map)
    {
        foreach (var (key, value) in map)
        {
            if (HasNul(key) || HasNul(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Where a problem is, put into words only when one is reported: "tool 't' version 'v' capability 'c' pattern 'p'".</summary>
    private readonly record struct Where(ToolDefinition Tool, CapabilityDefinition? Capability, PatternDefinition? Pattern)
    {
        public override string ToString() =>
            $"tool '{Tool.Name}' version '{Tool.Version}'"
            + (Capability is null ? "" : $" capability '{Capability.Name}'")
            + (Pattern is null ? "" : $" pattern '{Pattern.Name}'");
    }
}
