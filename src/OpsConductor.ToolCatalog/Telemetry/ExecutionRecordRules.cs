namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>
/// What the telemetry table can hold: the store refuses a batch with a record that breaks these rules (naming it), and
/// the recorder's writers drop such records (counted) before they write, so one bad record never blocks a batch.
/// </summary>
internal static class ExecutionRecordRules
{
    /// <summary>The largest actual time, in milliseconds, the table's whole-millisecond column holds (the JSON reader's bound too).</summary>
    public const double MaxTimeMs = ExecutionRecordJson.MaxActualTimeMs;

    /// <summary>Whether the cheap rules hold (checked on the caller's thread by <c>Record</c>): names given, a time the table can hold.</summary>
    public static bool HasNamesAndTime(in ExecutionRecord record) =>
        !string.IsNullOrEmpty(record.Tool) && !string.IsNullOrEmpty(record.Capability) && !string.IsNullOrEmpty(record.Pattern)
        && record.ActualTimeMs >= 0 && record.ActualTimeMs <= MaxTimeMs;

    /// <summary>The first rule <paramref name="record"/> breaks, as "field: rule", or null when PostgreSQL will take it.</summary>
    public static string? Problem(in ExecutionRecord record)
    {
        if (!HasNamesAndTime(record))
        {
            return string.IsNullOrEmpty(record.Tool) || string.IsNullOrEmpty(record.Capability) || string.IsNullOrEmpty(record.Pattern)
                ? "tool, capability, pattern: required"
                : $"actual_time_ms: must be from 0 to {int.MaxValue} ms, got {record.ActualTimeMs}";
        }

        if ((record.Experiment is null) != (record.Arm is null))
        {
            return record.Experiment is null ? "experiment: required when arm is given" : "arm: required when experiment is given (a or b)";
        }

        if (record.Arm is { } arm && arm is not (Experiments.ExperimentArm.A or Experiments.ExperimentArm.B))
        {
            return $"arm: must be a or b, got {arm}";
        }

        return Text("experiment", record.Experiment) ?? Text("tool", record.Tool) ?? Text("version", record.Version) ?? Text("capability", record.Capability)
            ?? Text("pattern", record.Pattern) ?? Text("execution_id", record.ExecutionId) ?? Text("user_id", record.UserId)
            ?? Text("environment", record.Environment) ?? Text("error_message", record.ErrorMessage)
            ?? Text("error_type", record.ErrorType) ?? Text("selection_id", record.SelectionId) ?? Variables(record.Variables);
    }

    private static string? Variables(IReadOnlyDictionary<string, double>? variables)
    {
        if (variables is null)
        {
            return null;
        }

        foreach (var name in variables.Keys)
        {
            if (Text("variables", name) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>PostgreSQL's text holds no NUL character, and the UTF-8 it is sent as has no lone surrogate.</summary>
    private static string? Text(string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                return $"{field}: must not contain a NUL character";
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"{field}: must be valid Unicode (a lone surrogate at position {i})";
            }
        }

        return null;
    }
}
