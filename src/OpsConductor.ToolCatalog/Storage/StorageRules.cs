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
    // Column lengths of the tool format's fields live in the field table (ToolFields); the actor is not a field.
    public const int NameLength = ToolFields.NameLength;
    public const int VersionLength = ToolFields.VersionLength;
    public const int PlatformLength = ToolFields.PlatformLength;
    public const int CategoryLength = ToolFields.CategoryLength;
    public const int VocabularyLength = ToolFields.VocabularyLength;
    public const int DataSourceLength = ToolFields.DataSourceLength;
    public const int ExecutionLocationLength = ToolFields.ExecutionLocationLength;
    public const int ActorLength = 100;

    /// <summary>The first problem that would stop <paramref name="tool"/> from being stored, or null.</summary>
    /// <remarks>Bulk imports check every tool, so the common case allocates nothing: the place (<see cref="Where"/>)
    /// and the field path are put into words only when there is a problem to report.</remarks>
    public static string? FindProblem(ToolDefinition tool)
    {
        var at = new Where(tool, null, null);
        var problem =
            Length(at, ToolFields.ToolName, tool.Name, NameLength, required: true)
            ?? Length(at, ToolFields.Version, tool.Version, VersionLength, required: true)
            ?? Length(at, ToolFields.Platform, tool.Platform, PlatformLength)
            ?? Length(at, ToolFields.Category, tool.Category, CategoryLength)
            ?? Length(at, ToolFields.ExecutionLocation, tool.ExecutionLocation, ExecutionLocationLength)
            ?? Text(at, ToolFields.Description, tool.Description)
            ?? Map(at, ToolFields.Metadata, tool.Metadata)
            ?? Map(at, ToolFields.Extensions, tool.Extensions)
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
            problem = Length(capabilityAt, ToolFields.Name, capability.Name, NameLength, required: true)
                ?? (AppearsBefore(capabilities, c, static x => x.Name) ? $"{at}: the capability name '{capability.Name}' appears twice; capability names must be unique within a tool." : null)
                ?? Text(capabilityAt, ToolFields.Description, capability.Description)
                ?? Map(capabilityAt, ToolFields.Extensions, capability.Extensions);
            if (problem is not null)
            {
                return problem;
            }

            var patterns = capability.Patterns;
            for (var p = 0; p < patterns.Count; p++)
            {
                var pattern = patterns[p];
                var patternAt = new Where(tool, capability, pattern);
                problem = Length(patternAt, ToolFields.Name, pattern.Name, NameLength, required: true)
                    ?? (AppearsBefore(patterns, p, static x => x.Name) ? $"{capabilityAt}: the pattern name '{pattern.Name}' appears twice; pattern names must be unique within a capability." : null)
                    ?? Length(patternAt, ToolFields.Scope, pattern.Scope, VocabularyLength)
                    ?? Length(patternAt, ToolFields.Completeness, pattern.Completeness, VocabularyLength)
                    ?? Length(patternAt, ToolFields.AccuracyLevel, pattern.AccuracyLevel, VocabularyLength)
                    ?? Length(patternAt, ToolFields.Freshness, pattern.Freshness, VocabularyLength)
                    ?? Length(patternAt, ToolFields.DataSource, pattern.DataSource, DataSourceLength)
                    ?? Text(patternAt, ToolFields.Description, pattern.Description)
                    ?? Text(patternAt, ToolFields.TimeEstimateMs, pattern.TimeEstimateMs)
                    ?? Text(patternAt, ToolFields.CostEstimate, pattern.CostEstimate)
                    ?? Map(patternAt, ToolFields.Extensions, pattern.Extensions)
                    ?? Map(patternAt, "policy.extensions", pattern.Policy.Extensions)
                    ?? Texts(patternAt, ToolFields.TypicalUseCases, pattern.TypicalUseCases)
                    ?? Texts(patternAt, ToolFields.Limitations, pattern.Limitations)
                    ?? Values(patternAt, ToolFields.Examples, pattern.Examples);
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
