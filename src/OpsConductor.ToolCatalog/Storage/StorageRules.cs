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
    public static string? FindProblem(ToolDefinition tool)
    {
        var at = $"tool '{tool.Name}' version '{tool.Version}'";
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

        var capabilityNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var capability in tool.Capabilities)
        {
            var capabilityAt = $"{at} capability '{capability.Name}'";
            problem = Length(capabilityAt, "name", capability.Name, NameLength, required: true)
                ?? (capabilityNames.Add(capability.Name) ? null : $"{at}: the capability name '{capability.Name}' appears twice; capability names must be unique within a tool.")
                ?? Text(capabilityAt, "description", capability.Description)
                ?? Map(capabilityAt, "extensions", capability.Extensions);
            if (problem is not null)
            {
                return problem;
            }

            var patternNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var pattern in capability.Patterns)
            {
                var patternAt = $"{capabilityAt} pattern '{pattern.Name}'";
                problem = Length(patternAt, "name", pattern.Name, NameLength, required: true)
                    ?? (patternNames.Add(pattern.Name) ? null : $"{capabilityAt}: the pattern name '{pattern.Name}' appears twice; pattern names must be unique within a capability.")
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

    private static string? Length(string at, string field, string? value, int max, bool required = false)
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

    private static string? Text(string at, string field, string? value) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal)
            ? $"{at}: {field} contains a NUL character (U+0000), which PostgreSQL cannot store; remove it."
            : null;

    private static string? Texts(string at, string field, EquatableArray<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (Text(at, $"{field}[{i}]", values[i]) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Map(string at, string field, DataMap map)
    {
        foreach (var (key, value) in map)
        {
            if ((Text(at, $"{field} key", key) ?? Value(at, $"{field}.{key}", value)) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Values(string at, string field, EquatableArray<DataValue> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (Value(at, $"{field}[{i}]", values[i]) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Value(string at, string field, DataValue value) => value.Kind switch
    {
        DataKind.String => Text(at, field, value.AsString()),
        DataKind.List => Values(at, field, value.AsList()),
        DataKind.Map => Map(at, field, value.AsMap()),
        _ => null,
    };
}
