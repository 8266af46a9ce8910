using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Secrets;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// The parts of <c>GET /api/v1/catalog</c> and of a change event that make a follower's snapshot equal to a direct
/// runtime's, written by the server and read by the follower (one file, so the two sides cannot drift):
/// <list type="bullet">
/// <item><c>"experiments"</c>: the running experiments as the server's snapshot holds them (decision 1602), each with its
/// arms' version row ids and documents. A change event carries the whole running set in every event (a handful of rows),
/// and an arm's document only when the experiment is new to the event (not held as the same object by the snapshot the
/// event follows); a follower that does not hold an arm so left out reloads the catalog.</item>
/// <item><c>"sealed_secrets"</c>: a document's secrets as their stored envelopes (<c>path</c>, <c>kid</c>, <c>dek</c>,
/// <c>iv</c>, <c>ct</c>, <c>tag</c>), in document order, beside the masked document, for the principals the server
/// allows (<c>ToolCatalogServerOptions.SealedSecretReaders</c>). Never plaintext: opening one takes the key ring, as for
/// a runtime that reads PostgreSQL (decision 2102).</item>
/// </list>
/// The writing side is public for the management server (<c>OpsConductor.ToolCatalog.AspNetCore</c>), which renders these
/// parts; a host has no use for it.
/// </summary>
public static class FollowerDocuments
{
    /// <summary>The property of the running experiments.</summary>
    public const string ExperimentsProperty = "experiments";

    /// <summary>The property of a document's sealed secrets (a list; in <c>/catalog</c> a map by tool name).</summary>
    public const string SealedSecretsProperty = "sealed_secrets";

    /// <summary>Whether <paramref name="tool"/> holds a sealed secret (so the sealed rendering differs from the masked one).</summary>
    /// <param name="tool">The tool.</param>
    /// <returns>Whether it holds one.</returns>
    public static bool HasSealedSecrets(ToolDefinition tool)
    {
        var any = false;
        ToolSecrets.Map(tool, (_, secret) =>
        {
            any |= secret.IsSealed;
            return secret;
        });
        return any;
    }

    /// <summary>Whether any arm of <paramref name="experiments"/> holds a sealed secret.</summary>
    /// <param name="experiments">The running experiments.</param>
    /// <returns>Whether one does.</returns>
    public static bool HasSealedSecrets(IReadOnlyList<RunningExperiment> experiments)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        foreach (var experiment in experiments)
        {
            if (HasSealedSecrets(experiment.VersionA.Definition) || HasSealedSecrets(experiment.VersionB.Definition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes <c>"sealed_secrets":[…]</c> for <paramref name="tool"/> when it holds a sealed secret; nothing otherwise.</summary>
    /// <param name="writer">The writer, inside an object.</param>
    /// <param name="tool">The tool.</param>
    public static void WriteSealedSecrets(Utf8JsonWriter writer, ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!HasSealedSecrets(tool))
        {
            return;
        }

        writer.WritePropertyName(SealedSecretsProperty);
        WriteSecretList(writer, tool);
    }

    /// <summary>Writes the list of <paramref name="tool"/>'s secrets as envelopes (a secret not sealed is written as <c>null</c>).</summary>
    /// <param name="writer">The writer, where a value goes.</param>
    /// <param name="tool">The tool.</param>
    public static void WriteSecretList(Utf8JsonWriter writer, ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        foreach (var (path, secret) in ToolSecrets.Find(tool))
        {
            if (secret.Envelope is not { } e)
            {
                writer.WriteNullValue();
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("path", path);
            writer.WriteString("kid", e.KeyId);
            writer.WriteString("dek", e.WrappedKey);
            writer.WriteString("iv", e.Nonce);
            writer.WriteString("ct", e.Ciphertext);
            writer.WriteString("tag", e.Tag);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// Writes <c>"experiments":[…]</c>: each running experiment of <paramref name="current"/>, with its arms' documents
    /// unless the experiment is in <paramref name="previous"/> as the same object (null: always write them).
    /// </summary>
    /// <param name="writer">The writer, inside an object.</param>
    /// <param name="current">The running experiments to write.</param>
    /// <param name="previous">The experiments the reader is known to hold already, or null.</param>
    /// <param name="document">A tool's masked document as UTF-8 JSON.</param>
    /// <param name="sealedSecrets">Whether to write each arm document's sealed secrets.</param>
    public static void WriteExperiments(
        Utf8JsonWriter writer, IReadOnlyList<RunningExperiment> current, IReadOnlyList<RunningExperiment>? previous,
        Func<ToolDefinition, byte[]> document, bool sealedSecrets)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(document);
        writer.WriteStartArray(ExperimentsProperty);
        foreach (var experiment in current)
        {
            var held = previous is not null && previous.Any(p => ReferenceEquals(p, experiment));
            var e = experiment.Experiment;
            var d = e.Definition;
            writer.WriteStartObject();
            writer.WriteNumber("id", e.Id);
            writer.WriteString("name", d.Name);
            WriteOptional(writer, "description", d.Description);
            writer.WriteString("tool", d.Tool);
            writer.WriteString("version_a", d.VersionA);
            writer.WriteString("version_b", d.VersionB);
            writer.WriteNumber("split", d.Split);
            WriteOptional(writer, "seed", d.Seed);
            WriteStrings(writer, "environments", d.Environments);
            WriteStrings(writer, "users", d.Users);
            writer.WriteString("metric", d.Metric == ExperimentMetric.Time ? "time" : "success");
            writer.WriteString("guardrails", d.Guardrails);
            writer.WriteNumber("minimum_sample_size", d.MinimumSampleSize);
            writer.WriteBoolean("auto_promote", d.AutoPromote);
            if (e.StartedAt is { } started)
            {
                writer.WriteString("started_at", started);
            }

            WriteOptional(writer, "created_by", e.CreatedBy);
            writer.WriteString("created_at", e.CreatedAt);
            WriteArm(writer, "arm_a", experiment.Row.VersionAId, experiment.VersionA.Definition, held);
            WriteArm(writer, "arm_b", experiment.Row.VersionBId, experiment.VersionB.Definition, held);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        void WriteArm(Utf8JsonWriter w, string name, long id, ToolDefinition version, bool omitDocument)
        {
            w.WriteStartObject(name);
            w.WriteNumber("id", id);
            w.WriteString("version", version.Version);
            w.WriteString("status", version.Status.ToWire());
            if (!omitDocument)
            {
                w.WritePropertyName("document");
                w.WriteRawValue(document(version), skipInputValidation: true);
                if (sealedSecrets)
                {
                    WriteSealedSecrets(w, version);
                }
            }

            w.WriteEndObject();
        }
    }

    /// <summary>
    /// Reads <c>"experiments"</c> of <paramref name="parent"/> into the rows and arm definitions a snapshot resolves
    /// (<see cref="CatalogSnapshot.ResolveExperiments"/>); null when the property is absent (a server that does not send
    /// it: the held experiments stay).
    /// </summary>
    /// <param name="parent">The catalog or the change event.</param>
    /// <param name="readTool">Reads an arm's document (and its sealed secrets, given as the second argument when present).</param>
    /// <exception cref="KeyNotFoundException">A required field is missing.</exception>
    /// <exception cref="InvalidOperationException">A field has the wrong JSON type.</exception>
    /// <exception cref="FormatException">A field is not in its format.</exception>
    internal static RunningExperimentSet? ReadExperiments(JsonElement parent, Func<JsonElement, JsonElement?, ToolDefinition> readTool)
    {
        if (!parent.TryGetProperty(ExperimentsProperty, out var list))
        {
            return null;
        }

        var rows = new List<RunningExperimentRow>(list.GetArrayLength());
        var versions = new Dictionary<long, ToolDefinition>();
        foreach (var item in list.EnumerateArray())
        {
            var definition = new ExperimentDefinition
            {
                Name = item.GetProperty("name").GetString()!,
                Description = Optional(item, "description"),
                Tool = item.GetProperty("tool").GetString()!,
                VersionA = item.GetProperty("version_a").GetString()!,
                VersionB = item.GetProperty("version_b").GetString()!,
                Split = item.GetProperty("split").GetDouble(),
                Seed = Optional(item, "seed"),
                Environments = Strings(item, "environments"),
                Users = Strings(item, "users"),
                Metric = item.GetProperty("metric").GetString() == "time" ? ExperimentMetric.Time : ExperimentMetric.Success,
                Guardrails = item.GetProperty("guardrails").GetString()!,
                MinimumSampleSize = item.GetProperty("minimum_sample_size").GetInt32(),
                AutoPromote = item.GetProperty("auto_promote").GetBoolean(),
            };
            var experiment = new Experiment(
                item.GetProperty("id").GetInt64(),
                definition,
                ExperimentState.Running,
                item.TryGetProperty("started_at", out var started) ? started.GetDateTimeOffset() : null,
                null,
                null,
                Optional(item, "created_by"),
                item.GetProperty("created_at").GetDateTimeOffset());
            var (idA, statusA) = Arm(item.GetProperty("arm_a"));
            var (idB, statusB) = Arm(item.GetProperty("arm_b"));
            rows.Add(new RunningExperimentRow(experiment, idA, idB, true, true, statusA, statusB));
        }

        return new RunningExperimentSet(rows, versions);

        (long Id, ToolStatus Status) Arm(JsonElement arm)
        {
            var id = arm.GetProperty("id").GetInt64();
            var text = arm.GetProperty("status").GetString();
            if (!ToolStatusNames.TryParse(text, out var status))
            {
                throw new FormatException($"an arm's status '{text}' is not a tool status.");
            }

            if (arm.TryGetProperty("document", out var document))
            {
                versions[id] = readTool(document, arm.TryGetProperty(SealedSecretsProperty, out var secrets) ? secrets : null);
            }

            return (id, status);
        }
    }

    /// <summary>
    /// <paramref name="tool"/> (read from a masked document) with its masks replaced by the envelopes of
    /// <paramref name="secrets"/>, matched in document order and checked by path.
    /// </summary>
    /// <exception cref="FormatException">The list does not match the document's secrets (count, path, or fields).</exception>
    internal static ToolDefinition RestoreSealedSecrets(ToolDefinition tool, JsonElement secrets)
    {
        var entries = secrets.EnumerateArray().ToList();
        var index = 0;
        var restored = ToolSecrets.Map(tool, (path, secret) =>
        {
            if (index >= entries.Count)
            {
                throw new FormatException($"tool '{tool.Name}': the document has more secrets than sealed_secrets lists ({entries.Count}).");
            }

            var entry = entries[index++];
            if (entry.ValueKind == JsonValueKind.Null)
            {
                return secret;
            }

            if (!string.Equals(entry.GetProperty("path").GetString(), path, StringComparison.Ordinal))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"tool '{tool.Name}': sealed secret {index - 1} is for '{entry.GetProperty("path").GetString()}', the document's is at '{path}'."));
            }

            return SecretValue.FromEnvelope(new SecretEnvelope(
                Text(entry, "kid"), Text(entry, "dek"), Text(entry, "iv"), Text(entry, "ct"), Text(entry, "tag")));
        });
        if (index != entries.Count)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"tool '{tool.Name}': sealed_secrets lists {entries.Count} secrets, the document holds {index}."));
        }

        return restored;

        static string Text(JsonElement entry, string name) => entry.GetProperty(name).GetString() ?? throw new FormatException($"sealed secret field '{name}' is null.");
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static string? Optional(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string[] Strings(JsonElement item, string name) =>
        [.. item.GetProperty(name).EnumerateArray().Select(static v => v.GetString() ?? throw new FormatException("a null in a list of strings"))];
}
