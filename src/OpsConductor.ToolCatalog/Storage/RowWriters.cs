using System.Buffers;
using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>How rows reach the tables. Both writers insert exactly the same rows (ids are allocated beforehand).</summary>
internal enum RowWriteMode
{
    /// <summary>Binary COPY (<see cref="NpgsqlBinaryImporter"/>): bulk imports.</summary>
    Copy,

    /// <summary>One Dapper INSERT per row: single-tool writes, per-tool imports (savepoints), and the benchmark's baseline.</summary>
    Statements,
}

/// <summary>Inserts new tool versions (tool, capability and pattern rows), audit rows and change-feed rows. The store
/// always passes its write transaction; a null transaction (each statement committing on its own) is used only by the
/// benchmark's naive baseline.</summary>
internal interface IRowWriter
{
    Task InsertVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<NewVersion> versions, DateTimeOffset now, string actor, CancellationToken cancellationToken);

    Task InsertAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyList<AuditEntry> entries, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken);

    Task InsertChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyCollection<KeyValuePair<string, string>> changes, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>One parameterised INSERT per row, through Dapper (JSONB through the type handlers).</summary>
internal sealed class StatementRowWriter : IRowWriter
{
    public static readonly StatementRowWriter Instance = new();

    public async Task InsertVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<NewVersion> versions, DateTimeOffset now, string actor, CancellationToken cancellationToken)
    {
        foreach (var version in versions)
        {
            var tool = version.Tool;
            await connection.ExecuteAsync(new CommandDefinition(Sql.InsertTool, new
            {
                version.Id,
                tool.Name,
                tool.Version,
                tool.Description,
                tool.Platform,
                tool.Category,
                Status = tool.Status.ToWire(),
                tool.Enabled,
                tool.Defaults,
                tool.Dependencies,
                tool.Metadata,
                tool.ExecutionLocation,
                tool.Examples,
                tool.Extensions,
                ParentVersionId = version.ParentId,
                version.IsLatest,
                Now = now,
                Actor = actor,
            }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);

            var patternIndex = 0;
            for (var c = 0; c < tool.Capabilities.Count; c++)
            {
                var capability = tool.Capabilities[c];
                var capabilityId = version.CapabilityIds[c];
                await connection.ExecuteAsync(new CommandDefinition(Sql.InsertCapability, new
                {
                    Id = capabilityId,
                    ToolId = version.Id,
                    Ordinal = c,
                    capability.Name,
                    capability.Description,
                    capability.Extensions,
                    Now = now,
                }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);

                for (var p = 0; p < capability.Patterns.Count; p++)
                {
                    var pattern = capability.Patterns[p];
                    await connection.ExecuteAsync(new CommandDefinition(Sql.InsertPattern, new
                    {
                        Id = version.PatternIds[patternIndex++],
                        CapabilityId = capabilityId,
                        Ordinal = p,
                        pattern.Name,
                        pattern.Description,
                        pattern.TypicalUseCases,
                        pattern.TimeEstimateMs,
                        pattern.CostEstimate,
                        pattern.ComplexityScore,
                        pattern.Scope,
                        pattern.Completeness,
                        pattern.AccuracyLevel,
                        pattern.Freshness,
                        pattern.DataSource,
                        pattern.Limitations,
                        pattern.Policy,
                        pattern.PreferenceMatch,
                        pattern.RequiredInputs,
                        pattern.OptionalInputs,
                        pattern.ExpectedOutputs,
                        pattern.Examples,
                        pattern.Extensions,
                        Now = now,
                    }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }
            }
        }
    }

    public async Task InsertAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyList<AuditEntry> entries, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            await connection.ExecuteAsync(new CommandDefinition(Sql.InsertAudit, new
            {
                Revision = revision,
                entry.ToolId,
                entry.ToolName,
                entry.Version,
                entry.Action,
                entry.Changes,
                change.Actor,
                Now = now,
                change.Reason,
                IpAddress = change.IpAddress?.ToString(),
                change.UserAgent,
            }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    public async Task InsertChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyCollection<KeyValuePair<string, string>> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var (name, action) in changes)
        {
            await connection.ExecuteAsync(new CommandDefinition(Sql.InsertChange, new
            {
                Revision = revision,
                ToolName = name,
                Action = action,
                ChangedAt = now,
            }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }
}

/// <summary>Binary COPY of every row (one COPY per table), JSONB serialised with one reused buffer.</summary>
internal sealed class CopyRowWriter : IRowWriter, IDisposable
{
    private readonly JsonScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    public async Task InsertVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<NewVersion> versions, DateTimeOffset now, string actor, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync(Sql.CopyTools, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var version in versions)
            {
                var tool = version.Tool;
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(version.Id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Name, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Version, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Description, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Platform, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Category, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Status.ToWire(), NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Enabled, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(Json(tool.Defaults, ModelJson.WriteDefaults), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(JsonArray(tool.Dependencies, ModelJson.WriteDependency), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(JsonMap(tool.Metadata), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, tool.ExecutionLocation, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(JsonArray(tool.Examples, ModelJson.WriteExample), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(JsonMap(tool.Extensions), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                if (version.ParentId is { } parent)
                {
                    await importer.WriteAsync(parent, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(version.IsLatest, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(actor, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(actor, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        importer = await connection.BeginBinaryImportAsync(Sql.CopyCapabilities, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var version in versions)
            {
                var capabilities = version.Tool.Capabilities;
                for (var c = 0; c < capabilities.Count; c++)
                {
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(version.CapabilityIds[c], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(version.Id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(c, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(capabilities[c].Name, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(capabilities[c].Description, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(JsonMap(capabilities[c].Extensions), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        // Serialising the patterns' JSONB values is the client's biggest job: do it up front on every core.
        var json = SerializePatterns(versions);
        importer = await connection.BeginBinaryImportAsync(Sql.CopyPatterns, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            var row = 0;
            foreach (var version in versions)
            {
                var patternIndex = 0;
                var capabilities = version.Tool.Capabilities;
                for (var c = 0; c < capabilities.Count; c++)
                {
                    var patterns = capabilities[c].Patterns;
                    for (var p = 0; p < patterns.Count; p++)
                    {
                        await WritePatternAsync(importer, version.PatternIds[patternIndex++], version.CapabilityIds[c], p, patterns[p], json.AsMemory(row++ * PatternJsonColumns, PatternJsonColumns), now, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private const int PatternJsonColumns = 9;

    /// <summary>The nine JSONB values of every pattern, in COPY order, serialised in parallel for large batches.</summary>
    private static byte[][] SerializePatterns(IReadOnlyList<NewVersion> versions)
    {
        var offsets = new int[versions.Count + 1];
        for (var i = 0; i < versions.Count; i++)
        {
            offsets[i + 1] = offsets[i] + versions[i].PatternIds.Length;
        }

        var json = new byte[offsets[^1] * PatternJsonColumns][];
        void SerializeVersion(int v, JsonScratch scratch)
        {
            var at = offsets[v] * PatternJsonColumns;
            foreach (var capability in versions[v].Tool.Capabilities)
            {
                foreach (var pattern in capability.Patterns)
                {
                    json[at++] = scratch.Strings(pattern.TypicalUseCases);
                    json[at++] = scratch.Strings(pattern.Limitations);
                    json[at++] = scratch.Json(pattern.Policy, ModelJson.WritePolicy);
                    json[at++] = scratch.Json(pattern.PreferenceMatch, ModelJson.WritePreferences);
                    json[at++] = scratch.Array(pattern.RequiredInputs, ModelJson.WriteInput);
                    json[at++] = scratch.Array(pattern.OptionalInputs, ModelJson.WriteInput);
                    json[at++] = scratch.Array(pattern.ExpectedOutputs, ModelJson.WriteOutput);
                    json[at++] = pattern.Examples.IsEmpty ? JsonScratch.EmptyArray : scratch.Json(pattern.Examples, ModelJson.WriteValues);
                    json[at++] = scratch.Map(pattern.Extensions);
                }
            }
        }

        if (offsets[^1] < 2_000)
        {
            using var scratch = new JsonScratch();
            for (var v = 0; v < versions.Count; v++)
            {
                SerializeVersion(v, scratch);
            }
        }
        else
        {
            Parallel.For(0, versions.Count, () => new JsonScratch(), (v, _, scratch) =>
            {
                SerializeVersion(v, scratch);
                return scratch;
            }, scratch => scratch.Dispose());
        }

        return json;
    }

    public async Task InsertAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyList<AuditEntry> entries, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync(Sql.CopyAudit, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var entry in entries)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(revision, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                if (entry.ToolId is { } toolId)
                {
                    await importer.WriteAsync(toolId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(entry.ToolName, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, entry.Version, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync("tool", NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                if (entry.ToolId is { } entityId)
                {
                    await importer.WriteAsync(entityId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(entry.Action, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Changes, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(change.Actor, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, change.Reason, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                if (change.IpAddress is { } address)
                {
                    await importer.WriteAsync(address, NpgsqlDbType.Inet, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await WriteNullableAsync(importer, change.UserAgent, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task InsertChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyCollection<KeyValuePair<string, string>> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The keys are distinct tool names, so (revision, tool_name) stays unique without ON CONFLICT.
        var importer = await connection.BeginBinaryImportAsync(Sql.CopyChanges, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var (name, action) in changes)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(revision, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(name, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(action, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WritePatternAsync(NpgsqlBinaryImporter importer, long id, long capabilityId, int ordinal, PatternDefinition pattern, ReadOnlyMemory<byte[]> json, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(capabilityId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(ordinal, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(pattern.Name, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(pattern.Description, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(json.Span[0], NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(pattern.TimeEstimateMs, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(pattern.CostEstimate, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(pattern.ComplexityScore, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, pattern.Scope, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, pattern.Completeness, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, pattern.AccuracyLevel, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, pattern.Freshness, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, pattern.DataSource, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(json.Span[1], NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(json.Span[2], NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(json.Span[3], NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(json.Span[4], NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(json.Span[5], NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(json.Span[6], NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(json.Span[7], NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(json.Span[8], NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await importer.WriteAsync(value, type, cancellationToken).ConfigureAwait(false);
        }
    }

    private byte[] Json<T>(T value, Action<Utf8JsonWriter, T> write) => _scratch.Json(value, write);

    private byte[] JsonMap(DataMap map) => _scratch.Map(map);

    private byte[] JsonArray<T>(EquatableArray<T> values, Action<Utf8JsonWriter, T> write) => _scratch.Array(values, write);
}

/// <summary>A reusable buffer and writer that turn model parts into UTF-8 JSON bytes (which Npgsql sends to a JSONB
/// column as they are: no string round trip). Not thread-safe: one per thread.</summary>
internal sealed class JsonScratch : IDisposable
{
    public static readonly byte[] EmptyArray = "[]"u8.ToArray();
    public static readonly byte[] EmptyObject = "{}"u8.ToArray();

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;

    public JsonScratch() => _writer = new Utf8JsonWriter(_buffer, ModelJson.WriterOptions);

    public byte[] Json<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        write(_writer, value);
        _writer.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    public byte[] Map(DataMap map) => map.IsEmpty ? EmptyObject : Json(map, ModelJson.WriteMap);

    public byte[] Strings(EquatableArray<string> values) => values.IsEmpty ? EmptyArray : Json(values, ModelJson.WriteStrings);

    public byte[] Array<T>(EquatableArray<T> values, Action<Utf8JsonWriter, T> write) =>
        values.IsEmpty ? EmptyArray : Json(values, (w, v) => ModelJson.WriteArray(w, v, write));

    public void Dispose() => _writer.Dispose();
}
