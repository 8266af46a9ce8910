using System.Text.Json;
using Npgsql;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Benchmarks.Storage;

/// <summary>The bulk import's row writer until decision 0403's measurement replaced it with Npgsql's importer
/// (<see cref="CopyRowWriter"/>); kept here as the other side of <c>copy-writers</c>. Binary COPY of every row, one COPY
/// per table, encoded by <see cref="BinaryCopyWriter"/> (JSON written straight into the COPY buffer). Each COPY streams
/// while the server stores the rows it has received, so client encoding and server work overlap.</summary>
internal sealed class HandEncodedRowWriter : IRowWriter
{
    public static readonly HandEncodedRowWriter Instance = new();

    private static ReadOnlySpan<byte> EmptyArray => "[]"u8;

    private static ReadOnlySpan<byte> EmptyObject => "{}"u8;

    public async Task InsertVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<NewVersion> versions, DateTimeOffset now, string actor, CancellationToken cancellationToken)
    {
        var copy = await BinaryCopyWriter.BeginAsync(connection, Sql.CopyTools, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var version in versions)
            {
                var tool = version.Tool;
                copy.StartRow(20);
                copy.Int64(version.Id);
                copy.Text(tool.Name);
                copy.Text(tool.Version);
                copy.Text(tool.Description);
                copy.Text(tool.Platform);
                copy.Text(tool.Category);
                copy.Text(tool.Status.ToWire());
                copy.Boolean(tool.Enabled);
                copy.Jsonb(tool.Defaults, HandWrittenModelJson.WriteDefaults);
                if (tool.Dependencies.IsEmpty)
                {
                    copy.JsonbText(EmptyArray);
                }
                else
                {
                    copy.Jsonb(tool.Dependencies, static (w, v) => HandWrittenModelJson.WriteArray(w, v, HandWrittenModelJson.WriteDependency));
                }

                JsonbMap(copy, tool.Metadata);
                copy.Text(tool.ExecutionLocation);
                if (tool.Examples.IsEmpty)
                {
                    copy.JsonbText(EmptyArray);
                }
                else
                {
                    copy.Jsonb(tool.Examples, static (w, v) => HandWrittenModelJson.WriteArray(w, v, HandWrittenModelJson.WriteExample));
                }

                JsonbMap(copy, tool.Extensions);
                copy.Int64(version.ParentId);
                copy.Boolean(version.IsLatest);
                copy.TimestampTz(now);
                copy.TimestampTz(now);
                copy.Text(actor);
                copy.Text(actor);
                await copy.EndRowAsync(cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        copy = await BinaryCopyWriter.BeginAsync(connection, Sql.CopyCapabilities, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var version in versions)
            {
                var capabilities = version.Tool.Capabilities;
                for (var c = 0; c < capabilities.Count; c++)
                {
                    copy.StartRow(7);
                    copy.Int64(version.CapabilityIds[c]);
                    copy.Int64(version.Id);
                    copy.Int32(c);
                    copy.Text(capabilities[c].Name);
                    copy.Text(capabilities[c].Description);
                    JsonbMap(copy, capabilities[c].Extensions);
                    copy.TimestampTz(now);
                    await copy.EndRowAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        copy = await BinaryCopyWriter.BeginAsync(connection, Sql.CopyPatterns, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var version in versions)
            {
                var patternIndex = 0;
                var capabilities = version.Tool.Capabilities;
                for (var c = 0; c < capabilities.Count; c++)
                {
                    var patterns = capabilities[c].Patterns;
                    for (var p = 0; p < patterns.Count; p++)
                    {
                        WritePattern(copy, version.PatternIds[patternIndex++], version.CapabilityIds[c], p, patterns[p], now);
                        await copy.EndRowAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task InsertAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyList<AuditEntry> entries, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var copy = await BinaryCopyWriter.BeginAsync(connection, Sql.CopyAudit, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var entry in entries)
            {
                copy.StartRow(13);
                copy.Int64(revision);
                copy.Int64(entry.ToolId);
                copy.Text(entry.ToolName);
                copy.Text(entry.Version);
                copy.Text("tool");
                copy.Int64(entry.ToolId);
                copy.Text(entry.Action);
                copy.JsonbText(entry.Changes);
                copy.Text(change.Actor);
                copy.TimestampTz(now);
                copy.Text(change.Reason);
                copy.Inet(change.IpAddress);
                copy.Text(change.UserAgent);
                await copy.EndRowAsync(cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task InsertChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyCollection<KeyValuePair<string, string>> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The keys are distinct tool names, so (revision, tool_name) stays unique without ON CONFLICT.
        var copy = await BinaryCopyWriter.BeginAsync(connection, Sql.CopyChanges, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var (name, action) in changes)
            {
                copy.StartRow(4);
                copy.Int64(revision);
                copy.Text(name);
                copy.Text(action);
                copy.TimestampTz(now);
                await copy.EndRowAsync(cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One <c>tool_patterns</c> row in <see cref="Sql.PatternColumns"/> order; the nine documents are <c>json</c>.</summary>
    private static void WritePattern(BinaryCopyWriter copy, long id, long capabilityId, int ordinal, PatternDefinition pattern, DateTimeOffset now)
    {
        copy.StartRow(23);
        copy.Int64(id);
        copy.Int64(capabilityId);
        copy.Int32(ordinal);
        copy.Text(pattern.Name);
        copy.Text(pattern.Description);
        JsonStrings(copy, pattern.TypicalUseCases);
        copy.Text(pattern.TimeEstimateMs);
        copy.Text(pattern.CostEstimate);
        copy.Double(pattern.ComplexityScore);
        copy.Text(pattern.Scope);
        copy.Text(pattern.Completeness);
        copy.Text(pattern.AccuracyLevel);
        copy.Text(pattern.Freshness);
        copy.Text(pattern.DataSource);
        JsonStrings(copy, pattern.Limitations);
        copy.Json(pattern.Policy, HandWrittenModelJson.WritePolicy);
        copy.Json(pattern.PreferenceMatch, HandWrittenModelJson.WritePreferences);
        JsonArray(copy, pattern.RequiredInputs, static (w, v) => HandWrittenModelJson.WriteArray(w, v, HandWrittenModelJson.WriteInput));
        JsonArray(copy, pattern.OptionalInputs, static (w, v) => HandWrittenModelJson.WriteArray(w, v, HandWrittenModelJson.WriteInput));
        JsonArray(copy, pattern.ExpectedOutputs, static (w, v) => HandWrittenModelJson.WriteArray(w, v, HandWrittenModelJson.WriteOutput));
        JsonArray(copy, pattern.Examples, HandWrittenModelJson.WriteValues);
        if (pattern.Extensions.IsEmpty)
        {
            copy.JsonText(EmptyObject);
        }
        else
        {
            copy.Json(pattern.Extensions, HandWrittenModelJson.WriteMap);
        }

        copy.TimestampTz(now);
    }

    private static void JsonStrings(BinaryCopyWriter copy, EquatableArray<string> values) =>
        JsonArray(copy, values, HandWrittenModelJson.WriteStrings);

    private static void JsonArray<T>(BinaryCopyWriter copy, EquatableArray<T> values, Action<Utf8JsonWriter, EquatableArray<T>> write)
    {
        if (values.IsEmpty)
        {
            copy.JsonText(EmptyArray);
        }
        else
        {
            copy.Json(values, write);
        }
    }

    private static void JsonbMap(BinaryCopyWriter copy, DataMap map)
    {
        if (map.IsEmpty)
        {
            copy.JsonbText(EmptyObject);
        }
        else
        {
            copy.Jsonb(map, HandWrittenModelJson.WriteMap);
        }
    }
}
