using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpsConductor.ToolCatalog.Telemetry;

/// <summary>
/// Reads one execution record written as a JSON object with snake_case fields (<c>tool</c>, <c>version</c>,
/// <c>capability</c>, <c>pattern</c>, <c>actual_time_ms</c>, <c>actual_cost</c>, <c>success</c>, <c>execution_id</c>,
/// <c>user_id</c>, <c>environment</c>, <c>error_message</c>, <c>error_type</c>, <c>variables</c>,
/// <c>estimated_time_ms</c>, <c>estimated_cost</c>, <c>selection_id</c>, <c>catalog_revision</c>, <c>executed_at</c>, <c>experiment</c>, <c>arm</c>)
/// into an <see cref="ExecutionRecord"/>: the shape of a line of <c>toolcatalog telemetry ingest</c> and of an item of
/// <c>POST /api/v1/telemetry</c>.
/// </summary>
/// <remarks>
/// Rules: <c>tool</c>, <c>capability</c> and <c>pattern</c> are required non-empty strings; <c>actual_time_ms</c> is a
/// required number from 0 to 2³¹ − 1 (as is <c>estimated_time_ms</c> when given); <c>success</c> is a required boolean; every number is finite; strings are valid Unicode without the NUL character; <c>variables</c> is an
/// object of numbers; <c>catalog_revision</c> is a whole number ≥ 0; <c>executed_at</c> is an ISO 8601 time (UTC when it
/// has no offset) not more than one day after <c>now</c>; <c>experiment</c> (a name) and <c>arm</c> (<c>"a"</c> or
/// <c>"b"</c>) are given together or not at all; the optional fields may be null; a field given twice or a field
/// not in this list is refused. An error reads <c>field: rule</c>.
/// </remarks>
public static class ExecutionRecordJson
{
    /// <summary>The largest <c>actual_time_ms</c> (and <c>estimated_time_ms</c>) accepted: 2³¹ − 1 ms (about 24.8 days), the
    /// largest whole number of milliseconds the telemetry table's integer column holds.</summary>
    public const double MaxActualTimeMs = 2147483647d;

    /// <summary>The field names a record may have, in the order of the documentation.</summary>
    public static IReadOnlyList<string> FieldNames { get; } =
    [
        "tool", "version", "capability", "pattern", "actual_time_ms", "actual_cost", "success", "execution_id", "user_id",
        "environment", "error_message", "error_type", "variables", "estimated_time_ms", "estimated_cost", "selection_id",
        "catalog_revision", "executed_at", "experiment", "arm",
    ];

    /// <summary>How far after the reader's <c>now</c> an <c>executed_at</c> may be: one day.</summary>
    public static TimeSpan MaxFutureSkew { get; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Reads <paramref name="utf8Json"/>, which must hold exactly one JSON object (surrounding white space allowed).
    /// </summary>
    /// <param name="utf8Json">The record's JSON text, UTF-8.</param>
    /// <param name="now">The current time, for the rule on <c>executed_at</c>.</param>
    /// <param name="record">The record, when it was valid.</param>
    /// <param name="error">The first problem, as <c>field: rule</c> (<c>json: …</c> when the text is not one JSON object).</param>
    /// <returns>Whether the record was valid.</returns>
    public static bool TryRead(ReadOnlySpan<byte> utf8Json, DateTimeOffset now, out ExecutionRecord record, [NotNullWhen(false)] out string? error)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
        try
        {
            if (!reader.Read())
            {
                record = default;
                error = "json: empty, expected one JSON object";
                return false;
            }

            if (!TryRead(ref reader, now, out record, out error))
            {
                return false;
            }

            if (reader.Read())
            {
                record = default;
                error = "json: text after the record's closing brace (one JSON object per record)";
                return false;
            }

            return true;
        }
        catch (JsonException e)
        {
            record = default;
            error = "json: not valid JSON (" + TrimJsonMessage(e.Message) + ")";
            return false;
        }
    }

    /// <summary>As <see cref="TryRead(ReadOnlySpan{byte}, DateTimeOffset, out ExecutionRecord, out string)"/>, for a string.</summary>
    /// <param name="json">The record's JSON text.</param>
    /// <param name="now">The current time, for the rule on <c>executed_at</c>.</param>
    /// <param name="record">The record, when it was valid.</param>
    /// <param name="error">The first problem, as <c>field: rule</c>.</param>
    /// <returns>Whether the record was valid.</returns>
    public static bool TryRead(string json, DateTimeOffset now, out ExecutionRecord record, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TryRead(Encoding.UTF8.GetBytes(json), now, out record, out error);
    }

    /// <summary>
    /// Reads the record whose value starts at the reader's current token (an object's start, else the record is refused).
    /// On return, valid or not, the reader stands on the record's last token (its closing brace, or the value itself when
    /// it was not an object), so that a caller reading an array can go on with the next item.
    /// </summary>
    /// <param name="reader">A reader on the record's first token.</param>
    /// <param name="now">The current time, for the rule on <c>executed_at</c>.</param>
    /// <param name="record">The record, when it was valid.</param>
    /// <param name="error">The first problem, as <c>field: rule</c>.</param>
    /// <returns>Whether the record was valid.</returns>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    public static bool TryRead(ref Utf8JsonReader reader, DateTimeOffset now, out ExecutionRecord record, [NotNullWhen(false)] out string? error)
    {
        record = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            error = "record: must be a JSON object with the fields tool, capability, pattern, actual_time_ms, success, …";
            reader.Skip();
            return false;
        }

        error = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? tool = null, version = null, capability = null, pattern = null, executionId = null, userId = null, environment = null;
        string? errorMessage = null, errorType = null, selectionId = null, experiment = null, armText = null;
        double? actualTime = null, actualCost = null, estimatedTime = null, estimatedCost = null;
        bool? success = null;
        long? revision = null;
        Dictionary<string, double>? variables = null;
        DateTimeOffset executedAt = default;

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var nameProblem = ReadString(ref reader, "field name", out var read);
            var name = read ?? "";
            reader.Read();
            string? problem;
            if (nameProblem is not null)
            {
                problem = nameProblem;
            }
            else if (!seen.Add(name))
            {
                problem = $"{name}: given twice";
            }
            else
            {
                switch (name)
                {
                    case "tool": problem = RequiredString(ref reader, name, out tool); break;
                    case "capability": problem = RequiredString(ref reader, name, out capability); break;
                    case "pattern": problem = RequiredString(ref reader, name, out pattern); break;
                    case "version": problem = OptionalString(ref reader, name, out version); break;
                    case "execution_id": problem = OptionalString(ref reader, name, out executionId); break;
                    case "user_id": problem = OptionalString(ref reader, name, out userId); break;
                    case "environment": problem = OptionalString(ref reader, name, out environment); break;
                    case "error_message": problem = OptionalString(ref reader, name, out errorMessage); break;
                    case "error_type": problem = OptionalString(ref reader, name, out errorType); break;
                    case "selection_id": problem = OptionalString(ref reader, name, out selectionId); break;
                    case "experiment": problem = OptionalString(ref reader, name, out experiment); break;
                    case "arm":
                        problem = OptionalString(ref reader, name, out armText)
                            ?? (armText is null or "a" or "b" ? null : $"{name}: must be \"a\" or \"b\", was \"{armText}\"");
                        break;
                    case "actual_time_ms":
                        problem = Number(ref reader, name, required: true, out actualTime) ?? TimeRange(name, actualTime);
                        break;
                    case "actual_cost": problem = Number(ref reader, name, required: false, out actualCost); break;
                    case "estimated_time_ms": problem = Number(ref reader, name, required: false, out estimatedTime) ?? TimeRange(name, estimatedTime); break;
                    case "estimated_cost": problem = Number(ref reader, name, required: false, out estimatedCost); break;
                    case "success":
                        problem = reader.TokenType is JsonTokenType.True or JsonTokenType.False ? null : $"{name}: required, true or false";
                        success = problem is null ? reader.GetBoolean() : null;
                        break;
                    case "catalog_revision":
                        problem = Revision(ref reader, name, out revision);
                        break;
                    case "variables": problem = Variables(ref reader, name, out variables); break;
                    case "executed_at": problem = Time(ref reader, name, now, out executedAt); break;
                    default:
                        problem = $"{name}: unknown field (allowed: {string.Join(", ", FieldNames)})";
                        break;
                }
            }

            error ??= problem;

            // On a value's first token; passes over an object or array (a primitive stays where it is).
            reader.Skip();
        }

        error ??= Missing("tool", tool) ?? Missing("capability", capability) ?? Missing("pattern", pattern)
            ?? (actualTime is null ? "actual_time_ms: required, a number from 0 to 2147483647 (2^31 - 1 ms)" : null)
            ?? (success is null ? "success: required, true or false" : null)
            ?? (experiment is not null && armText is null ? "arm: required with experiment, \"a\" or \"b\"" : null)
            ?? (experiment is null && armText is not null ? "experiment: required with arm, the experiment's name" : null);
        if (error is not null)
        {
            return false;
        }

        record = new ExecutionRecord
        {
            Tool = tool!,
            Version = version,
            Capability = capability!,
            Pattern = pattern!,
            ActualTimeMs = actualTime!.Value,
            ActualCost = actualCost,
            Success = success!.Value,
            ExecutionId = executionId,
            UserId = userId,
            Environment = environment,
            ErrorMessage = errorMessage,
            ErrorType = errorType,
            Variables = variables,
            EstimatedTimeMs = estimatedTime,
            EstimatedCost = estimatedCost,
            SelectionId = selectionId,
            CatalogRevision = revision,
            ExecutedAt = executedAt,
            Experiment = experiment,
            Arm = armText switch { "a" => Experiments.ExperimentArm.A, "b" => Experiments.ExperimentArm.B, _ => null },
        };
        return true;
    }

    private static string? TimeRange(string name, double? value) =>
        value is < 0 or > MaxActualTimeMs
            ? $"{name}: must be from 0 to 2147483647 (2^31 - 1 ms), was {value.Value.ToString(CultureInfo.InvariantCulture)}"
            : null;

    /// <summary>The string at the reader, or the rule it breaks: an escaped lone surrogate (not Unicode) or a NUL
    /// character (PostgreSQL's text refuses both).</summary>
    private static string? ReadString(ref Utf8JsonReader reader, string name, out string? value)
    {
        try
        {
            value = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            value = null;
            return $"{name}: must be valid Unicode (no lone surrogate escapes)";
        }

        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            value = null;
            return $"{name}: must not contain the NUL character (\\u0000)";
        }

        return null;
    }

    private static string? Missing(string name, string? value) =>
        value is null ? $"{name}: required, a non-empty string" : null;

    private static string? RequiredString(ref Utf8JsonReader reader, string name, out string? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.String && ReadString(ref reader, name, out value) is { } bad)
        {
            return bad;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            value = null;
            return $"{name}: required, a non-empty string";
        }

        return null;
    }

    private static string? OptionalString(ref Utf8JsonReader reader, string name, out string? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return $"{name}: must be a string or null";
        }

        return ReadString(ref reader, name, out value);
    }

    private static string? Number(ref Utf8JsonReader reader, string name, bool required, out double? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null && !required)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            return required ? $"{name}: required, a number from 0 to 2147483647 (2^31 - 1 ms)" : $"{name}: must be a number or null";
        }

        // JSON has no NaN or infinity, but a huge literal (1e400) reads as infinity: refused.
        if (!reader.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            return $"{name}: must be a finite number";
        }

        value = number;
        return null;
    }

    private static string? Revision(ref Utf8JsonReader reader, string name, out long? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var revision) && revision >= 0)
        {
            value = revision;
            return null;
        }

        return $"{name}: must be a whole number ≥ 0 or null";
    }

    private static string? Variables(ref Utf8JsonReader reader, string name, out Dictionary<string, double>? variables)
    {
        variables = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"{name}: must be an object of numbers (such as {{\"N\": 40}}) or null";
        }

        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        string? problem = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var keyProblem = ReadString(ref reader, name + " (a name)", out var key);
            reader.Read();
            if (keyProblem is not null)
            {
                problem ??= keyProblem;
                reader.Skip();
            }
            else if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                problem ??= $"{name}.{key}: must be a finite number";
                reader.Skip();
            }
            else if (!result.TryAdd(key!, number))
            {
                problem ??= $"{name}.{key}: given twice";
            }
        }

        // The reader stands on the object's closing brace either way.
        variables = problem is null ? result : null;
        return problem;
    }

    private static string? Time(ref Utf8JsonReader reader, string name, DateTimeOffset now, out DateTimeOffset value)
    {
        value = default;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var time))
        {
            return $"{name}: must be an ISO 8601 time such as 2026-12-01T10:15:00Z, or null";
        }

        value = time.Kind == DateTimeKind.Unspecified
            ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))
            : new DateTimeOffset(time.ToUniversalTime());
        if (value > now + MaxFutureSkew)
        {
            return $"{name}: must not be more than 1 day in the future, was {value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}";
        }

        return null;
    }

    private static string TrimJsonMessage(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.', ' ');
    }
}
