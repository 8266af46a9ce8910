using System.Text.Json;
using System.Text.Json.Serialization;
using OpsConductor.ToolCatalog.Experiments;

namespace OpsConductor.ToolCatalog.AspNetCore.Contracts;

/// <summary>An experiment as the API writes it (the fields of <c>toolcatalog experiment status --format json</c>).</summary>
internal sealed record ExperimentResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("a")] string A,
    [property: JsonPropertyName("b")] string B,
    [property: JsonPropertyName("split")] double Split,
    [property: JsonPropertyName("seed")] string Seed,
    [property: JsonPropertyName("environments")] IReadOnlyList<string> Environments,
    [property: JsonPropertyName("users")] IReadOnlyList<string> Users,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("guardrails")] JsonElement Guardrails,
    [property: JsonPropertyName("min_samples")] int MinSamples,
    [property: JsonPropertyName("auto_promote")] bool AutoPromote,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("started_at")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("stopped_at")] DateTimeOffset? StoppedAt,
    [property: JsonPropertyName("winner")] string? Winner,
    [property: JsonPropertyName("created_by")] string? CreatedBy,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("revision")] long? Revision)
{
    public static ExperimentResponse From(Experiment e, long? revision = null) => new(
        e.Name,
        e.Definition.Description,
        e.Definition.Tool,
        e.Definition.VersionA,
        e.Definition.VersionB,
        e.Definition.Split,
        e.Seed,
        e.Definition.Environments,
        e.Definition.Users,
        e.Definition.Metric == ExperimentMetric.Time ? "time" : "success",
        JsonSerializer.Deserialize<JsonElement>(e.Definition.Guardrails),
        e.Definition.MinimumSampleSize,
        e.Definition.AutoPromote,
        e.State.ToString().ToLowerInvariant(),
        e.StartedAt,
        e.StoppedAt,
        e.Winner switch { ExperimentArm.A => "a", ExperimentArm.B => "b", _ => null },
        e.CreatedBy,
        e.CreatedAt,
        revision);
}

/// <summary>The body of <c>POST /experiments</c> (the options of <c>toolcatalog experiment create</c>).</summary>
internal sealed record CreateExperimentRequest
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("tool")]
    public string? Tool { get; init; }

    [JsonPropertyName("a")]
    public string? A { get; init; }

    [JsonPropertyName("b")]
    public string? B { get; init; }

    [JsonPropertyName("split")]
    public double? Split { get; init; }

    [JsonPropertyName("seed")]
    public string? Seed { get; init; }

    [JsonPropertyName("environments")]
    public IReadOnlyList<string>? Environments { get; init; }

    [JsonPropertyName("users")]
    public IReadOnlyList<string>? Users { get; init; }

    [JsonPropertyName("metric")]
    public string? Metric { get; init; }

    [JsonPropertyName("guardrails")]
    public JsonElement? Guardrails { get; init; }

    [JsonPropertyName("min_samples")]
    public int? MinSamples { get; init; }

    [JsonPropertyName("auto_promote")]
    public bool? AutoPromote { get; init; }
}

/// <summary>The optional body of <c>POST /experiments/{name}/promote</c>: the arm to adopt.</summary>
internal sealed record PromoteExperimentRequest
{
    [JsonPropertyName("arm")]
    public string? Arm { get; init; }
}
