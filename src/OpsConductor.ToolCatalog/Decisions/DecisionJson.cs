using System.Buffers;
using System.Text;
using System.Text.Json;
using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Decisions;

/// <summary>A logged request read back: the request to run again and the scoring it was decided with.</summary>
internal sealed record LoggedRequest(SelectionRequest Request, PreferenceMode Mode, FeatureWeights Weights, PolicyMode Policy, double Epsilon);

/// <summary>
/// The decision log's JSON: the request (<c>capabilities</c>, <c>query</c>, <c>explicit_mode</c>, <c>mode</c> and
/// <c>weights</c> used, <c>variables</c>, <c>environment</c>, <c>require_production_safe</c>, <c>permissions</c>,
/// <c>cost_limit</c>, <c>policy</c>, <c>epsilon</c>) and the candidates (ranked ones with <c>rank</c>, <c>tool</c>,
/// <c>version</c>, <c>capability</c>, <c>pattern</c>, <c>estimated_time_ms</c>, <c>estimated_cost</c>, <c>score</c>;
/// excluded ones with <c>excluded: true</c>, <c>rule</c>, <c>reason</c>, <c>variable</c> and the figures known).
/// Text PostgreSQL cannot hold in jsonb (NUL, lone surrogates) is replaced by U+FFFD so no decision can block its batch.
/// </summary>
internal static class DecisionJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    /// <summary>The variables a context holds (set or defaulted), by name.</summary>
    public static Dictionary<string, double> Copy(ExpressionContext context)
    {
        var table = context.Variables;
        var copy = new Dictionary<string, double>(table.Count, StringComparer.Ordinal);
        for (var slot = 0; slot < table.Count; slot++)
        {
            if (context.TryGet(slot, out var value))
            {
                copy[table.NameOf(slot)] = value;
            }
        }

        return copy;
    }

    public static DecisionRow ToRow(in DecisionEntry entry)
    {
        var chosen = entry.Chosen?.Candidate;
        return new DecisionRow(
            Clean(entry.SelectionId),
            entry.DecidedAt,
            entry.Evaluation.Revision,
            chosen?.ToolName,
            chosen?.Pattern.Tool.Definition.Version,
            chosen?.CapabilityName,
            chosen?.PatternName,
            Finite(chosen?.EstimatedTimeMs),
            Finite(chosen?.EstimatedCost),
            Finite(entry.Chosen?.Score),
            WriteRequest(entry),
            WriteCandidates(entry.Evaluation));
    }

    private static ReadOnlyMemory<byte> WriteRequest(in DecisionEntry entry)
    {
        var request = entry.Request;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("capabilities");
            foreach (var capability in request.Capabilities)
            {
                json.WriteStringValue(Clean(capability));
            }

            json.WriteEndArray();
            StringOrSkip(json, "query", request.Query);
            StringOrSkip(json, "explicit_mode", request.ExplicitMode);
            json.WriteString("mode", entry.Evaluation.Mode.ToWire());
            json.WriteStartObject("weights");
            foreach (var (name, value) in entry.Evaluation.Weights.ToDictionary())
            {
                json.WriteNumber(name, value);
            }

            json.WriteEndObject();
            if (entry.Variables is { } variables)
            {
                json.WriteStartObject("variables");
                foreach (var (name, value) in variables)
                {
                    json.WritePropertyName(Clean(name));
                    Number(json, value);
                }

                json.WriteEndObject();
            }

            json.WriteString("environment", Clean(request.Environment ?? ""));
            json.WriteBoolean("require_production_safe", request.RequireProductionSafe);
            if (request.Permissions is { } permissions)
            {
                json.WriteStartArray("permissions");
                foreach (var permission in permissions.Order(StringComparer.Ordinal))
                {
                    json.WriteStringValue(Clean(permission));
                }

                json.WriteEndArray();
            }

            if (request.CostLimit is { } limit)
            {
                json.WritePropertyName("cost_limit");
                Number(json, limit);
            }

            json.WriteString("policy", entry.Policy == PolicyMode.Original ? "original" : "enforced");
            json.WriteNumber("epsilon", entry.Evaluation.Epsilon);
            json.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static ReadOnlyMemory<byte> WriteCandidates(SelectionEvaluation evaluation)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartArray();
            for (var i = 0; i < evaluation.Ranked.Count; i++)
            {
                var ranked = evaluation.Ranked[i];
                var candidate = ranked.Candidate;
                json.WriteStartObject();
                json.WriteNumber("rank", i + 1);
                json.WriteString("tool", candidate.ToolName);
                json.WriteString("version", candidate.Pattern.Tool.Definition.Version);
                json.WriteString("capability", candidate.CapabilityName);
                json.WriteString("pattern", candidate.PatternName);
                json.WritePropertyName("estimated_time_ms");
                Number(json, candidate.EstimatedTimeMs);
                json.WritePropertyName("estimated_cost");
                Number(json, candidate.EstimatedCost);
                json.WritePropertyName("score");
                Number(json, ranked.Score);
                json.WriteEndObject();
            }

            foreach (var excluded in evaluation.Excluded)
            {
                json.WriteStartObject();
                json.WriteBoolean("excluded", true);
                json.WriteString("tool", excluded.ToolName);
                json.WriteString("capability", excluded.CapabilityName);
                json.WriteString("pattern", excluded.PatternName);
                json.WriteString("rule", excluded.Rule.ToWire());
                json.WriteString("reason", Clean(excluded.Reason));
                StringOrSkip(json, "variable", excluded.Variable);
                if (excluded.EstimatedTimeMs is { } time)
                {
                    json.WritePropertyName("estimated_time_ms");
                    Number(json, time);
                }

                if (excluded.EstimatedCost is { } cost)
                {
                    json.WritePropertyName("estimated_cost");
                    Number(json, cost);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.WrittenMemory;
    }

    /// <summary>Reads a logged request back; null (with the reason) when it cannot be run again.</summary>
    public static LoggedRequest? ReadRequest(ReadOnlyMemory<byte> utf8, out string? problem)
    {
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(utf8);
            var root = document.RootElement;
            var capabilities = root.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString() ?? "").ToList();
            if (!PreferenceModeNames.TryParse(root.GetProperty("mode").GetString(), out var mode))
            {
                problem = "mode: not a preference mode";
                return null;
            }

            var weightsElement = root.GetProperty("weights");
            double Weight(string name) => weightsElement.TryGetProperty(name, out var w) ? w.GetDouble() : 0;
            var weights = new FeatureWeights
            {
                Time = Weight("time"),
                Cost = Weight("cost"),
                Complexity = Weight("complexity"),
                Accuracy = Weight("accuracy"),
                Completeness = Weight("completeness"),
                DeclaredSpeed = Weight("declared_speed"),
                DeclaredCost = Weight("declared_cost"),
                DeclaredSimplicity = Weight("declared_simplicity"),
            };
            Dictionary<string, double>? variables = null;
            if (root.TryGetProperty("variables", out var variablesElement) && variablesElement.ValueKind == JsonValueKind.Object)
            {
                variables = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var property in variablesElement.EnumerateObject())
                {
                    variables[property.Name] = property.Value.ValueKind == JsonValueKind.Number ? property.Value.GetDouble() : double.NaN;
                }
            }

            HashSet<string>? permissions = null;
            if (root.TryGetProperty("permissions", out var permissionsElement) && permissionsElement.ValueKind == JsonValueKind.Array)
            {
                permissions = new HashSet<string>(permissionsElement.EnumerateArray().Select(p => p.GetString() ?? ""), StringComparer.Ordinal);
            }

            var request = new SelectionRequest
            {
                Capabilities = capabilities,
                Query = root.TryGetProperty("query", out var query) ? query.GetString() : null,
                ExplicitMode = mode.ToWire(),
                Variables = variables,
                Environment = root.TryGetProperty("environment", out var environment) ? environment.GetString() ?? "production" : "production",
                RequireProductionSafe = !root.TryGetProperty("require_production_safe", out var safe) || safe.GetBoolean(),
                Permissions = permissions,
                CostLimit = root.TryGetProperty("cost_limit", out var limit) && limit.ValueKind == JsonValueKind.Number ? limit.GetDouble() : null,
            };
            var policy = root.TryGetProperty("policy", out var policyElement) && policyElement.GetString() == "original" ? PolicyMode.Original : PolicyMode.Enforced;
            var epsilon = root.TryGetProperty("epsilon", out var epsilonElement) ? epsilonElement.GetDouble() : AmbiguityDetector.DefaultEpsilon;
            return new LoggedRequest(request, mode, weights, policy, epsilon);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            problem = e.Message;
            return null;
        }
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private static void Number(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static void StringOrSkip(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, Clean(value));
        }
    }

    /// <summary>The text with NUL characters and lone surrogates replaced by U+FFFD (the same string when it has none).</summary>
    internal static string Clean(string text)
    {
        var span = text.AsSpan();
        var bad = false;
        for (var i = 0; i < span.Length && !bad; i++)
        {
            var c = span[i];
            bad = c == '\0' || (char.IsHighSurrogate(c) ? i + 1 >= span.Length || !char.IsLowSurrogate(span[++i]) : char.IsLowSurrogate(c));
        }

        if (!bad)
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                clean.Append(c).Append(span[++i]);
            }
            else
            {
                clean.Append(c == '\0' || char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return clean.ToString();
    }
}
