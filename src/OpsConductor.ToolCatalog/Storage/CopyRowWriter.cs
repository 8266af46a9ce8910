using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Npgsql;
using NpgsqlTypes;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>Binary COPY of every row through Npgsql's <see cref="NpgsqlBinaryImporter"/>, one COPY per table (chosen over a
/// hand-written encoder by measurement: decision 0403). JSON
/// documents are written by one <see cref="Utf8JsonWriter"/> into a reused buffer and handed to the importer as UTF-8
/// bytes (<see cref="ReadOnlyMemory{T}"/> of <c>byte</c>, which Npgsql writes to <c>json</c> and <c>jsonb</c> as they
/// are). Each COPY streams while the server stores the rows it has received, so client encoding and server work
/// overlap. On an exception before <see cref="NpgsqlBinaryImporter.CompleteAsync"/> the importer's disposal cancels the
/// COPY; the caller's transaction is rolled back anyway.</summary>
internal sealed class CopyRowWriter : IRowWriter
{
    public static readonly CopyRowWriter Instance = new();

    private static readonly ReadOnlyMemory<byte> EmptyArray = "[]"u8.ToArray();

    private static readonly ReadOnlyMemory<byte> EmptyObject = "{}"u8.ToArray();

    public async Task InsertVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<NewVersion> versions, DateTimeOffset now, string actor, CancellationToken cancellationToken)
    {
        using var json = new JsonScratch();
        var at = now.UtcDateTime;
        var copy = await connection.BeginBinaryImportAsync(Sql.CopyTools, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var version in versions)
            {
                var tool = version.Tool;
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(version.Id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, tool.Name, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, tool.Version, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, tool.Description, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, tool.Platform, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, tool.Category, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, tool.Status.ToWire(), cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(tool.Enabled, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(json.Write(tool.Defaults, ModelJson.Stored.Defaults), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(
                    tool.Dependencies.IsEmpty ? EmptyArray : json.Write(tool.Dependencies, ModelJson.Stored.Dependencies),
                    NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await MapAsync(copy, json, tool.Metadata, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, tool.ExecutionLocation, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(
                    tool.Examples.IsEmpty ? EmptyArray : json.Write(tool.Examples, ModelJson.Stored.Examples),
                    NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await MapAsync(copy, json, tool.Extensions, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                if (version.ParentId is { } parent)
                {
                    await copy.WriteAsync(parent, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await copy.WriteAsync(version.IsLatest, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, actor, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, actor, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        copy = await connection.BeginBinaryImportAsync(Sql.CopyCapabilities, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var version in versions)
            {
                var capabilities = version.Tool.Capabilities;
                for (var c = 0; c < capabilities.Count; c++)
                {
                    await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(version.CapabilityIds[c], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(version.Id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(c, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await TextAsync(copy, capabilities[c].Name, cancellationToken).ConfigureAwait(false);
                    await TextAsync(copy, capabilities[c].Description, cancellationToken).ConfigureAwait(false);
                    await MapAsync(copy, json, capabilities[c].Extensions, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                }
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        copy = await connection.BeginBinaryImportAsync(Sql.CopyPatterns, cancellationToken).ConfigureAwait(false);
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
                        await WritePatternAsync(copy, json, version.PatternIds[patternIndex++], version.CapabilityIds[c], p, patterns[p], at, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task InsertAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyList<AuditEntry> entries, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = now.UtcDateTime;
        var copy = await connection.BeginBinaryImportAsync(Sql.CopyAudit, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var entry in entries)
            {
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(revision, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await Int64Async(copy, entry.ToolId, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, entry.ToolName, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, entry.Version, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, "tool", cancellationToken).ConfigureAwait(false);
                await Int64Async(copy, entry.ToolId, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, entry.Action, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(entry.Changes, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, change.Actor, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, change.Reason, cancellationToken).ConfigureAwait(false);
                if (change.IpAddress is { } address)
                {
                    await copy.WriteAsync(address, NpgsqlDbType.Inet, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await TextAsync(copy, change.UserAgent, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task InsertChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyCollection<KeyValuePair<string, string>> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The keys are distinct tool names, so (revision, tool_name) stays unique without ON CONFLICT.
        var at = now.UtcDateTime;
        var copy = await connection.BeginBinaryImportAsync(Sql.CopyChanges, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            foreach (var (name, action) in changes)
            {
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(revision, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, name, cancellationToken).ConfigureAwait(false);
                await TextAsync(copy, action, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One <c>tool_patterns</c> row in <see cref="Sql.PatternColumns"/> order; the nine documents are <c>json</c>.</summary>
    private static async Task WritePatternAsync(NpgsqlBinaryImporter copy, JsonScratch json, long id, long capabilityId, int ordinal, PatternDefinition pattern, DateTime at, CancellationToken cancellationToken)
    {
        await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(capabilityId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(ordinal, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
        await TextAsync(copy, pattern.Name, cancellationToken).ConfigureAwait(false);
        await TextAsync(copy, pattern.Description, cancellationToken).ConfigureAwait(false);
        await ArrayAsync(copy, json, pattern.TypicalUseCases, ModelJson.Stored.Strings, cancellationToken).ConfigureAwait(false);
        await TextAsync(copy, pattern.TimeEstimateMs, cancellationToken).ConfigureAwait(false);
        await TextAsync(copy, pattern.CostEstimate, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(pattern.ComplexityScore, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
        await TextAsync(copy, pattern.Scope, cancellationToken).ConfigureAwait(false);
        await TextAsync(copy, pattern.Completeness, cancellationToken).ConfigureAwait(false);
        await TextAsync(copy, pattern.AccuracyLevel, cancellationToken).ConfigureAwait(false);
        await TextAsync(copy, pattern.Freshness, cancellationToken).ConfigureAwait(false);
        await TextAsync(copy, pattern.DataSource, cancellationToken).ConfigureAwait(false);
        await ArrayAsync(copy, json, pattern.Limitations, ModelJson.Stored.Strings, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(json.Write(pattern.Policy, ModelJson.Stored.Policy), NpgsqlDbType.Json, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(json.Write(pattern.PreferenceMatch, ModelJson.Stored.Preferences), NpgsqlDbType.Json, cancellationToken).ConfigureAwait(false);
        await ArrayAsync(copy, json, pattern.RequiredInputs, ModelJson.Stored.Inputs, cancellationToken).ConfigureAwait(false);
        await ArrayAsync(copy, json, pattern.OptionalInputs, ModelJson.Stored.Inputs, cancellationToken).ConfigureAwait(false);
        await ArrayAsync(copy, json, pattern.ExpectedOutputs, ModelJson.Stored.Outputs, cancellationToken).ConfigureAwait(false);
        await ArrayAsync(copy, json, pattern.Examples, ModelJson.Stored.Values, cancellationToken).ConfigureAwait(false);
        await MapAsync(copy, json, pattern.Extensions, NpgsqlDbType.Json, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
    }

    private static Task TextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task Int64Async(NpgsqlBinaryImporter copy, long? value, CancellationToken cancellationToken) =>
        value is { } number ? copy.WriteAsync(number, NpgsqlDbType.Bigint, cancellationToken) : copy.WriteNullAsync(cancellationToken);

    private static Task ArrayAsync<T>(NpgsqlBinaryImporter copy, JsonScratch json, EquatableArray<T> values, JsonTypeInfo<EquatableArray<T>> info, CancellationToken cancellationToken) =>
        copy.WriteAsync(values.IsEmpty ? EmptyArray : json.Write(values, info), NpgsqlDbType.Json, cancellationToken);

    private static Task MapAsync(NpgsqlBinaryImporter copy, JsonScratch json, DataMap map, NpgsqlDbType type, CancellationToken cancellationToken) =>
        copy.WriteAsync(map.IsEmpty ? EmptyObject : json.Write(map, ModelJson.Stored.Map), type, cancellationToken);

    /// <summary>One reused buffer and JSON writer: each document is written, handed to the importer (which copies it
    /// into its own buffer before the write completes), then overwritten by the next.</summary>
    private sealed class JsonScratch : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(4096);
        private readonly Utf8JsonWriter _writer;

        public JsonScratch() => _writer = new Utf8JsonWriter(_buffer, ModelJson.WriterOptions);

        public ReadOnlyMemory<byte> Write<T>(T value, JsonTypeInfo<T> info)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            ModelJson.Stored.Write(_writer, value, info);
            _writer.Flush();
            return _buffer.WrittenMemory;
        }

        public void Dispose() => _writer.Dispose();
    }
}
