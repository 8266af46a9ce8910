using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>
/// The answer of <c>POST /select</c>, written straight from the selection to the response: the JSON of
/// <see cref="SelectResponse"/> (the documented contract, which the tests serialise and compare byte for byte with
/// this writer's output) without building the contract's objects, and with <see cref="ShortestDouble"/> for its numbers.
/// </summary>
/// <remarks>
/// The selection itself costs a few microseconds; building the answer's object graph and serialising it by reflection
/// cost several times that (150 numbers, 7 candidates × 5 features) and most of the request's allocations, which made the
/// endpoint a third as fast as a trivial one under load. Measured in docs/benchmarks.md.
/// </remarks>
internal sealed class SelectAnswer(SelectionEvaluation evaluation, ToolSelectionResult? selected, string? error, string? explanation, bool features)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private static readonly JsonEncodedText Revision = JsonEncodedText.Encode("revision");
    private static readonly JsonEncodedText Mode = JsonEncodedText.Encode("mode");
    private static readonly JsonEncodedText Weights = JsonEncodedText.Encode("weights");
    private static readonly JsonEncodedText Selected = JsonEncodedText.Encode("selected");
    private static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText Ranked = JsonEncodedText.Encode("ranked");
    private static readonly JsonEncodedText Excluded = JsonEncodedText.Encode("excluded");
    private static readonly JsonEncodedText Explanation = JsonEncodedText.Encode("explanation");
    private static readonly JsonEncodedText Rank = JsonEncodedText.Encode("rank");
    private static readonly JsonEncodedText Tool = JsonEncodedText.Encode("tool");
    private static readonly JsonEncodedText Capability = JsonEncodedText.Encode("capability");
    private static readonly JsonEncodedText Pattern = JsonEncodedText.Encode("pattern");
    private static readonly JsonEncodedText Score = JsonEncodedText.Encode("score");
    private static readonly JsonEncodedText EstimatedTimeMs = JsonEncodedText.Encode("estimated_time_ms");
    private static readonly JsonEncodedText EstimatedCost = JsonEncodedText.Encode("estimated_cost");
    private static readonly JsonEncodedText ExecutionModeHint = JsonEncodedText.Encode("execution_mode_hint");
    private static readonly JsonEncodedText SlaClass = JsonEncodedText.Encode("sla_class");
    private static readonly JsonEncodedText Justification = JsonEncodedText.Encode("justification");
    private static readonly JsonEncodedText SelectionMethod = JsonEncodedText.Encode("selection_method");
    private static readonly JsonEncodedText Alternatives = JsonEncodedText.Encode("alternatives");
    private static readonly JsonEncodedText IsAmbiguous = JsonEncodedText.Encode("is_ambiguous");
    private static readonly JsonEncodedText ClarifyingQuestion = JsonEncodedText.Encode("clarifying_question");
    private static readonly JsonEncodedText TieBreakNote = JsonEncodedText.Encode("tie_break_note");
    private static readonly JsonEncodedText NumCandidates = JsonEncodedText.Encode("num_candidates");
    private static readonly JsonEncodedText NumPolicyViolations = JsonEncodedText.Encode("num_policy_violations");
    private static readonly JsonEncodedText RequiresApproval = JsonEncodedText.Encode("requires_approval");
    private static readonly JsonEncodedText RequiresBackground = JsonEncodedText.Encode("requires_background");
    private static readonly JsonEncodedText Features = JsonEncodedText.Encode("features");
    private static readonly JsonEncodedText Notes = JsonEncodedText.Encode("notes");
    private static readonly JsonEncodedText Calibrated = JsonEncodedText.Encode("calibrated");
    private static readonly JsonEncodedText Samples = JsonEncodedText.Encode("samples");
    private static readonly JsonEncodedText P50Ms = JsonEncodedText.Encode("p50_ms");
    private static readonly JsonEncodedText P90Ms = JsonEncodedText.Encode("p90_ms");
    private static readonly JsonEncodedText RankedOn = JsonEncodedText.Encode("ranked_on");
    private static readonly JsonEncodedText Feature = JsonEncodedText.Encode("feature");
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText Weight = JsonEncodedText.Encode("weight");
    private static readonly JsonEncodedText Contribution = JsonEncodedText.Encode("contribution");
    private static readonly JsonEncodedText Rule = JsonEncodedText.Encode("rule");
    private static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText Variable = JsonEncodedText.Encode("variable");
    private static readonly JsonEncodedText Experiment = JsonEncodedText.Encode("experiment");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText Arm = JsonEncodedText.Encode("arm");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");

    /// <summary>Each exclusion rule's wire name (<c>cost_limit</c>, <c>not_production_safe</c>, …), by the rule's value.</summary>
    private static readonly JsonEncodedText[] RuleNames =
        [.. Enum.GetValues<ExclusionRule>().Select(static r => JsonEncodedText.Encode(r.ToWire()))];

    /// <summary>Each weight set's <c>weights</c> object and numbers, rendered once (a selector's weight sets live as long as it does).</summary>
    private static readonly ConditionalWeakTable<FeatureWeights, RenderedWeights> Rendered = [];

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = ApiJson.Options.Encoder,
        Indented = false,
        SkipValidation = true,
    };

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    public string ContentType => "application/json; charset=utf-8";

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        using var buffer = new PooledBufferWriter(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer);
        }

        // Written whole first, so the answer goes out with its Content-Length (not chunked), in one copy into Kestrel's
        // buffer, flushed when the request ends.
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = buffer.WrittenMemory.Length;
        response.BodyWriter.Write(buffer.WrittenMemory.Span);
        return Task.CompletedTask;
    }

    /// <summary>Writes the answer's JSON.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber(Revision, evaluation.Revision);
        writer.WriteString(Mode, evaluation.Mode.ToWire());
        var weights = Rendered.GetValue(evaluation.Weights, static w => new RenderedWeights(w));
        writer.WritePropertyName(Weights);
        writer.WriteRawValue(weights.Object, skipInputValidation: true);

        writer.WritePropertyName(Selected);
        if (selected is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            WriteSelected(writer, selected);
        }

        WriteStringOrNull(writer, Error, error);

        writer.WriteStartArray(Ranked);
        var ranked = evaluation.Ranked;
        var contributions = features ? new FeatureContribution[RankedCandidate.FeatureCount(evaluation.Weights)] : null;
        for (var i = 0; i < ranked.Count; i++)
        {
            WriteRanked(writer, ranked[i], i + 1, evaluation.Weights, weights, contributions);
        }

        writer.WriteEndArray();

        writer.WriteStartArray(Excluded);
        foreach (var exclusion in evaluation.Excluded)
        {
            WriteExclusion(writer, exclusion);
        }

        writer.WriteEndArray();
        WriteStringOrNull(writer, Explanation, explanation);
        writer.WriteEndObject();
        writer.Flush();
    }

    private static void WriteSelected(Utf8JsonWriter writer, ToolSelectionResult s)
    {
        writer.WriteStartObject();
        writer.WriteString(Tool, s.ToolName);
        writer.WriteString(Capability, s.CapabilityName);
        writer.WriteString(Pattern, s.PatternName);
        WriteNumber(writer, Score, s.FinalScore);
        WriteNumber(writer, EstimatedTimeMs, s.EstimatedTimeMs);
        WriteNumber(writer, EstimatedCost, s.EstimatedCost);
        writer.WriteString(ExecutionModeHint, s.ExecutionModeHint.ToWire());
        writer.WriteString(SlaClass, s.SlaClass.ToWire());
        writer.WriteString(Justification, s.Justification);
        writer.WriteString(SelectionMethod, SelectResponses.MethodName(s.SelectionMethod));
        writer.WriteStartArray(Alternatives);
        var ranked = s.Evaluation.Ranked;
        for (var i = 1; i < ranked.Count && i <= 3; i++)
        {
            writer.WriteStringValue(ranked[i].Candidate.Key);
        }

        writer.WriteEndArray();
        writer.WriteBoolean(IsAmbiguous, s.IsAmbiguous);
        WriteStringOrNull(writer, ClarifyingQuestion, s.ClarifyingQuestion);
        WriteStringOrNull(writer, TieBreakNote, s.TieBreakNote);
        writer.WriteNumber(NumCandidates, s.NumCandidates);
        writer.WriteNumber(NumPolicyViolations, s.NumPolicyViolations);
        WriteExperiment(writer, s.Winner.Candidate);
        writer.WriteEndObject();
    }

    private static void WriteRanked(Utf8JsonWriter writer, RankedCandidate r, int rank, FeatureWeights weights, RenderedWeights rendered, FeatureContribution[]? features)
    {
        var candidate = r.Candidate;
        writer.WriteStartObject();
        writer.WriteNumber(Rank, rank);
        writer.WriteString(Tool, candidate.ToolName);
        writer.WriteString(Capability, candidate.CapabilityName);
        writer.WriteString(Pattern, candidate.PatternName);
        WriteNumber(writer, Score, r.Score);
        WriteNumber(writer, EstimatedTimeMs, candidate.EstimatedTimeMs);
        WriteNumber(writer, EstimatedCost, candidate.EstimatedCost);
        writer.WriteString(ExecutionModeHint, r.ExecutionMode.ToWire());
        writer.WriteString(SlaClass, r.SlaClass.ToWire());
        writer.WriteBoolean(RequiresApproval, r.Policy.RequiresApproval);
        writer.WriteBoolean(RequiresBackground, r.Policy.RequiresBackground);
        if (features is null)
        {
            writer.WriteNull(Features);
        }
        else
        {
            WriteFeatures(writer, r, weights, rendered, features);
        }

        writer.WriteStartArray(Notes);
        foreach (var note in r.Policy.Notes)
        {
            writer.WriteStringValue(note);
        }

        writer.WriteEndArray();
        if (candidate.Calibration is { } calibration)
        {
            writer.WriteStartObject(Calibrated);
            writer.WriteNumber(Samples, calibration.Samples);
            WriteNumber(writer, P50Ms, calibration.P50(candidate.EstimatedTimeMs));
            WriteNumber(writer, P90Ms, calibration.P90(candidate.EstimatedTimeMs));
            writer.WriteString(RankedOn, SelectResponses.TimeSourceName(r.TimeSource));
            writer.WriteEndObject();
        }

        WriteExperiment(writer, candidate);
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>"experiment": {"name", "arm", "version"}</c> when the candidate comes from an experiment's arm; nothing otherwise.</summary>
    private static void WriteExperiment(Utf8JsonWriter writer, ToolCandidate candidate)
    {
        if (candidate.Experiment is not { } experiment)
        {
            return;
        }

        writer.WriteStartObject(Experiment);
        writer.WriteString(Name, experiment.Name);
        writer.WriteString(Arm, SelectResponses.ArmName(candidate.Arm!.Value));
        writer.WriteString(Version, candidate.Version);
        writer.WriteEndObject();
    }

    private static void WriteFeatures(Utf8JsonWriter writer, RankedCandidate r, FeatureWeights weights, RenderedWeights rendered, FeatureContribution[] features)
    {
        writer.WriteStartArray(Features);
        var count = r.Explain(weights, features);
        for (var i = 0; i < count; i++)
        {
            var c = features[i];
            writer.WriteStartObject();
            writer.WriteString(Feature, c.Feature);
            WriteNumber(writer, Value, c.Value);
            writer.WritePropertyName(Weight);
            if (rendered.Numbers.TryGetValue(c.Weight, out var weight))
            {
                writer.WriteRawValue(weight, skipInputValidation: true);
            }
            else
            {
                WriteNumberValue(writer, c.Weight);
            }

            WriteNumber(writer, Contribution, c.Contribution);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteExclusion(Utf8JsonWriter writer, ExcludedCandidate e)
    {
        writer.WriteStartObject();
        writer.WriteString(Tool, e.ToolName);
        writer.WriteString(Capability, e.CapabilityName);
        writer.WriteString(Pattern, e.PatternName);
        writer.WriteString(Rule, RuleNames[(int)e.Rule]);
        writer.WriteString(Reason, e.Reason);
        WriteStringOrNull(writer, Variable, e.Variable);
        WriteNumberOrNull(writer, EstimatedTimeMs, e.EstimatedTimeMs);
        WriteNumberOrNull(writer, EstimatedCost, e.EstimatedCost);
        writer.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, JsonEncodedText name, double? value)
    {
        if (value is { } number)
        {
            WriteNumber(writer, name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, JsonEncodedText name, double value)
    {
        writer.WritePropertyName(name);
        WriteNumberValue(writer, value);
    }

    private static void WriteNumberValue(Utf8JsonWriter writer, double value)
    {
        Span<byte> text = stackalloc byte[ShortestDouble.MaxLength];
        if (ShortestDouble.TryFormat(value, text, out var written))
        {
            writer.WriteRawValue(text[..written], skipInputValidation: true);
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }

    /// <summary>A weight set's <c>weights</c> object, and each of its numbers, as JSON text.</summary>
    private sealed class RenderedWeights
    {
        public RenderedWeights(FeatureWeights weights)
        {
            using var buffer = new PooledBufferWriter(256);
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                foreach (var (name, value) in weights.ToDictionary())
                {
                    writer.WritePropertyName(name);
                    WriteNumberValue(writer, value);
                    if (!Numbers.ContainsKey(value))
                    {
                        Numbers[value] = Text(value);
                    }
                }

                writer.WriteEndObject();
            }

            Object = buffer.WrittenMemory.ToArray();
        }

        /// <summary>The <c>weights</c> object.</summary>
        public byte[] Object { get; }

        /// <summary>Each weight's text, by value (a handful of values, written once per feature of every candidate).</summary>
        public Dictionary<double, byte[]> Numbers { get; } = [];

        private static byte[] Text(double value)
        {
            using var buffer = new PooledBufferWriter(64);
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                WriteNumberValue(writer, value);
            }

            return buffer.WrittenMemory.ToArray();
        }
    }
}
